/** Removes nodes nothing reads (transitively from the graph outputs) and unused initializers. */
import type { Model } from '../../onnx/ir.js';
import { copyModel } from '../graph-utils.js';

export function eliminateDead(model: Model): Model {
  const live = new Set(model.outputs.map((o) => o.name));
  const keep = new Array<boolean>(model.nodes.length).fill(false);
  for (let i = model.nodes.length - 1; i >= 0; i--) {
    const n = model.nodes[i]!;
    if (!n.outputs.some((o) => o && live.has(o))) continue;
    keep[i] = true;
    for (const x of n.inputs) if (x) live.add(x);
  }
  const out = copyModel(model);
  out.nodes = model.nodes.filter((_, i) => keep[i]);
  for (const name of model.initializers.keys()) if (!live.has(name)) out.initializers.delete(name);
  const feeds = new Set(model.inputs.map((i) => i.name));
  for (const name of model.valueInfo.keys()) if (!live.has(name) && !feeds.has(name)) out.valueInfo.delete(name);
  return out;
}
