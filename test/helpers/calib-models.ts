/** Small models and reference histograms for the calibrate() tests. */
import { buildEngine } from '../../lib/build/build-engine.js';
import { Histogram } from '../../lib/calibrate/histogram.js';
import type { Model } from '../../lib/onnx/ir.js';
import type { Tensor } from '../../lib/tensor.js';
import { f32, type ModelSpec } from './onnx-builder.js';
import { SPECS } from './qdq-models.js';
import { randomFloats } from './random.js';

export type Feeds = Record<string, Tensor>;

const w = (dims: number[], seed: number) => f32(randomFloats(dims.reduce((a, b) => a * b, 1), seed, 0.5), dims);

export const CALIB_SPECS: Record<string, ModelSpec> = {
  convReluConv: SPECS.convReluConv!,
  residual: SPECS.residual!,
  // Gemm → Relu → MatMul + bias Add → Gemm: fused into two-Gemm-with-activation form by the optimizer.
  gemmChain: {
    inputs: [{ name: 'x', dims: [4, 16] }], outputs: [{ name: 'y' }],
    initializers: { w1: w([16, 12], 61), w2: w([12, 10], 62), b2: w([10], 63), w3: w([8, 10], 64) },
    nodes: [
      { op: 'Gemm', name: 'g1', inputs: ['x', 'w1'], outputs: ['h1'] },
      { op: 'Relu', name: 'r1', inputs: ['h1'], outputs: ['a1'] },
      { op: 'MatMul', name: 'mm2', inputs: ['a1', 'w2'], outputs: ['h2'] },
      { op: 'Add', name: 'bias2', inputs: ['h2', 'b2'], outputs: ['a2'] },
      { op: 'Gemm', name: 'g3', inputs: ['a2', 'w3'], outputs: ['y'], attrs: { transB: 1 } },
    ],
  },
  // An Identity between two Convs and a Concat of two branches.
  identityConcat: {
    inputs: [{ name: 'x', dims: [1, 2, 5, 5] }], outputs: [{ name: 'y' }],
    initializers: { wa: w([3, 2, 3, 3], 71), wb: w([3, 2, 1, 1], 72), wc: w([2, 6, 1, 1], 73) },
    nodes: [
      { op: 'Identity', name: 'id', inputs: ['x'], outputs: ['xi'] },
      { op: 'Conv', name: 'ca', inputs: ['xi', 'wa'], outputs: ['a'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Conv', name: 'cb', inputs: ['x', 'wb'], outputs: ['b'] },
      { op: 'Concat', name: 'cat', inputs: ['a', 'b'], outputs: ['ab'], attrs: { axis: 1 } },
      { op: 'Conv', name: 'cc', inputs: ['ab', 'wc'], outputs: ['y'] },
    ],
  },
};

/**
 * The values the fp32 engine computes for `names` on each feed set: the same model with those
 * tensors as extra graph outputs (in these models that leaves the optimized graph unchanged).
 */
export async function engineValues(model: Model, names: string[], samples: Feeds[]): Promise<Map<string, Tensor>[]> {
  const info = (name: string) => model.valueInfo.get(name) ?? model.inputs.find((i) => i.name === name)!;
  const probe: Model = { ...model, outputs: [...model.outputs, ...names.filter((n) => !model.outputs.some((o) => o.name === n)).map(info)] };
  const engine = await buildEngine(probe, { precision: 'fp32' });
  try {
    const out: Map<string, Tensor>[] = [];
    for (const feeds of samples) {
      const r = await engine.run(feeds);
      out.push(new Map(names.map((n) => [n, r[n]!])));
    }
    return out;
  } finally {
    engine.dispose();
  }
}

/** The public Histogram of one tensor over all samples. */
export function referenceHistogram(values: Map<string, Tensor>[], name: string, bins?: number): Histogram {
  const h = new Histogram({ bins });
  for (const v of values) h.observe(v.get(name)!, { name });
  return h;
}

export async function* asyncSamples(samples: Feeds[]): AsyncGenerator<Feeds> {
  for (const s of samples) {
    await new Promise((r) => setImmediate(r));
    yield s;
  }
}
