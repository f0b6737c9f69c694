// removeIdentity: Identity and inference Dropout disappear; graph output names stay.
import { describe, expect, it } from 'vitest';
import { removeIdentity } from '../../lib/graph/passes/remove-identity.js';
import { f32, loadSpec } from '../helpers/onnx-builder.js';
import { maxDiffAfter } from '../helpers/pass-check.js';

describe('removeIdentity', () => {
  it('rewires readers of Identity and Dropout outputs', async () => {
    const before = await loadSpec({
      opset: 13, inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Identity', inputs: ['x'], outputs: ['a'] },
        { op: 'Relu', inputs: ['a'], outputs: ['b'] },
        { op: 'Dropout', inputs: ['b'], outputs: ['c'], attrs: { seed: 1 } },
        { op: 'Sigmoid', inputs: ['c'], outputs: ['y'] },
      ],
    });
    const after = removeIdentity(before);
    expect(after.nodes.map((n) => [n.op, n.inputs, n.outputs])).toEqual([['Relu', ['x'], ['b']], ['Sigmoid', ['b'], ['y']]]);
    expect(maxDiffAfter(before, after)).toBe(0);
    expect(before.nodes).toHaveLength(4); // pure
  });

  it('keeps graph output names: the producer is renamed instead', async () => {
    const after = removeIdentity(await loadSpec({
      inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'out' }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['r'] }, { op: 'Neg', inputs: ['r'], outputs: ['n'] }, { op: 'Identity', inputs: ['r'], outputs: ['out'] }],
    }));
    expect(after.nodes.map((n) => [n.op, n.inputs, n.outputs])).toEqual([['Relu', ['x'], ['out']], ['Neg', ['out'], ['n']]]);
    expect(after.outputs.map((o) => o.name)).toEqual(['out']);
  });

  it('keeps an Identity from a graph input to a graph output, and a Dropout whose mask is used', async () => {
    const pass = await loadSpec({ inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }] });
    expect(removeIdentity(pass).nodes).toHaveLength(1);
    const mask = await loadSpec({
      opset: 13, inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }, { name: 'm' }],
      nodes: [{ op: 'Dropout', inputs: ['x'], outputs: ['y', 'm'] }],
    });
    expect(removeIdentity(mask).nodes).toHaveLength(1);
  });

  it('keeps a Dropout in training mode', async () => {
    const m = await loadSpec({
      opset: 13, inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'z' }],
      initializers: { ratio: f32([0.5], []), train: new (await import('../../lib/tensor.js')).Tensor('bool', [1], []) },
      nodes: [{ op: 'Dropout', inputs: ['x', 'ratio', 'train'], outputs: ['y'] }, { op: 'Relu', inputs: ['y'], outputs: ['z'] }],
    });
    expect(removeIdentity(m).nodes).toHaveLength(2);
  });
});
