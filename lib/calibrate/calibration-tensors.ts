/**
 * Which activations calibration observes, and the names their ranges go under.
 *
 * Selected, in a model: the non-constant float32 inputs of every Conv, ConvTranspose, Gemm and MatMul
 * (what an int8 layer reads; model inputs included), both inputs of an Add whose inputs are both
 * activations (a residual Add, across which TensorRT and exportQDQ continue the int8 region), and
 * the activation inputs of Concat (TensorRT runs Concat in int8 when its inputs are).
 *
 * Names are the original model's: the engine runs the optimized model, whose passes keep the names
 * of the values a fused chain writes (Conv+Relu writes the Relu's output name) but drop Identity
 * and Dropout nodes, so a consumer may read the Identity's input there and its output in the
 * original. Selection runs on both models and the two are joined through those alias chains, so the
 * TensorRT cache and exportQDQ find every range whichever form of the model they are given.
 */
import { optimize } from '../graph/optimize.js';
import type { Model } from '../onnx/ir.js';

const QUANTIZED_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

function constants(model: Model): Set<string> {
  const out = new Set(model.initializers.keys());
  for (const n of model.nodes) if (n.op === 'Constant') out.add(n.outputs[0]!);
  return out;
}

/** The selected activation names of one model, in node order. */
function selectActivations(model: Model): string[] {
  const consts = constants(model);
  const inputTypes = new Map(model.inputs.map((i) => [i.name, i.type]));
  const isActivation = (name: string | undefined): name is string =>
    !!name && !consts.has(name) && (model.valueInfo.get(name)?.type ?? inputTypes.get(name) ?? 'float32') === 'float32';
  const out = new Set<string>();
  for (const n of model.nodes) {
    let read: (string | undefined)[] = [];
    if (QUANTIZED_OPS.has(n.op)) read = n.inputs.slice(0, 2); // data and weight; a computed weight is an activation
    else if (n.op === 'Concat') read = n.inputs;
    else if (n.op === 'Add' && n.inputs.length === 2 && n.inputs.every(isActivation)) read = n.inputs;
    for (const name of read) if (isActivation(name)) out.add(name);
  }
  return [...out];
}

/** Union-find over Identity / inference Dropout chains of the original model: each class holds equal values. */
function aliasClasses(model: Model): (name: string) => string {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x);
    if (p === undefined || p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  for (const n of model.nodes) {
    const passThrough = n.op === 'Identity' || (n.op === 'Dropout' && !n.inputs[2]); // no training_mode input
    if (passThrough && n.inputs[0] && n.outputs[0]) parent.set(find(n.outputs[0]), find(n.inputs[0]));
  }
  return find;
}

/**
 * Tensor name (as the original model spells it) → the value of `optimized` holding its data, for
 * every selected tensor the optimized model still computes (a range folded into a constant is dropped).
 * Ordered as the values appear in the original model.
 */
export function calibrationWatches(model: Model, optimized: Model): Map<string, string> {
  const find = aliasClasses(model);
  const optConsts = constants(optimized);
  const computed = new Map<string, string>(); // alias class → the optimized value in it
  for (const name of [...optimized.inputs.map((i) => i.name), ...optimized.nodes.flatMap((n) => n.outputs)])
    if (name && !optConsts.has(name) && !computed.has(find(name))) computed.set(find(name), name);

  const order = [...model.inputs.map((i) => i.name), ...model.nodes.flatMap((n) => n.outputs)];
  const rank = new Map(order.map((name, i) => [name, i]));
  const selected = [...new Set([...selectActivations(model), ...selectActivations(optimized)])];
  selected.sort((a, b) => (rank.get(a) ?? order.length) - (rank.get(b) ?? order.length));
  const out = new Map<string, string>();
  for (const name of selected) {
    const value = computed.get(find(name));
    if (value !== undefined) out.set(name, value);
  }
  return out;
}

/** The names of the tensors calibrate(model, …) collects ranges for (see above for which and why). */
export function calibrationTensors(model: Model): string[] {
  return [...calibrationWatches(model, optimize(model)).keys()];
}
