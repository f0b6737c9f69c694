/** exportQDQ argument errors, and writing the file (including where it cannot be written). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportQDQ, exportQDQBytes, toQDQ } from '../../lib/export/export-qdq.js';
import { optimize } from '../../lib/graph/optimize.js';
import { runOrt } from '../helpers/qdq-check.js';
import { SPECS, makeCase } from '../helpers/qdq-models.js';

const dir = mkdtempSync(path.join(tmpdir(), 'int8rt-qdq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const invalidArg = (text: string | RegExp) => expect.objectContaining({ name: 'Int8rtError', code: 'ERR_INVALID_ARG', message: expect.stringMatching(text) });

describe('exportQDQ errors', () => {
  for (const [label, value] of [['NaN', NaN], ['negative', -1], ['a string', '3'], ['Infinity', Infinity], ['undefined', undefined]] as const) {
    it(`refuses an amax that is ${label}, naming the tensor`, async () => {
      const { model, amax } = await makeCase(SPECS.gemm!);
      amax.set('x', value as unknown as number);
      expect(() => exportQDQBytes(model, amax)).toThrow(invalidArg(/amax of tensor 'x'/));
      await expect(exportQDQ(model, amax, path.join(dir, 'never.onnx'))).rejects.toThrow(invalidArg(/amax of tensor 'x'/));
    });
  }

  it('refuses amax that is not a Map, a bad model and a bad keepFloat', async () => {
    const { model, amax } = await makeCase(SPECS.gemm!);
    expect(() => exportQDQBytes(model, { x: 1 } as unknown as Map<string, number>)).toThrow(invalidArg(/Map/));
    expect(() => exportQDQBytes({} as never, amax)).toThrow(invalidArg(/Model/));
    expect(() => exportQDQBytes(model, amax, { keepFloat: ['nope'] })).toThrow(invalidArg(/keepFloat.*"nope"/));
    expect(() => exportQDQBytes(model, amax, { keepFloat: 'gemm' as never })).toThrow(invalidArg(/keepFloat/));
  });

  it('accepts in keepFloat the name of a node the passes fused away (it names its new home)', async () => {
    const { model, amax } = await makeCase(SPECS.convReluConv!);
    const { summary } = toQDQ(optimize(model), amax, { keepFloat: ['relu1'] });
    expect(summary.floatNodes).toEqual(['conv1']);
  });

  it('reports an unwritable path clearly', async () => {
    const { model, amax } = await makeCase(SPECS.gemm!);
    await expect(exportQDQ(model, amax, path.join(dir, 'missing-dir', 'm.onnx'))).rejects.toThrow(invalidArg(/Cannot write the Q\/DQ model to .*m\.onnx: ENOENT/));
    await expect(exportQDQ(model, amax, dir)).rejects.toThrow(invalidArg(/Cannot write .*: EISDIR/));
    await expect(exportQDQ(model, amax, '' as string)).rejects.toThrow(invalidArg(/file path for path/));
  });

  it('writes the file and resolves to the summary', async () => {
    const { model, amax, samples } = await makeCase(SPECS.residual!);
    const file = path.join(dir, 'residual.qdq.onnx');
    const summary = await exportQDQ(model, amax, file);
    expect(summary).toEqual({ quantizedNodes: ['conv_a', 'conv_b', 'add', 'conv_c'], floatNodes: [], floatReasons: {}, missingAmax: [] });
    const bytes = new Uint8Array(readFileSync(file));
    expect(bytes).toEqual(new Uint8Array(exportQDQBytes(model, amax)));
    expect((await runOrt(bytes, samples[0]!)).y!.dims).toEqual([1, 2, 6, 6]);
  });
});
