/**
 * Runs one ONNX model (built with onnx-builder) on onnxruntime-node and on an int8rt fp32 engine,
 * for the engine tests. The largest difference is relative to the reference's largest magnitude.
 */
import { createRequire } from 'node:module';
import { buildEngine } from '../../lib/build/build-engine.js';
import type { Engine } from '../../lib/engine.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { Tensor } from '../../lib/tensor.js';
import { buildModel, type AttrSpec, type ModelSpec } from './onnx-builder.js';
import { randomFloats } from './random.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');

export async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data as Float32Array, t.dims)]));
  const out = await session.run(ortFeeds);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, new Tensor('float32', t.data as Float32Array, t.dims)]));
}

export function relativeMaxDiff(ours: Tensor, ref: Tensor): number {
  if (ours.dims.join() !== ref.dims.join()) return Infinity;
  const a = ours.data as Float32Array, b = ref.data as Float32Array;
  let diff = 0, scale = 1e-6;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(a[i]!) !== Number.isNaN(b[i]!)) return Infinity;
    if (!Number.isNaN(d)) diff = Math.max(diff, d);
  }
  return diff / scale;
}

export function randomFeedsFor(spec: ModelSpec, seed: number): Record<string, Tensor> {
  return Object.fromEntries(spec.inputs.map((v, i) => {
    const dims = (v.dims ?? []).map((d) => (typeof d === 'number' ? d : 3));
    return [v.name, new Tensor('float32', randomFloats(dims.reduce((a, b) => a * b, 1), seed + i, 2), dims)];
  }));
}

/** Builds the spec, runs both, and returns the worst relative difference over the outputs. */
export async function compareWithOrt(spec: ModelSpec, seed = 1, engine?: Engine): Promise<number> {
  const bytes = buildModel(spec);
  const feeds = randomFeedsFor(spec, seed);
  const ref = await runOrt(bytes, feeds);
  const e = engine ?? (await buildEngine(await loadOnnx(bytes), { precision: 'fp32', device: 'cpu' }));
  try {
    const ours = await e.run(feeds);
    return Math.max(...Object.keys(ref).map((k) => relativeMaxDiff(ours[k]!, ref[k]!)));
  } finally {
    if (!engine) e.dispose();
  }
}

/** One node reading graph inputs x (and y …) with the given dims; extra inputs may be initializers. */
export function single(op: string, dims: number[][], attrs: Record<string, AttrSpec> = {}, opset = 13,
  extra: { inputs?: string[]; initializers?: ModelSpec['initializers'] } = {}): ModelSpec {
  const names = dims.map((_, i) => ['x', 'y', 'z', 'w'][i]!);
  return {
    opset,
    inputs: names.map((name, i) => ({ name, dims: dims[i]! })),
    outputs: [{ name: 'out', dims: null }],
    nodes: [{ op, name: `${op}_0`, inputs: [...names, ...(extra.inputs ?? [])], outputs: ['out'], attrs }],
    initializers: extra.initializers,
  };
}
