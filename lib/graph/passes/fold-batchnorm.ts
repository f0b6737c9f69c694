/**
 * Folds an inference-mode BatchNormalization into the Conv / ConvTranspose / Gemm that feeds it:
 * with s = γ / √(var + ε) per output channel, W' = W · s and b' = (b − mean) · s + β.
 * The output channel is axis 0 of a Conv weight, axis 1 (within each group) of a ConvTranspose
 * weight, and the N column of a Gemm (B is [K,N], or [N,K] with transB).
 * Only float32 weights, constant BN parameters, and a producer whose output the BN alone reads.
 */
import { attrFloat, attrInt } from '../../onnx/attributes.js';
import type { Model, NodeInfo } from '../../onnx/ir.js';
import { Tensor } from '../../tensor.js';
import { consumers, copyModel, freshName, fusedFrom, producers, singleUse } from '../graph-utils.js';

const PRODUCERS = new Set(['Conv', 'ConvTranspose', 'Gemm']);

export function foldBatchNorm(model: Model): Model {
  let out = model;
  for (;;) {
    const next = foldOne(out);
    if (!next) return out;
    out = next;
  }
}

function foldOne(model: Model): Model | undefined {
  const uses = consumers(model.nodes);
  const made = producers(model.nodes);
  for (const bn of model.nodes) {
    if (bn.op !== 'BatchNormalization' || attrInt(bn, 'training_mode', 0) === 1 || attrInt(bn, 'spatial', 1) !== 1) continue;
    if (bn.outputs.slice(1).some((o) => o && (uses.has(o) || model.outputs.some((g) => g.name === o)))) continue;
    const prod = made.get(bn.inputs[0]!);
    if (!prod || !PRODUCERS.has(prod.op) || prod.attributes.activation || !singleUse(model, uses, bn.inputs[0]!)) continue;
    const params = bn.inputs.slice(1, 5).map((n) => model.initializers.get(n));
    const w = model.initializers.get(prod.inputs[1]!);
    const biasName = prod.inputs[2];
    const bias = biasName ? model.initializers.get(biasName) : undefined;
    if (params.some((p) => !p || p.type !== 'float32') || !w || w.type !== 'float32' || (biasName && (!bias || bias.type !== 'float32'))) continue;
    const [gamma, beta, mean, variance] = params.map((p) => p!.data as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const eps = attrFloat(bn, 'epsilon', 1e-5);
    const s = gamma.map((g, c) => g / Math.sqrt(variance[c]! + eps));
    const folded = prod.op === 'Gemm' ? foldGemm(prod, w, bias, s, beta, mean) : foldConv(prod, w, bias, s, beta, mean);
    if (!folded) continue;

    const out = copyModel(model);
    const wName = freshName(out, `${prod.inputs[1]}_bn`);
    out.initializers.set(wName, folded.w);
    const bName = freshName(out, `${prod.name}_bias_bn`);
    out.initializers.set(bName, folded.b);
    const inputs = [...prod.inputs];
    inputs[1] = wName;
    inputs[2] = bName;
    const fused: NodeInfo = {
      ...prod, inputs, outputs: [bn.outputs[0]!, ...prod.outputs.slice(1)],
      attributes: { ...prod.attributes, ...folded.attributes, fusedFrom: fusedFrom(prod, bn.name) },
    };
    out.nodes = model.nodes.filter((n) => n !== bn).map((n) => (n === prod ? fused : n));
    out.valueInfo.delete(prod.outputs[0]!);
    return out;
  }
  return undefined;
}

type Folded = { w: Tensor; b: Tensor; attributes?: NodeInfo['attributes'] };

function foldConv(node: NodeInfo, w: Tensor, bias: Tensor | undefined, s: Float32Array, beta: Float32Array, mean: Float32Array): Folded | undefined {
  const group = attrInt(node, 'group', 1);
  const transposed = node.op === 'ConvTranspose';
  const outChannels = transposed ? w.dims[1]! * group : w.dims[0]!;
  if (outChannels !== s.length || w.dims.length < 3) return undefined;
  const data = new Float32Array(w.data as Float32Array);
  const inner = w.size / (w.dims[0]! * w.dims[1]!); // kernel elements
  for (let a = 0; a < w.dims[0]!; a++) for (let b = 0; b < w.dims[1]!; b++) {
    // ConvTranspose weights are [C_in, M/group, k…]: input channel a belongs to group ⌊a / (C_in/group)⌋.
    const c = transposed ? Math.floor(a / (w.dims[0]! / group)) * w.dims[1]! + b : a;
    const base = (a * w.dims[1]! + b) * inner;
    for (let k = 0; k < inner; k++) data[base + k]! *= s[c]!;
  }
  const b0 = bias?.data as Float32Array | undefined;
  const b = s.map((sc, c) => ((b0?.[c] ?? 0) - mean[c]!) * sc + beta[c]!);
  return { w: new Tensor('float32', data, [...w.dims]), b: new Tensor('float32', b, [s.length]) };
}

function foldGemm(node: NodeInfo, w: Tensor, c: Tensor | undefined, s: Float32Array, beta: Float32Array, mean: Float32Array): Folded | undefined {
  if (w.dims.length !== 2) return undefined;
  const transB = attrInt(node, 'transB', 0) === 1;
  const [k, n] = transB ? [w.dims[1]!, w.dims[0]!] : [w.dims[0]!, w.dims[1]!];
  if (n !== s.length) return undefined;
  const data = new Float32Array(w.data as Float32Array);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) data[transB ? j * k + i : i * n + j]! *= s[j]!;
  // C broadcasts to [M, N]: fold a scalar or per-column C; a full [M, N] C keeps its rows.
  const gb = attrFloat(node, 'beta', 1);
  if (c && c.size !== 1 && !(c.dims.length <= 2 && c.dims[c.dims.length - 1] === n)) return undefined;
  const rows = c && c.size > 1 ? c.size / n : 1;
  const cd = c?.data as Float32Array | undefined;
  const b = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    const cv = cd ? cd[c!.size === 1 ? 0 : r * n + j]! : 0;
    b[r * n + j] = (gb * cv - mean[j]!) * s[j]! + beta[j]!;
  }
  return { w: new Tensor('float32', data, [...w.dims]), b: new Tensor('float32', b, rows > 1 ? [rows, n] : [n]), attributes: { beta: 1 } };
}
