// readTensorProto / tensorFromProto: every data location and the documented type conversions.
import { readFileSync } from 'node:fs';
import pkg from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { Int8rtError } from '../../lib/errors.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { readTensorProto, tensorFromProto } from '../../lib/onnx/tensor-proto.js';
import { nodeTestCases, nodeTestData, nodeTestModel } from '../helpers/onnx-node-tests.js';

const { onnx } = pkg;
const enc = (p: pkg.onnx.ITensorProto) => onnx.TensorProto.encode(p).finish();
const raw = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('TensorProto decoding', () => {
  it('reads the typed fields and raw_data of every supported element type', () => {
    const cases: [pkg.onnx.ITensorProto, string, number[]][] = [
      [{ dataType: 1, dims: [3], floatData: [1.5, -2, 3] }, 'float32', [1.5, -2, 3]],
      [{ dataType: 1, dims: [3], rawData: raw(new Float32Array([1.5, -2, 3])) }, 'float32', [1.5, -2, 3]],
      [{ dataType: 11, dims: [2], doubleData: [0.1, 2] }, 'float32', [Math.fround(0.1), 2]],
      [{ dataType: 11, dims: [2], rawData: raw(new Float64Array([0.1, 2])) }, 'float32', [Math.fround(0.1), 2]],
      [{ dataType: 3, dims: [3], int32Data: [-128, 0, 127] }, 'int8', [-128, 0, 127]],
      [{ dataType: 3, dims: [3], rawData: raw(new Int8Array([-128, 0, 127])) }, 'int8', [-128, 0, 127]],
      [{ dataType: 2, dims: [2], int32Data: [0, 255] }, 'uint8', [0, 255]],
      [{ dataType: 5, dims: [2], rawData: raw(new Int16Array([-300, 300])) }, 'int32', [-300, 300]],
      [{ dataType: 4, dims: [2], int32Data: [0, 65535] }, 'int32', [0, 65535]],
      [{ dataType: 6, dims: [2], rawData: raw(new Int32Array([-7, 2 ** 30])) }, 'int32', [-7, 2 ** 30]],
      [{ dataType: 9, dims: [3], int32Data: [1, 0, 5] }, 'bool', [1, 0, 1]],
      [{ dataType: 10, dims: [2], int32Data: [0x3c00, 0xc000] }, 'float16', [0x3c00, 0xc000]],
      [{ dataType: 16, dims: [2], rawData: raw(new Uint16Array([0x3f80, 0xc040])) }, 'float32', [1, -3]],
      [{ dataType: 12, dims: [1], rawData: raw(new Uint32Array([4e9])) }, 'int64', [4e9]],
    ];
    for (const [p, type, values] of cases) {
      const t = readTensorProto(enc(p));
      expect([t.type, Array.from(t.data as ArrayLike<number>, Number)]).toEqual([type, values]);
    }
  });

  it('reads int64 from int64_data (Long values) and raw_data, negatives and large values included', () => {
    const big = 2n ** 40n + 3n;
    const a = readTensorProto(enc({ dataType: 7, dims: [3], int64Data: [-1, 5, Number(big)] }));
    expect(Array.from(a.data as BigInt64Array)).toEqual([-1n, 5n, big]);
    const b = readTensorProto(enc({ dataType: 7, dims: [3], rawData: raw(new BigInt64Array([-1n, 5n, big])) }));
    expect(Array.from(b.data as BigInt64Array)).toEqual([-1n, 5n, big]);
  });

  it('refuses what it cannot represent, naming the tensor', () => {
    const err = (p: pkg.onnx.ITensorProto) => { try { readTensorProto(enc(p), 'x.pb'); } catch (e) { return e as Int8rtError; } return undefined; };
    expect(err({ name: 's', dataType: 8, dims: [1] })?.code).toBe('ERR_DTYPE');
    expect(err({ name: 'u', dataType: 13, dims: [1], rawData: raw(new BigUint64Array([2n ** 63n])) })?.code).toBe('ERR_DTYPE');
    expect(err({ name: 'n', dataType: 1, dims: [4], floatData: [1] })?.message).toMatch(/x\.pb 'n': float_data has 1 values but its dims need 4/);
    expect(err({ name: 'r', dataType: 1, dims: [2], rawData: new Uint8Array(5) })?.message).toMatch(/raw data has 5 bytes/);
    expect(err({ name: 'e', dataType: 1, dims: [1], dataLocation: 1 })?.code).toBe('ERR_ONNX_PARSE');
    expect(() => readTensorProto(new Uint8Array([0xff, 0xff, 0xff]), 'junk.pb')).toThrow(/junk\.pb: not a valid TensorProto/);
  });

  it('decodes empty tensors and scalars', () => {
    expect(tensorFromProto({ dataType: 1, dims: [0, 3] }, 't').size).toBe(0);
    const s = tensorFromProto({ dataType: 1, dims: [], floatData: [2] }, 't');
    expect([s.dims, s.size]).toEqual([[], 1]);
  });

  const cases = ['test_conv_with_strides_padding', 'test_batchnorm_epsilon', 'test_gather_0', 'test_reshape_negative_dim', 'test_slice', 'test_resize_upsample_scales_nearest', 'test_gemm_default_single_elem_vector_bias']
    .filter((c) => nodeTestCases().includes(c));
  it.skipIf(cases.length === 0)('reads node-test data files with the dims the models declare', async () => {
    let checked = 0;
    for (const c of cases) {
      const proto = onnx.ModelProto.decode(readFileSync(nodeTestModel(c)));
      const declared = proto.graph!.input!.map((v) => v.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue)));
      nodeTestData(c, 'input').forEach((file, i) => {
        const t = readTensorProto(readFileSync(file), file);
        expect([c, i, t.dims]).toEqual([c, i, declared[i]]);
        expect(t.size).toBeGreaterThan(0);
        checked++;
      });
      if (c === 'test_batchnorm_epsilon') expect((await loadOnnx(nodeTestModel(c))).inputs.length).toBe(5);
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });
});
