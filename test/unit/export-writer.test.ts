/** The Model IR → ONNX writer: round trips through loadOnnx, typed attributes, raw data, dims. */
import pkg from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { protoInt64, toInt64 } from '../../lib/export/int64.js';
import { encodeModel } from '../../lib/export/model-writer.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { Tensor } from '../../lib/tensor.js';
import { buildModel, f32, i64, loadSpec, type ModelSpec } from '../helpers/onnx-builder.js';
import { relDiff, runOrt } from '../helpers/qdq-check.js';
import { randomFloats } from '../helpers/random.js';

const { onnx } = pkg;

const SPEC: ModelSpec = {
  opset: 13, inputs: [{ name: 'x', dims: ['batch', 6] }], outputs: [{ name: 'y', dims: ['batch', 4] }],
  initializers: {
    w: f32(randomFloats(24, 1), [4, 6]), c: f32(randomFloats(4, 2), [4]),
    g: f32([1, 1, 1, 1], [4]), b: f32([0, 0.5, 0, 0], [4]), m: f32([0, 0, 0.1, 0], [4]), v: f32([1, 2, 1, 1], [4]),
    shape: i64([-1, 4, 1]),
    h: new Tensor('float16', Uint16Array.from([0x3c00, 0x4000, 0x3800, 0xbc00]), [4]),
  },
  nodes: [
    { op: 'Gemm', name: 'gemm', inputs: ['x', 'w', 'c'], outputs: ['a'], attrs: { transB: 1, alpha: { f: 1 }, beta: { f: 2 } } },
    { op: 'LeakyRelu', name: 'lrelu', inputs: ['a'], outputs: ['l'], attrs: { alpha: { f: 0.125 } } },
    { op: 'Reshape', name: 'reshape', inputs: ['l', 'shape'], outputs: ['r'] },
    { op: 'BatchNormalization', name: 'bn', inputs: ['r', 'g', 'b', 'm', 'v'], outputs: ['n'], attrs: { epsilon: { f: 1 } } },
    { op: 'Cast', name: 'cast', inputs: ['h'], outputs: ['hf'], attrs: { to: 1 } },
    { op: 'Flatten', name: 'flat', inputs: ['n'], outputs: ['f'] },
    { op: 'Add', name: 'add', inputs: ['f', 'hf'], outputs: ['y'] },
  ],
};

describe('model writer', () => {
  it('round-trips a float model through loadOnnx and runs like the original in onnxruntime-node', async () => {
    const model = await loadSpec(SPEC);
    const bytes = encodeModel(model);
    const back = await loadOnnx(bytes);
    expect(back.nodes).toEqual(model.nodes);
    expect(back.inputs).toEqual(model.inputs);
    expect(back.outputs).toEqual(model.outputs);
    expect([...back.initializers.keys()]).toEqual([...model.initializers.keys()]);
    for (const [k, t] of model.initializers) expect([k, back.initializers.get(k)]).toEqual([k, t]);
    const feeds = { x: new Tensor('float32', randomFloats(18, 3, 2), [3, 6]) };
    const [a, b] = await Promise.all([runOrt(bytes, feeds), runOrt(buildModel(SPEC), feeds)]);
    expect(relDiff(a.y!, b.y!)).toBe(0);
  });

  it('writes float-typed attributes as FLOAT even when whole, ints as INT, and raw little-endian data', async () => {
    const proto = onnx.ModelProto.decode(encodeModel(await loadSpec(SPEC)));
    const attr = (node: string, name: string) => proto.graph!.node!.find((n) => n.name === node)!.attribute!.find((a) => a.name === name)!;
    expect([attr('gemm', 'alpha').type, attr('gemm', 'alpha').f]).toEqual([1, 1]); // FLOAT
    expect([attr('gemm', 'transB').type, Number(attr('gemm', 'transB').i)]).toEqual([2, 1]); // INT
    expect(attr('bn', 'epsilon').type).toBe(1);
    expect(proto.graph!.initializer!.every((t) => t.rawData!.length > 0 && t.floatData!.length === 0)).toBe(true);
    expect([...proto.graph!.initializer!.find((t) => t.name === 'h')!.rawData!]).toEqual([0, 0x3c, 0, 0x40, 0, 0x38, 0, 0xbc]);
    expect(proto.graph!.input![0]!.type!.tensorType!.shape!.dim![0]!.dimParam).toBe('batch');
    expect(Number(proto.irVersion)).toBe(7);
  });

  it('writes unnamed dims as empty dims and refuses int8rt-only attributes', async () => {
    const model = await loadSpec({ ...SPEC, inputs: [{ name: 'x', dims: [null, 6] }] });
    const dim = onnx.ModelProto.decode(encodeModel(model)).graph!.input![0]!.type!.tensorType!.shape!.dim![0]!;
    expect((dim as { value?: string }).value).toBeUndefined(); // neither dim_value nor dim_param
    const fused = { ...model, nodes: model.nodes.map((n) => (n.op === 'Gemm' ? { ...n, attributes: { ...n.attributes, fusedFrom: ['x'] } } : n)) };
    expect(() => encodeModel(fused)).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL', message: expect.stringMatching(/fusedFrom/) }));
  });

  it('saturates int64 values beyond 2^63 instead of wrapping', () => {
    expect(toInt64(2 ** 63)).toBe(0x7fffffffffffffffn);
    expect(toInt64(-(2 ** 64))).toBe(-0x8000000000000000n);
    expect(toInt64(-5)).toBe(-5n);
    expect(protoInt64(7)).toBe(7);
    expect(protoInt64(2 ** 63)).toEqual({ low: -1, high: 0x7fffffff, unsigned: false });
  });
});
