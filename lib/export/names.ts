/** Fresh value and node names for the nodes and initializers the export adds. */
import type { Model } from '../onnx/ir.js';

/**
 * Every name the model already uses (values, initializers, nodes). ONNX keeps node and value names
 * apart, but one shared set keeps the added names readable and never ambiguous.
 */
export class NameTable {
  private readonly taken = new Set<string>();

  constructor(model: Model) {
    for (const t of [...model.inputs, ...model.outputs]) this.taken.add(t.name);
    for (const name of model.initializers.keys()) this.taken.add(name);
    for (const name of model.valueInfo.keys()) this.taken.add(name);
    for (const n of model.nodes) {
      this.taken.add(n.name);
      for (const v of [...n.inputs, ...n.outputs]) if (v) this.taken.add(v);
    }
  }

  /** `base`, or `base_<k>` for the smallest k that is free; the result is reserved. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }
}
