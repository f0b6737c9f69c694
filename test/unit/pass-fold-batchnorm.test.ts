// foldBatchNorm: Conv / ConvTranspose / Gemm + BN compute the same outputs after folding.
import { describe, expect, it } from 'vitest';
import { foldBatchNorm } from '../../lib/graph/passes/fold-batchnorm.js';
import { f32, loadSpec, type ModelSpec, type NodeSpec } from '../helpers/onnx-builder.js';
import { maxDiffAfter } from '../helpers/pass-check.js';
import { randomFloats } from '../helpers/random.js';

function bnParams(c: number, seed: number) {
  return {
    g: f32(randomFloats(c, seed, 2), [c]), b: f32(randomFloats(c, seed + 1), [c]),
    mean: f32(randomFloats(c, seed + 2), [c]), var: f32(randomFloats(c, seed + 3).map((v) => 0.5 + Math.abs(v)), [c]),
  };
}

const bn = (input: string, out = 'y'): NodeSpec => ({ op: 'BatchNormalization', inputs: [input, 'g', 'b', 'mean', 'var'], outputs: [out], name: 'bn', attrs: { epsilon: { f: 1e-3 } } });

async function check(spec: ModelSpec) {
  const before = await loadSpec(spec);
  const after = foldBatchNorm(before);
  expect(after.nodes.map((n) => n.op)).not.toContain('BatchNormalization');
  expect(maxDiffAfter(before, after)).toBeLessThan(1e-5);
  return { before, after };
}

describe('foldBatchNorm', () => {
  for (const [group, bias] of [[1, false], [1, true], [2, true], [4, false]] as const) {
    it(`Conv (group ${group}, ${bias ? 'with' : 'without'} bias) + BN`, async () => {
      const c = 4, m = 8;
      const { before, after } = await check({
        inputs: [{ name: 'x', dims: [2, c, 6, 5] }], outputs: [{ name: 'y' }],
        initializers: { w: f32(randomFloats(m * (c / group) * 9, 3), [m, c / group, 3, 3]), ...(bias ? { cb: f32(randomFloats(m, 4), [m]) } : {}), ...bnParams(m, 10) },
        nodes: [{ op: 'Conv', inputs: bias ? ['x', 'w', 'cb'] : ['x', 'w'], outputs: ['c'], name: 'conv', attrs: { group, pads: [1, 1, 1, 1], strides: [2, 1] } }, bn('c')],
      });
      const conv = after.nodes[0]!;
      expect(conv.outputs).toEqual(['y']);
      expect(conv.attributes.fusedFrom).toEqual(['bn']);
      expect(conv.inputs[2]).toBeTruthy();
      expect(before.initializers.get('w')).toBe(after.initializers.get('w')); // the original is untouched (pure)
    });
  }

  it('ConvTranspose (group 2, strided) + BN: the channel axis is 1 of each group', async () => {
    const c = 4, mg = 3, group = 2;
    await check({
      inputs: [{ name: 'x', dims: [1, c, 3, 4] }], outputs: [{ name: 'y' }],
      initializers: { w: f32(randomFloats(c * mg * 4, 5), [c, mg, 2, 2]), cb: f32(randomFloats(mg * group, 6), [mg * group]), ...bnParams(mg * group, 20) },
      nodes: [{ op: 'ConvTranspose', inputs: ['x', 'w', 'cb'], outputs: ['c'], attrs: { group, strides: [2, 2] } }, bn('c')],
    });
  });

  for (const [transB, cShape] of [[0, null], [1, [5]], [0, [1]], [1, [3, 5]]] as [number, number[] | null][]) {
    it(`Gemm (transB ${transB}, C ${cShape ? `[${cShape}]` : 'absent'}) + BN`, async () => {
      const k = 6, n = 5;
      const { after } = await check({
        inputs: [{ name: 'a', dims: [3, k] }], outputs: [{ name: 'y' }],
        initializers: {
          w: f32(randomFloats(k * n, 7), transB ? [n, k] : [k, n]), ...bnParams(n, 30),
          ...(cShape ? { c: f32(randomFloats(cShape.reduce((x, y) => x * y, 1), 8), cShape) } : {}),
        },
        nodes: [{ op: 'Gemm', inputs: cShape ? ['a', 'w', 'c'] : ['a', 'w'], outputs: ['gm'], attrs: { transB, alpha: { f: 0.5 }, beta: { f: 2 } } }, bn('gm')],
      });
      expect(after.nodes[0]!.attributes.beta).toBe(1);
    });
  }

  it('leaves BN alone when the producer output has another reader, or BN parameters are not constant', async () => {
    const shared = await loadSpec({
      inputs: [{ name: 'x', dims: [1, 2, 4, 4] }], outputs: [{ name: 'y' }, { name: 'c' }],
      initializers: { w: f32(randomFloats(4, 1), [2, 2, 1, 1]), ...bnParams(2, 2) },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] }, bn('c')],
    });
    expect(foldBatchNorm(shared).nodes.map((n) => n.op)).toEqual(['Conv', 'BatchNormalization']);
    const fed = await loadSpec({
      inputs: [{ name: 'x', dims: [1, 2, 4, 4] }, { name: 'g', dims: [2] }], outputs: [{ name: 'y' }],
      initializers: { w: f32(randomFloats(4, 1), [2, 2, 1, 1]), b: f32([0, 0], [2]), mean: f32([0, 0], [2]), var: f32([1, 1], [2]) },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] }, bn('c')],
    });
    expect(foldBatchNorm(fed).nodes).toHaveLength(2);
  });
});
