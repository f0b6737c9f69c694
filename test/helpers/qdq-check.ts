/**
 * Helpers for the Q/DQ export tests: activation amax by running the float model on sample data,
 * an independent JS evaluation of a Q/DQ model (QuantizeLinear / DequantizeLinear by the ONNX
 * definition, everything else through onnx-eval), and onnxruntime-node runs.
 */
import { createRequire } from 'node:module';
import type { Model, NodeInfo } from '../../lib/onnx/ir.js';
import { Tensor } from '../../lib/tensor.js';
import { evaluate } from './onnx-eval.js';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');

export type Feeds = Record<string, Tensor>;

/** Every value of the model (inputs, intermediates, outputs) for one feed, by the float evaluator. */
export function allValues(model: Model, feeds: Feeds): Map<string, Tensor> {
  const names = [...model.inputs.map((i) => i.name), ...model.nodes.flatMap((n) => n.outputs).filter(Boolean)];
  const out = evaluate({ ...model, outputs: model.nodes.flatMap((n) => n.outputs).filter(Boolean).map((name) => ({ name, type: 'float32', dims: [] })) }, feeds);
  return new Map(names.map((n) => [n, out[n] ?? feeds[n]!]));
}

/** amax = max |x| over the samples, for every non-constant value (the 'max' calibration). */
export function maxAmax(model: Model, samples: Feeds[]): Map<string, number> {
  const amax = new Map<string, number>();
  for (const feeds of samples) for (const [name, t] of allValues(model, feeds)) {
    let m = amax.get(name) ?? 0;
    for (const v of t.data as Float32Array) m = Math.max(m, Math.abs(v));
    amax.set(name, m);
  }
  return amax;
}

/** ONNX QuantizeLinear for int8: saturate(round_half_even(x / scale) + zp) to [-128, 127]. */
function quantize(x: number, scale: number, zp: number): number {
  const v = Math.fround(x / scale);
  let r = Math.round(v);
  if (r - v === 0.5 && r % 2 !== 0) r -= 1; // Math.round sends .5 up; ties go to even
  return Math.min(127, Math.max(-128, r + zp));
}

/** Evaluates a Q/DQ model node by node; Q/DQ here, every other node through onnx-eval. */
export function evalQDQ(model: Model, feeds: Feeds): Feeds {
  const env = new Map<string, Tensor>([...model.initializers, ...Object.entries(feeds)]);
  for (const node of model.nodes) {
    if (node.op === 'QuantizeLinear' || node.op === 'DequantizeLinear') {
      env.set(node.outputs[0]!, qdq(node, env));
      continue;
    }
    const sub: Model = { ...model, inputs: [], nodes: [node], initializers: env,
      outputs: node.outputs.filter(Boolean).map((name) => ({ name, type: 'float32', dims: [] })) };
    for (const [k, v] of Object.entries(evaluate(sub, {}))) env.set(k, v);
  }
  return Object.fromEntries(model.outputs.map((o) => [o.name, env.get(o.name)!]));
}

function qdq(node: NodeInfo, env: Map<string, Tensor>): Tensor {
  const [x, s, z] = node.inputs.map((n) => env.get(n)!);
  const scale = Array.from(s!.data as Float32Array);
  const zp = z ? Array.from(z.data as Int8Array) : scale.map(() => 0);
  const perAxis = scale.length > 1 || s!.dims.length === 1;
  const axis = perAxis ? ((node.attributes.axis as number | undefined) ?? 1) : 0;
  const inner = x!.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const ch = (i: number) => (perAxis ? Math.floor(i / inner) % x!.dims[axis]! : 0);
  const src = x!.data as ArrayLike<number>;
  if (node.op === 'QuantizeLinear') return new Tensor('int8', Int8Array.from(src, (v, i) => quantize(v, scale[ch(i)]!, zp[ch(i)]!)), x!.dims);
  return new Tensor('float32', Float32Array.from(src, (v, i) => Math.fround((v - zp[ch(i)]!) * scale[ch(i)]!)), x!.dims);
}

/**
 * 'basic' keeps the Q/DQ nodes (ONNX semantics, float math between them). 'all' fuses them into
 * QLinearConv & co., whose x86 u8s8 kernels saturate int16 pair sums on CPUs without VNNI (the
 * reason ORT documents reduce_range), so results at 'all' depend on the CPU.
 */
export async function runOrt(bytes: Uint8Array, feeds: Feeds, level: 'disabled' | 'basic' | 'all' = 'basic'): Promise<Feeds> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: level });
  try {
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor('float32', t.data as Float32Array, t.dims)]));
    const out = await session.run(ortFeeds);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, new Tensor('float32', t.data as Float32Array, t.dims)]));
  } finally {
    await session.release();
  }
}

/** max |a − b| divided by the range (max − min) of b. */
export function relDiff(a: Tensor, b: Tensor): number {
  const x = a.data as Float32Array, y = b.data as Float32Array;
  if (x.length !== y.length) return Infinity;
  let d = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
    lo = Math.min(lo, y[i]!); hi = Math.max(hi, y[i]!);
  }
  return d / Math.max(hi - lo, 1e-12);
}

/** Counts of each op in a model. */
export function opCounts(model: Model): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of model.nodes) out[n.op] = (out[n.op] ?? 0) + 1;
  return out;
}
