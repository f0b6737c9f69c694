/** Small float models for the Q/DQ export tests, with calibration samples and max-amax ranges. */
import type { Model } from '../../lib/onnx/ir.js';
import { Tensor } from '../../lib/tensor.js';
import { f32, loadSpec, type ModelSpec } from './onnx-builder.js';
import { maxAmax, type Feeds } from './qdq-check.js';
import { randomFloats } from './random.js';

const w = (dims: number[], seed: number, scale = 0.5) => f32(randomFloats(dims.reduce((a, b) => a * b, 1), seed, scale), dims);

export const SPECS: Record<string, ModelSpec> = {
  convReluConv: {
    inputs: [{ name: 'x', dims: [1, 3, 8, 8] }], outputs: [{ name: 'y' }],
    initializers: { w1: w([4, 3, 3, 3], 11), b1: w([4], 12), w2: w([5, 4, 3, 3], 13), b2: w([5], 14) },
    nodes: [
      { op: 'Conv', name: 'conv1', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', name: 'relu1', inputs: ['c1'], outputs: ['r1'] },
      { op: 'Conv', name: 'conv2', inputs: ['r1', 'w2', 'b2'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1], strides: [2, 2] } },
    ],
  },
  gemmTransB: {
    inputs: [{ name: 'x', dims: [4, 16] }], outputs: [{ name: 'y' }],
    initializers: { w: w([8, 16], 21), c: w([8], 22) },
    nodes: [{ op: 'Gemm', name: 'gemm', inputs: ['x', 'w', 'c'], outputs: ['y'], attrs: { transB: 1, alpha: { f: 0.5 }, beta: { f: 1 } } }],
  },
  gemm: {
    inputs: [{ name: 'x', dims: [4, 16] }], outputs: [{ name: 'y' }],
    initializers: { w: w([16, 8], 23), c: w([8], 24) },
    nodes: [{ op: 'Gemm', name: 'gemm', inputs: ['x', 'w', 'c'], outputs: ['y'], attrs: { beta: { f: 2 } } }],
  },
  matmul: {
    inputs: [{ name: 'x', dims: [6, 16] }, { name: 'z', dims: [8, 4] }], outputs: [{ name: 'y' }],
    initializers: { w: w([16, 8], 31) },
    nodes: [
      { op: 'MatMul', name: 'mm_weight', inputs: ['x', 'w'], outputs: ['h'] },
      { op: 'MatMul', name: 'mm_act', inputs: ['h', 'z'], outputs: ['y'] },
    ],
  },
  convTranspose: {
    inputs: [{ name: 'x', dims: [1, 4, 5, 5] }], outputs: [{ name: 'y' }],
    initializers: { w: w([4, 3, 3, 3], 41), b: w([3], 42) },
    nodes: [{ op: 'ConvTranspose', name: 'deconv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } }],
  },
  convTransposeGroups: {
    inputs: [{ name: 'x', dims: [1, 4, 4, 4] }], outputs: [{ name: 'y' }],
    initializers: { w: w([4, 3, 3, 3], 43) },
    nodes: [{ op: 'ConvTranspose', name: 'deconv', inputs: ['x', 'w'], outputs: ['y'], attrs: { group: 2 } }],
  },
  residual: {
    inputs: [{ name: 'x', dims: [1, 4, 6, 6] }], outputs: [{ name: 'y' }],
    initializers: { wa: w([4, 4, 3, 3], 51), wb: w([4, 4, 3, 3], 52), wc: w([2, 4, 1, 1], 53) },
    nodes: [
      { op: 'Conv', name: 'conv_a', inputs: ['x', 'wa'], outputs: ['ca'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', name: 'relu_a', inputs: ['ca'], outputs: ['ra'] },
      { op: 'Conv', name: 'conv_b', inputs: ['ra', 'wb'], outputs: ['cb'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Add', name: 'add', inputs: ['cb', 'x'], outputs: ['s'] },
      { op: 'Relu', name: 'relu_s', inputs: ['s'], outputs: ['rs'] },
      { op: 'Conv', name: 'conv_c', inputs: ['rs', 'wc'], outputs: ['y'] },
    ],
  },
};

export interface Case {
  model: Model;
  samples: Feeds[];
  amax: Map<string, number>;
}

export function feedsFor(model: Model, seed: number): Feeds {
  return Object.fromEntries(model.inputs.map((v, i) => {
    const dims = v.dims as number[];
    return [v.name, new Tensor('float32', randomFloats(dims.reduce((a, b) => a * b, 1), seed * 10 + i, 2), dims)];
  }));
}

export async function makeCase(spec: ModelSpec, nSamples = 4): Promise<Case> {
  const model = await loadSpec(spec);
  const samples = Array.from({ length: nSamples }, (_, i) => feedsFor(model, 100 + i));
  return { model, samples, amax: maxAmax(model, samples) };
}
