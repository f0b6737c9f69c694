/**
 * Depthwise Conv on every CPU ISA this machine has (the scalar direct kernel and the vectorized ones)
 * against onnxruntime-node, on widths around the vector and block sizes, strides, pads, dilations and
 * channel multipliers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { availableCpuIsas, setCpuIsa } from '../../lib/index.js';
import { compareWithOrt } from '../helpers/engine-check.js';
import { f32, type AttrSpec, type ModelSpec } from '../helpers/onnx-builder.js';
import { randomFloats } from '../helpers/random.js';

const isas = availableCpuIsas();
afterAll(() => setCpuIsa(isas[0]!));

/** x [n, c, (h,) w], a kernel per output channel (c · multiplier of them), bias, optionally a fused Relu. */
function depthwise(x: number[], k: number[], multiplier: number, attrs: Record<string, AttrSpec>, relu = false): ModelSpec {
  const c = x[1]!, w = [c * multiplier, 1, ...k];
  return {
    inputs: [{ name: 'x', dims: x }],
    outputs: [{ name: 'out', dims: null }],
    nodes: [
      { op: 'Conv', name: 'conv', inputs: ['x', 'w', 'b'], outputs: [relu ? 'c' : 'out'], attrs: { group: c, ...attrs } },
      ...(relu ? [{ op: 'Relu', name: 'relu', inputs: ['c'], outputs: ['out'] }] : []),
    ],
    initializers: {
      w: f32(randomFloats(w.reduce((a, b) => a * b, 1), 3), w),
      b: f32(randomFloats(w[0]!, 4), [w[0]!]),
    },
  };
}

for (const isa of isas) {
  describe(`depthwise Conv, ${isa} kernels`, () => {
    it('widths 1, 7, 17, 33, 41 with stride 1 and 2, and pads', async () => {
      expect(setCpuIsa(isa)).toBe(true);
      for (const width of [1, 7, 17, 33, 41])
        for (const stride of [1, 2]) {
          const spec = depthwise([1, 3, 6, width], [3, 3], 1, { strides: [stride, stride], pads: [1, 1, 1, 1] });
          expect(await compareWithOrt(spec, 5)).toBeLessThan(1e-5);
        }
    });
    it('dilations, asymmetric pads, stride 3, and a kernel wider than the input', async () => {
      expect(setCpuIsa(isa)).toBe(true);
      for (const spec of [
        depthwise([2, 4, 9, 23], [3, 3], 1, { dilations: [2, 3], pads: [2, 0, 1, 4] }),
        depthwise([1, 2, 8, 37], [2, 5], 1, { strides: [1, 3], pads: [0, 4, 1, 1] }),
        depthwise([1, 2, 5, 3], [3, 5], 1, { pads: [1, 2, 1, 2] }),
        depthwise([1, 3, 4, 40], [1, 1], 1, { strides: [2, 2] }),
      ])
        expect(await compareWithOrt(spec, 5)).toBeLessThan(1e-5);
    });
    it('channel multipliers, 1-D, and a fused Relu', async () => {
      expect(setCpuIsa(isa)).toBe(true);
      for (const spec of [
        depthwise([1, 3, 10, 17], [5, 5], 2, { pads: [2, 2, 2, 2] }),
        depthwise([2, 5, 33], [3], 3, { strides: [2], pads: [1, 1] }),
        depthwise([1, 8, 12, 35], [3, 3], 1, { pads: [1, 1, 1, 1] }, true),
      ])
        expect(await compareWithOrt(spec, 5)).toBeLessThan(1e-5);
    });
  });
}
