/** Argument checks for exportQDQ: every mistake is an ERR_INVALID_ARG naming what was wrong. */
import { invalid } from '../errors.js';
import type { Model } from '../onnx/ir.js';

export function checkModel(model: unknown): asserts model is Model {
  const m = model as Partial<Model> | null;
  if (!m || typeof m !== 'object' || !Array.isArray(m.nodes) || !Array.isArray(m.inputs) || !Array.isArray(m.outputs) ||
      !(m.initializers instanceof Map) || !(m.valueInfo instanceof Map) || typeof m.opset !== 'number')
    throw invalid('a Model (from loadOnnx)', 'model', model);
}

/** amax: tensor name → a finite amax ≥ 0. */
export function checkAmax(amax: unknown): Map<string, number> {
  if (!(amax instanceof Map)) throw invalid('a Map from tensor name to amax', 'amax', amax);
  for (const [name, v] of amax as Map<unknown, unknown>) {
    if (typeof name !== 'string') throw invalid('tensor names (strings) as keys', 'amax', name);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid('a finite number ≥ 0', `the amax of tensor '${name}'`, v);
  }
  return amax as Map<string, number>;
}

/**
 * keepFloat names nodes of the model. A node that the graph passes fused into another (its name is
 * in that node's fusedFrom) names the node it now lives in.
 */
export function resolveKeepFloat(model: Model, keepFloat: unknown): Set<string> {
  if (keepFloat === undefined) return new Set();
  if (!Array.isArray(keepFloat)) throw invalid('an array of node names', 'options.keepFloat', keepFloat);
  const owner = new Map<string, string>();
  for (const n of model.nodes) {
    const from = n.attributes.fusedFrom;
    if (Array.isArray(from)) for (const f of from) if (typeof f === 'string') owner.set(f, n.name);
  }
  for (const n of model.nodes) owner.set(n.name, n.name);
  const out = new Set<string>();
  for (const name of keepFloat) {
    if (typeof name !== 'string') throw invalid('node names (strings)', 'options.keepFloat', name);
    const node = owner.get(name);
    if (node === undefined) throw invalid('the name of a node in the model', 'options.keepFloat', name);
    out.add(node);
  }
  return out;
}

export function checkOptions(options: unknown): void {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw invalid('an options object', 'options', options);
}
