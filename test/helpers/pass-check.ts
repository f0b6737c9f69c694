/** Runs a model before and after a pass on the same random feeds and reports the largest difference. */
import type { Model } from '../../lib/onnx/ir.js';
import { Tensor } from '../../lib/tensor.js';
import { evaluate, maxAbsDiff } from './onnx-eval.js';
import { randomFloats } from './random.js';

export function randomFeeds(model: Model, seed: number): Record<string, Tensor> {
  return Object.fromEntries(model.inputs.map((inp, i) => {
    const dims = inp.dims.map((d) => (typeof d === 'number' ? d : 2));
    return [inp.name, new Tensor('float32', randomFloats(dims.reduce((a, b) => a * b, 1), seed + i), dims)];
  }));
}

export function maxDiffAfter(before: Model, after: Model, seed = 1): number {
  const feeds = randomFeeds(before, seed);
  const a = evaluate(before, feeds);
  const b = evaluate(after, feeds);
  return Math.max(...before.outputs.map((o) => maxAbsDiff(a[o.name]!, b[o.name]!)));
}
