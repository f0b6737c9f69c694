// fuseHardSwish: the Mul/Add/Clip/Div spellings of hard-swish and hard-sigmoid → HardSwish / HardSigmoid,
// numerically the same (reference evaluator before and after), then foldable into the Conv.
import { describe, expect, it } from 'vitest';
import { fuseActivation } from '../../lib/graph/passes/fuse-activation.js';
import { fuseHardSwish } from '../../lib/graph/passes/fuse-hardswish.js';
import { f32, loadSpec, type NodeSpec } from '../helpers/onnx-builder.js';
import { maxDiffAfter } from '../helpers/pass-check.js';
import { randomFloats } from '../helpers/random.js';

// A Conv producing `c` (values spread over the clip ranges), then `tail` ending in `y`.
const afterConv = (tail: NodeSpec[], opset = 11, extra: Record<string, ReturnType<typeof f32>> = {}, outputs = ['y']) => loadSpec({
  opset, inputs: [{ name: 'x', dims: [1, 3, 5, 5] }], outputs: outputs.map((name) => ({ name })),
  initializers: { w: f32(randomFloats(4 * 27, 2, 3), [4, 3, 3, 3]), three: f32([3], []), zero: f32([0], []), six: f32([6], []), ...extra },
  nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv', attrs: { pads: [1, 1, 1, 1] } }, ...tail],
});

// PaddleOCR's hard-swish: c * clip(c + 3, 0, 6) / 6.
const paddleHardSwish: NodeSpec[] = [
  { op: 'Add', inputs: ['c', 'three'], outputs: ['a'], name: 'add' },
  { op: 'Clip', inputs: ['a', 'zero', 'six'], outputs: ['k'], name: 'clip' },
  { op: 'Mul', inputs: ['c', 'k'], outputs: ['m'], name: 'mul' },
  { op: 'Div', inputs: ['m', 'six'], outputs: ['y'], name: 'div' },
];

describe('fuseHardSwish', () => {
  it('rewrites x * clip(x + 3, 0, 6) / 6 to HardSwish, which then folds into the Conv', async () => {
    const before = await afterConv(paddleHardSwish);
    const after = fuseHardSwish(before);
    expect(after.nodes.map((n) => n.op)).toEqual(['Conv', 'HardSwish']);
    expect(after.nodes[1]!).toMatchObject({ inputs: ['c'], outputs: ['y'], name: 'div' });
    expect(after.nodes[1]!.attributes.fusedFrom).toEqual(['add', 'clip', 'mul', 'div']);
    expect(maxDiffAfter(before, after)).toBeLessThan(1e-6);
    const fused = fuseActivation(after);
    expect(fused.nodes).toHaveLength(1);
    expect(maxDiffAfter(before, fused)).toBeLessThan(1e-6);
  });

  it('matches either operand order and opset 9 Clip attributes', async () => {
    const before = await afterConv([
      { op: 'Add', inputs: ['three', 'c'], outputs: ['a'] },
      { op: 'Clip', inputs: ['a'], outputs: ['k'], attrs: { min: { f: 0 }, max: { f: 6 } } },
      { op: 'Mul', inputs: ['k', 'c'], outputs: ['m'] },
      { op: 'Div', inputs: ['m', 'six'], outputs: ['y'] },
    ], 9);
    const after = fuseHardSwish(before);
    expect(after.nodes.map((n) => n.op)).toEqual(['Conv', 'HardSwish']);
    expect(maxDiffAfter(before, after)).toBeLessThan(1e-6);
  });

  it('rewrites clip(x + 3, 0, 6) / 6 and clip(a·x + b, 0, 1) to HardSigmoid', async () => {
    const divForm = await afterConv([
      { op: 'Add', inputs: ['c', 'three'], outputs: ['a'] },
      { op: 'Clip', inputs: ['a', 'zero', 'six'], outputs: ['k'] },
      { op: 'Div', inputs: ['k', 'six'], outputs: ['y'] },
    ]);
    const mulForm = await afterConv([
      { op: 'Mul', inputs: ['c', 'slope'], outputs: ['s'] },
      { op: 'Add', inputs: ['s', 'half'], outputs: ['a'] },
      { op: 'Clip', inputs: ['a', 'zero', 'one'], outputs: ['y'] },
    ], 11, { slope: f32([0.2], []), half: f32([0.5], []), one: f32([1], []) });
    for (const [before, alpha, beta] of [[divForm, 1 / 6, 0.5], [mulForm, 0.2, 0.5]] as const) {
      const after = fuseHardSwish(before);
      expect(after.nodes.map((n) => n.op)).toEqual(['Conv', 'HardSigmoid']);
      expect(after.nodes[1]!.attributes).toMatchObject({ alpha: Math.fround(alpha), beta: Math.fround(beta) });
      expect(maxDiffAfter(before, after)).toBeLessThan(1e-6);
    }
  });

  it('rewrites x * HardSigmoid(x, 1/6, 1/2) to HardSwish', async () => {
    const before = await afterConv([
      { op: 'HardSigmoid', inputs: ['c'], outputs: ['h'], attrs: { alpha: { f: 1 / 6 }, beta: { f: 0.5 } } },
      { op: 'Mul', inputs: ['c', 'h'], outputs: ['y'] },
    ]);
    const after = fuseHardSwish(before);
    expect(after.nodes.map((n) => n.op)).toEqual(['Conv', 'HardSwish']);
    expect(maxDiffAfter(before, after)).toBeLessThan(1e-6);
  });

  it('leaves near misses alone: another constant, an intermediate read elsewhere, HardSwish before opset 14 without a Conv', async () => {
    const otherConstant = await afterConv(paddleHardSwish.map((n) => (n.op === 'Add' ? { ...n, inputs: ['c', 'two'] } : n)), 11, { two: f32([2], []) });
    expect(fuseHardSwish(otherConstant)).toBe(otherConstant);
    const readElsewhere = await afterConv(paddleHardSwish, 11, {}, ['y', 'k']);
    expect(fuseHardSwish(readElsewhere).nodes.map((n) => n.op)).not.toContain('HardSwish');
    const noConv = await loadSpec({
      opset: 11, inputs: [{ name: 'c', dims: [2, 3] }], outputs: [{ name: 'y' }],
      initializers: { three: f32([3], []), zero: f32([0], []), six: f32([6], []) }, nodes: paddleHardSwish,
    });
    expect(fuseHardSwish(noConv)).toBe(noConv);
  });
});
