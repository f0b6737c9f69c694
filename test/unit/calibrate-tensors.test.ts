// calibrationTensors: which activations calibration watches, under the original model's names.
import { describe, expect, it } from 'vitest';
import { calibrationTensors, calibrationWatches } from '../../lib/calibrate/calibration-tensors.js';
import { optimize } from '../../lib/graph/optimize.js';
import type { Model } from '../../lib/onnx/ir.js';
import { f32, loadSpec } from '../helpers/onnx-builder.js';
import { CALIB_SPECS } from '../helpers/calib-models.js';

const originalNames = (m: Model) => new Set([...m.inputs.map((i) => i.name), ...m.nodes.flatMap((n) => n.outputs)]);

describe('calibrationTensors', () => {
  it.each([
    ['convReluConv', ['x', 'r1']],
    ['residual', ['x', 'ra', 'cb', 'rs']],
    ['gemmChain', ['x', 'a1', 'a2']],
    ['identityConcat', ['x', 'xi', 'a', 'b', 'ab']],
  ])('%s watches the inputs of quantized layers, residual Adds and Concats', async (name, expected) => {
    const model = await loadSpec(CALIB_SPECS[name]!);
    expect(calibrationTensors(model)).toEqual(expected);
  });

  it('uses names of the original model, each mapped to a value the optimized model computes', async () => {
    for (const spec of Object.values(CALIB_SPECS)) {
      const model = await loadSpec(spec);
      const optimized = optimize(model);
      const computed = new Set([...optimized.inputs.map((i) => i.name), ...optimized.nodes.flatMap((n) => n.outputs)]);
      const names = originalNames(model);
      for (const [name, value] of calibrationWatches(model, optimized)) {
        expect(names.has(name), name).toBe(true);
        expect(computed.has(value), value).toBe(true);
      }
    }
  });

  it('maps an Identity output to the value it copies', async () => {
    const model = await loadSpec(CALIB_SPECS.identityConcat!);
    const watches = calibrationWatches(model, optimize(model));
    expect(watches.get('xi')).toBe('x');
    expect(watches.get('x')).toBe('x');
  });

  it('leaves out constants and non-float tensors', async () => {
    const model = await loadSpec({
      inputs: [{ name: 'x', dims: [3, 3] }], outputs: [{ name: 'y' }, { name: 'ss' }],
      initializers: { w: f32([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]) },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Concat', inputs: ['s', 's'], outputs: ['ss'], attrs: { axis: 0 } },
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
        { op: 'Transpose', inputs: ['m'], outputs: ['y'] },
      ],
    });
    expect(calibrationTensors(model)).toEqual(['x']);
  });
});
