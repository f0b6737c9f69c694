/**
 * Which nodes the Q/DQ export quantizes, and how (QUANTIZATION.md, TensorRT explicit quantization):
 * Conv / ConvTranspose / Gemm / MatMul get int8 inputs: activations per tensor, constant weights
 * per output channel. A node is quantized whole or not at all: with an activation input that has no
 * amax (or any non-float32 input) it stays float and its weights stay float too.
 */
import type { Model, NodeInfo } from '../onnx/ir.js';
import type { Tensor } from '../tensor.js';

export const QUANTIZABLE: ReadonlySet<string> = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

export type InputPlan =
  | { index: number; kind: 'activation'; tensor: string }
  | { index: number; kind: 'weight'; tensor: string; value: Tensor; axis: number | undefined };

export type NodePlan = { ok: true; inputs: InputPlan[] } | { ok: false; reason: string; missing: string[] };

/** Constant values by name: initializers and the outputs of Constant nodes with a tensor `value`. */
export function constantsOf(model: Model): Map<string, Tensor> {
  const out = new Map(model.initializers);
  for (const n of model.nodes) {
    const v = n.attributes.value;
    if (n.op === 'Constant' && typeof v === 'object' && v !== null && 'dims' in v) out.set(n.outputs[0]!, v);
  }
  return out;
}

/**
 * The output-channel axis of a weight (input 1): 0 for Conv [M, C/g, k…] and Gemm transB [N, K];
 * 1 for ConvTranspose [C, M/g, k…] and Gemm [K, N]; the last (N) axis of a MatMul [… K, N].
 * Undefined (per tensor) where the weight has no such axis, such as a 1-D MatMul operand.
 */
export function weightAxis(node: NodeInfo, w: Tensor): number | undefined {
  const rank = w.dims.length;
  let axis: number;
  switch (node.op) {
    case 'Conv': axis = 0; break;
    case 'ConvTranspose': axis = 1; break;
    case 'Gemm': axis = node.attributes.transB === 1 ? 0 : 1; break;
    default: axis = rank - 1; if (rank < 2) return undefined;
  }
  return axis < rank ? axis : undefined;
}

export function planNode(model: Model, consts: Map<string, Tensor>, amax: Map<string, number>, node: NodeInfo): NodePlan {
  const inputs: InputPlan[] = [];
  const missing: string[] = [];
  for (const index of [0, 1]) {
    const tensor = node.inputs[index];
    if (!tensor) continue;
    const value = consts.get(tensor);
    const type = value?.type ?? model.valueInfo.get(tensor)?.type ?? 'float32';
    if (type !== 'float32') return { ok: false, reason: `input '${tensor}' is ${type}, not float32`, missing: [] };
    if (value) {
      // Input 1 is the weight; a constant input 0 (a constant A of a MatMul) is quantized per tensor.
      inputs.push({ index, kind: 'weight', tensor, value, axis: index === 1 ? weightAxis(node, value) : undefined });
    } else if (amax.has(tensor)) {
      inputs.push({ index, kind: 'activation', tensor });
    } else {
      missing.push(tensor);
    }
  }
  if (missing.length > 0) return { ok: false, reason: `no amax for ${missing.map((m) => `'${m}'`).join(', ')}`, missing };
  return { ok: true, inputs };
}

/** Activations a residual Add may pass through on its way to a quantized node. */
const PASS_THROUGH = new Set(['Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish']);

/**
 * A residual Add is quantized (Q/DQ on both inputs) when both inputs are float32 activations with
 * an amax and its output feeds a quantized node, directly or through one activation: TensorRT then
 * keeps the int8 region across the Add (and fuses it into the preceding Conv) instead of
 * leaving int8 for float there.
 */
export function planResidualAdd(model: Model, consts: Map<string, Tensor>, amax: Map<string, number>,
  node: NodeInfo, quantized: ReadonlySet<string>, uses: Map<string, NodeInfo[]>): InputPlan[] | undefined {
  if (node.op !== 'Add' || node.inputs.length !== 2) return undefined;
  for (const t of node.inputs) {
    if (!t || consts.has(t) || !amax.has(t)) return undefined;
    if ((model.valueInfo.get(t)?.type ?? 'float32') !== 'float32') return undefined;
  }
  const feedsQuantized = (name: string, depth: number): boolean => (uses.get(name) ?? []).some((c) =>
    quantized.has(c.name) || (depth > 0 && PASS_THROUGH.has(c.op) && feedsQuantized(c.outputs[0]!, depth - 1)));
  if (!feedsQuantized(node.outputs[0]!, 1)) return undefined;
  return node.inputs.map((tensor, index) => ({ index, kind: 'activation', tensor }));
}
