// fuseActivation: Conv/Gemm + activation → one node with an `activation` attribute, same outputs.
import { describe, expect, it } from 'vitest';
import { fuseActivation } from '../../lib/graph/passes/fuse-activation.js';
import { f32, loadSpec, type NodeSpec } from '../helpers/onnx-builder.js';
import { maxDiffAfter } from '../helpers/pass-check.js';
import { randomFloats } from '../helpers/random.js';

const convModel = (act: NodeSpec, opset = 13, extra = {}) => loadSpec({
  opset, inputs: [{ name: 'x', dims: [1, 3, 5, 5] }], outputs: [{ name: 'y' }],
  initializers: { w: f32(randomFloats(4 * 27, 2, 2), [4, 3, 3, 3]), b: f32(randomFloats(4, 3), [4]), ...extra },
  nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], name: 'conv', attrs: { pads: [1, 1, 1, 1] } }, act],
});

describe('fuseActivation', () => {
  const cases: [string, NodeSpec, number, object][] = [
    ['Relu', { op: 'Relu', inputs: ['c'], outputs: ['y'], name: 'act' }, 13, {}],
    ['Sigmoid', { op: 'Sigmoid', inputs: ['c'], outputs: ['y'], name: 'act' }, 13, {}],
    ['HardSwish', { op: 'HardSwish', inputs: ['c'], outputs: ['y'], name: 'act' }, 14, {}],
    ['LeakyRelu', { op: 'LeakyRelu', inputs: ['c'], outputs: ['y'], name: 'act', attrs: { alpha: { f: 0.1 } } }, 13, {}],
    ['HardSigmoid', { op: 'HardSigmoid', inputs: ['c'], outputs: ['y'], name: 'act', attrs: { alpha: { f: 0.3 }, beta: { f: 0.4 } } }, 13, {}],
    ['Clip (ReLU6, opset 13 inputs)', { op: 'Clip', inputs: ['c', 'lo', 'hi'], outputs: ['y'], name: 'act' }, 13, { lo: f32([0], []), hi: f32([6], []) }],
    ['Clip (max only)', { op: 'Clip', inputs: ['c', '', 'hi'], outputs: ['y'], name: 'act' }, 13, { hi: f32([0.5], []) }],
    ['Clip (opset 9 attributes)', { op: 'Clip', inputs: ['c'], outputs: ['y'], name: 'act', attrs: { min: { f: -0.5 }, max: { f: 1.5 } } }, 9, {}],
  ];
  for (const [label, act, opset, extra] of cases) {
    it(label, async () => {
      const before = await convModel(act, opset, extra);
      const after = fuseActivation(before);
      expect(after.nodes).toHaveLength(1);
      const conv = after.nodes[0]!;
      expect(conv.outputs).toEqual(['y']);
      expect((conv.attributes.activation as { type: string }).type).toBe(act.op);
      expect(conv.attributes.fusedFrom).toEqual(['act']);
      expect(maxDiffAfter(before, after)).toBeLessThan(1e-6);
    });
  }

  it('records Clip bounds as params', async () => {
    const after = fuseActivation(await convModel(cases[5]![1], 13, cases[5]![3]));
    expect(after.nodes[0]!.attributes.activation).toEqual({ type: 'Clip', params: [0, 6] });
  });

  it('fuses into Gemm too', async () => {
    const before = await loadSpec({
      inputs: [{ name: 'a', dims: [2, 4] }], outputs: [{ name: 'y' }],
      initializers: { w: f32(randomFloats(12, 1), [4, 3]) },
      nodes: [{ op: 'Gemm', inputs: ['a', 'w'], outputs: ['g'] }, { op: 'Relu', inputs: ['g'], outputs: ['y'] }],
    });
    const after = fuseActivation(before);
    expect(after.nodes.map((n) => n.op)).toEqual(['Gemm']);
    expect(maxDiffAfter(before, after)).toBeLessThan(1e-6);
  });

  it('does not fuse when the producer output is read elsewhere, is a graph output, or Clip bounds are not constant', async () => {
    const twoReaders = await loadSpec({
      inputs: [{ name: 'x', dims: [1, 1, 3, 3] }], outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { w: f32([1], [1, 1, 1, 1]) },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] }, { op: 'Relu', inputs: ['c'], outputs: ['y'] }, { op: 'Neg', inputs: ['c'], outputs: ['z'] }],
    });
    expect(fuseActivation(twoReaders).nodes).toHaveLength(3);
    const exposed = await loadSpec({
      inputs: [{ name: 'x', dims: [1, 1, 3, 3] }], outputs: [{ name: 'y' }, { name: 'c' }],
      initializers: { w: f32([1], [1, 1, 1, 1]) },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] }, { op: 'Relu', inputs: ['c'], outputs: ['y'] }],
    });
    expect(fuseActivation(exposed).nodes).toHaveLength(2);
    const dynamicClip = await loadSpec({
      inputs: [{ name: 'x', dims: [1, 1, 3, 3] }, { name: 'hi', dims: [] }], outputs: [{ name: 'y' }],
      initializers: { w: f32([1], [1, 1, 1, 1]) },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] }, { op: 'Clip', inputs: ['c', '', 'hi'], outputs: ['y'] }],
    });
    expect(fuseActivation(dynamicClip).nodes).toHaveLength(2);
  });
});
