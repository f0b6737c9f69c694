/** Small models for the int8 / fp16 engine build tests, and the checks they share. */
import type { Engine } from '../../lib/engine.js';
import { Tensor } from '../../lib/tensor.js';
import { CALIB_SPECS } from './calib-models.js';
import { f32, type ModelSpec } from './onnx-builder.js';
import { SPECS } from './qdq-models.js';
import { randomFloats } from './random.js';

const w = (dims: number[], seed: number) => f32(randomFloats(dims.reduce((a, b) => a * b, 1), seed, 0.5), dims);

export const BUILD_SPECS: Record<string, ModelSpec> = {
  convReluConv: SPECS.convReluConv!,
  // Regular, grouped, depthwise and pointwise convs (activations fused by the optimizer).
  cnn: {
    inputs: [{ name: 'x', dims: [1, 4, 8, 8] }], outputs: [{ name: 'y' }],
    initializers: { w1: w([8, 4, 3, 3], 81), b1: w([8], 82), w2: w([8, 4, 3, 3], 83), w3: w([8, 1, 3, 3], 84), w4: w([6, 8, 1, 1], 85), b4: w([6], 86) },
    nodes: [
      { op: 'Conv', name: 'conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', name: 'relu1', inputs: ['c1'], outputs: ['r1'] },
      { op: 'Conv', name: 'grouped', inputs: ['r1', 'w2'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1], group: 2, strides: [2, 2] } },
      { op: 'Relu', name: 'relu2', inputs: ['c2'], outputs: ['r2'] },
      { op: 'Conv', name: 'depthwise', inputs: ['r2', 'w3'], outputs: ['c3'], attrs: { pads: [1, 1, 1, 1], group: 8 } },
      { op: 'Relu', name: 'relu3', inputs: ['c3'], outputs: ['r3'] },
      { op: 'Conv', name: 'pointwise', inputs: ['r3', 'w4', 'b4'], outputs: ['y'] },
    ],
  },
  gemmChain: CALIB_SPECS.gemmChain!,
  // A MatMul whose A has batch dims (folded into M).
  matmul3d: {
    inputs: [{ name: 'x', dims: [2, 3, 16] }], outputs: [{ name: 'y' }],
    initializers: { w: w([16, 8], 91) },
    nodes: [{ op: 'MatMul', name: 'mm', inputs: ['x', 'w'], outputs: ['y'] }],
  },
};

/** max |y| of each output: the output's int8 step is that / 127. */
export function maxAbs(t: Tensor): number {
  let m = 0;
  for (const v of t.data as Float32Array) m = Math.max(m, Math.abs(v));
  return m;
}

/** max |a − b| over the elements. */
export function maxDiff(a: Tensor, b: Tensor): number {
  const x = a.data as Float32Array, y = b.data as Float32Array;
  if (x.length !== y.length) return Infinity;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

/** Each layer's precision by node name. */
export function precisions(engine: Engine): Record<string, string> {
  return Object.fromEntries(engine.layers().map((l) => [l.name, l.precision]));
}

export function tensorOf(data: Float32Array, dims: number[]): Tensor {
  return new Tensor('float32', data, dims);
}
