// eliminateDead: unreachable nodes and unused initializers go; everything feeding outputs stays.
import { describe, expect, it } from 'vitest';
import { eliminateDead } from '../../lib/graph/passes/eliminate-dead.js';
import { f32, loadSpec } from '../helpers/onnx-builder.js';

describe('eliminateDead', () => {
  it('drops dead chains and unused weights, keeps live ones and multi-output nodes', async () => {
    const m = await loadSpec({
      inputs: [{ name: 'x', dims: [6] }], outputs: [{ name: 'y' }],
      initializers: { used: f32([1], [1]), unused: f32([2], [1]), parts: new (await import('../../lib/tensor.js')).Tensor('int64', [3, 3], [2]) },
      nodes: [
        { op: 'Split', inputs: ['x', 'parts'], outputs: ['s1', 's2'], attrs: { axis: 0 } },
        { op: 'Add', inputs: ['s1', 'used'], outputs: ['y'] },
        { op: 'Mul', inputs: ['s2', 'unused'], outputs: ['dead1'] },
        { op: 'Relu', inputs: ['dead1'], outputs: ['dead2'] },
      ],
    });
    const after = eliminateDead(m);
    expect(after.nodes.map((n) => n.op)).toEqual(['Split', 'Add']);
    expect([...after.initializers.keys()].sort()).toEqual(['parts', 'used']);
    expect(after.valueInfo.has('dead2')).toBe(false);
    expect(m.nodes).toHaveLength(4);
  });
});
