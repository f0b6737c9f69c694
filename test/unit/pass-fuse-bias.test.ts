// fuseBias: a constant Add after Conv / Gemm / 2-D MatMul becomes the node's bias.
import { describe, expect, it } from 'vitest';
import { fuseBias } from '../../lib/graph/passes/fuse-bias.js';
import { f32, loadSpec } from '../helpers/onnx-builder.js';
import { maxDiffAfter } from '../helpers/pass-check.js';
import { randomFloats } from '../helpers/random.js';

describe('fuseBias', () => {
  for (const dims of [[1, 4, 1, 1], [4, 1, 1], [1]]) {
    it(`Conv + Add of a [${dims}] constant (either side)`, async () => {
      for (const flip of [false, true]) {
        const before = await loadSpec({
          inputs: [{ name: 'x', dims: [2, 3, 4, 4] }], outputs: [{ name: 'y' }],
          initializers: { w: f32(randomFloats(4 * 3 * 4, 1), [4, 3, 2, 2]), cb: f32(randomFloats(4, 2), [4]), bias: f32(randomFloats(dims.reduce((a, b) => a * b), 3), dims) },
          nodes: [{ op: 'Conv', inputs: ['x', 'w', 'cb'], outputs: ['c'] }, { op: 'Add', inputs: flip ? ['bias', 'c'] : ['c', 'bias'], outputs: ['y'], name: 'add' }],
        });
        const after = fuseBias(before);
        expect(after.nodes.map((n) => [n.op, n.outputs[0]])).toEqual([['Conv', 'y']]);
        expect(after.nodes[0]!.attributes.fusedFrom).toEqual(['add']);
        expect(maxDiffAfter(before, after)).toBeLessThan(1e-5);
      }
    });
  }

  it('refuses an addend that is not per channel ([4] broadcasts along W)', async () => {
    const m = await loadSpec({
      inputs: [{ name: 'x', dims: [1, 3, 4, 4] }], outputs: [{ name: 'y' }],
      initializers: { w: f32(randomFloats(4 * 3, 1), [4, 3, 1, 1]), bias: f32(randomFloats(4, 3), [4]) },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] }, { op: 'Add', inputs: ['c', 'bias'], outputs: ['y'] }],
    });
    expect(fuseBias(m).nodes).toHaveLength(2);
  });

  it('MatMul (2-D) + Add → Gemm with C; Gemm + Add merges into an existing C', async () => {
    const mm = await loadSpec({
      inputs: [{ name: 'a', dims: [3, 4] }], outputs: [{ name: 'y' }],
      initializers: { w: f32(randomFloats(20, 1), [4, 5]), bias: f32(randomFloats(5, 2), [1, 5]) },
      nodes: [{ op: 'MatMul', inputs: ['a', 'w'], outputs: ['m'] }, { op: 'Add', inputs: ['m', 'bias'], outputs: ['y'] }],
    });
    const a = fuseBias(mm);
    expect(a.nodes.map((n) => n.op)).toEqual(['Gemm']);
    expect(maxDiffAfter(mm, a)).toBeLessThan(1e-5);
    const gemm = await loadSpec({
      inputs: [{ name: 'a', dims: [3, 4] }], outputs: [{ name: 'y' }],
      initializers: { w: f32(randomFloats(20, 1), [5, 4]), c: f32(randomFloats(5, 4), [5]), bias: f32(randomFloats(5, 2), [5]) },
      nodes: [{ op: 'Gemm', inputs: ['a', 'w', 'c'], outputs: ['m'], attrs: { transB: 1, beta: { f: 0.5 } } }, { op: 'Add', inputs: ['m', 'bias'], outputs: ['y'] }],
    });
    const b = fuseBias(gemm);
    expect(b.nodes).toHaveLength(1);
    expect(maxDiffAfter(gemm, b)).toBeLessThan(1e-5);
  });

  it('leaves a batched (3-D) MatMul alone', async () => {
    const m = await loadSpec({
      inputs: [{ name: 'a', dims: [2, 3, 4] }], outputs: [{ name: 'y' }],
      initializers: { w: f32(randomFloats(20, 1), [4, 5]), bias: f32(randomFloats(5, 2), [5]) },
      nodes: [{ op: 'MatMul', inputs: ['a', 'w'], outputs: ['m'] }, { op: 'Add', inputs: ['m', 'bias'], outputs: ['y'] }],
    });
    expect(fuseBias(m).nodes).toHaveLength(2);
  });
});
