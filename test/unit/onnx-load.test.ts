// loadOnnx: structure, naming, the unsupported-op report, and every way a file can be broken.
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Int8rtError } from '../../lib/errors.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { implementedVersion } from '../../lib/onnx/ops.js';
import { buildModel, buildModelProto, f32, i64, loadSpec, type ModelSpec } from '../helpers/onnx-builder.js';
import { nodeTestCases, nodeTestModel } from '../helpers/onnx-node-tests.js';
import { randomFloats } from '../helpers/random.js';
import pkg from 'onnx-proto';

const { onnx } = pkg;

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<Int8rtError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(Int8rtError);
  expect((e as Int8rtError).code).toBe(code);
  if (message) expect((e as Error).message).toMatch(message);
  return e as Int8rtError;
}

const convSpec = (): ModelSpec => ({
  inputs: [{ name: 'x', dims: ['batch', 3, 8, 8] }],
  outputs: [{ name: 'z', dims: null }, { name: 'y', dims: null }],
  initializers: { w: f32(randomFloats(4 * 3 * 9, 1), [4, 3, 3, 3]) },
  initializersAsInputs: true,
  nodes: [
    { op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { pads: [1, 1, 1, 1], strides: [2, 2] } },
    { op: 'Relu', inputs: ['y'], outputs: ['z'] },
  ],
});

describe('loadOnnx: the model', () => {
  it('lists feeds only, keeps the output order, names unnamed nodes and infers shapes', async () => {
    const m = await loadSpec(convSpec());
    expect(m.inputs.map((i) => i.name)).toEqual(['x']);
    expect(m.inputs[0]!.dims).toEqual(['batch', 3, 8, 8]);
    expect(m.outputs.map((o) => o.name)).toEqual(['z', 'y']);
    expect(m.outputs[0]!.dims).toEqual(['batch', 4, 4, 4]);
    expect(m.nodes.map((n) => n.name)).toEqual(['Conv_0', 'Relu_1']);
    expect(m.nodes[0]!.attributes).toEqual({ pads: [1, 1, 1, 1], strides: [2, 2] });
    expect(m.initializers.get('w')!.dims).toEqual([4, 3, 3, 3]);
    expect(m.opset).toBe(13);
    expect(m.valueInfo.get('y')).toEqual({ name: 'y', type: 'float32', dims: ['batch', 4, 4, 4] });
  });

  it('loads from a path, a relative path and bytes alike', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'int8rt-onnx-'));
    const file = path.join(dir, 'm.onnx');
    await writeFile(file, buildModel(convSpec()));
    const a = await loadOnnx(file);
    const b = await loadOnnx(path.relative(process.cwd(), file));
    const c = await loadOnnx(await readFile(file));
    expect(b.nodes).toEqual(a.nodes);
    expect(c.outputs).toEqual(a.outputs);
    await rm(dir, { recursive: true });
  });

  it('sorts nodes given out of order and keeps generated names unique', async () => {
    const spec: ModelSpec = {
      inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'c', dims: [2] }],
      nodes: [
        { op: 'Neg', inputs: ['b'], outputs: ['c'], name: 'Relu_1' },
        { op: 'Relu', inputs: ['a'], outputs: ['b'] },
        { op: 'Abs', inputs: ['x'], outputs: ['a'] },
      ],
    };
    const m = await loadSpec(spec);
    expect(m.nodes.map((n) => n.op)).toEqual(['Abs', 'Relu', 'Neg']);
    expect(new Set(m.nodes.map((n) => n.name)).size).toBe(3);
    expect(m.nodes.find((n) => n.op === 'Relu')!.name).toBe('Relu_1_1');
  });

  it('decodes attributes of every kind and Constant tensors', async () => {
    const m = await loadSpec({
      opset: 13, inputs: [{ name: 'x', dims: [1, 4] }], outputs: [{ name: 'y', dims: [1, 4] }],
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['k'], attrs: { value: i64([1, 4]) } },
        { op: 'Reshape', inputs: ['x', 'k'], outputs: ['r'] },
        { op: 'LeakyRelu', inputs: ['r'], outputs: ['y'], attrs: { alpha: 0.25 } },
      ],
    });
    expect(m.nodes[2]!.attributes.alpha).toBe(0.25);
    expect((m.nodes[0]!.attributes.value as unknown as { dims: number[] }).dims).toEqual([2]);
  });

  it('accepts opsets 7 through 28', async () => {
    for (const opset of [7, 9, 11, 13, 17, 21, 22, 25, 28]) {
      const m = await loadSpec({ opset, inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] });
      expect(m.opset).toBe(opset);
    }
  });
});

describe('loadOnnx: unsupported ops', () => {
  it('lists every unsupported op type and its nodes in one ERR_UNSUPPORTED_OP', async () => {
    const e = await expectCode(loadSpec({
      inputs: [{ name: 'x', dims: [2, 2] }], outputs: [{ name: 'y' }],
      extraOpsets: [{ domain: 'com.microsoft', version: 1 }],
      nodes: [
        { op: 'NonZero', inputs: ['x'], outputs: ['a'], name: 'nz1' },
        { op: 'Relu', inputs: ['x'], outputs: ['b'] },
        { op: 'NonZero', inputs: ['b'], outputs: ['c'], name: 'nz2' },
        { op: 'If', inputs: ['x'], outputs: ['d'], name: 'branch' },
        { op: 'FusedConv', inputs: ['x'], outputs: ['y'], name: 'ms', domain: 'com.microsoft' },
      ],
    }), 'ERR_UNSUPPORTED_OP');
    expect(e.message).toMatch(/3 unsupported ops/);
    expect(e.message).toMatch(/NonZero \(nodes 'nz1', 'nz2'\)/);
    expect(e.message).toMatch(/If \(node 'branch'\)/);
    expect(e.message).toMatch(/com\.microsoft\.FusedConv \(node 'ms'\)/);
  });

  it('reports an opset outside 7..28 as ERR_UNSUPPORTED_OP, together with the ops', async () => {
    await expectCode(loadSpec({ opset: 6, inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] }),
      'ERR_UNSUPPORTED_OP', /opset 6 of the default domain \(int8rt reads opsets 7 to 28\)/);
    await expectCode(loadSpec({ opset: 29, inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Foo', inputs: ['x'], outputs: ['y'] }] }),
      'ERR_UNSUPPORTED_OP', /Foo \(node 'Foo_0'\); opset 29/);
  });

  it('checks each op at the version the opset selects, listing every offender at once', async () => {
    // Gelu exists from opset 20, LayerNormalization from 17: both refused at opset 16, in one error.
    const e = await expectCode(loadSpec({
      opset: 16, inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Gelu', inputs: ['x'], outputs: ['a'], name: 'g' },
        { op: 'LayerNormalization', inputs: ['a', 's'], outputs: ['y'], name: 'ln' },
      ],
      initializers: { s: f32([1, 1, 1], [3]) },
    }), 'ERR_UNSUPPORTED_OP');
    expect(e.message).toMatch(/Gelu \(not in opset 16; int8rt implements it from version 20\) \(node 'g'\)/);
    expect(e.message).toMatch(/LayerNormalization \(not in opset 16; .* from version 17\) \(node 'ln'\)/);
    // Conv at opset 22 selects Conv-22 (bfloat16 added): accepted.
    const m = await loadSpec({ opset: 22, inputs: [{ name: 'x', dims: [1, 1, 3, 3] }], outputs: [{ name: 'y' }],
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'] }], initializers: { w: f32([1], [1, 1, 1, 1]) } });
    expect(m.opset).toBe(22);
  });

  it('implementedVersion picks the greatest listed since_version at or below the opset', () => {
    expect(implementedVersion('Conv', 22)).toBe(22);
    expect(implementedVersion('Conv', 21)).toBe(11);
    expect(implementedVersion('Resize', 12)).toBe(11);
    expect(implementedVersion('Gelu', 19)).toBeUndefined();
    expect(implementedVersion('NonZero', 13)).toBeUndefined();
  });

  it('refuses tensors of types int8rt has no dtype for', async () => {
    await expectCode(loadSpec({ inputs: [{ name: 'x', type: 8, dims: [2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }] }),
      'ERR_DTYPE', /Graph input 'x' has element type STRING/);
  });
});

describe('loadOnnx: broken files are ERR_ONNX_PARSE, never a crash or a hang', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'int8rt-bad-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  const real = nodeTestCases().includes('test_batchnorm_epsilon') ? nodeTestModel('test_batchnorm_epsilon') : undefined;

  it('garbage bytes', { timeout: 10_000 }, async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const bytes = Uint8Array.from(randomFloats(64 + seed * 13, seed), (v) => Math.floor((v + 1) * 127.9));
      await expectCode(loadOnnx(bytes), 'ERR_ONNX_PARSE', /Cannot load ONNX model the given bytes|Invalid ONNX graph/);
    }
    await expectCode(loadOnnx(new TextEncoder().encode('this is not an onnx model at all')), 'ERR_ONNX_PARSE');
  });

  it.skipIf(!real)('every truncation of a real model', { timeout: 30_000 }, async () => {
    const bytes = await readFile(real!);
    expect((await loadOnnx(bytes)).nodes.length).toBe(1);
    let parseErrors = 0;
    for (let n = 0; n < bytes.length; n += 1) {
      const e = await loadOnnx(bytes.subarray(0, n)).then(() => undefined, (err: unknown) => err);
      // A cut exactly between fields can still be a valid (smaller) model; anything else is a parse error.
      if (e !== undefined) expect([(e as Int8rtError).code, n]).toEqual(['ERR_ONNX_PARSE', n]);
      if (e !== undefined) parseErrors++;
    }
    expect(parseErrors).toBeGreaterThan(bytes.length * 0.9);
  });

  it('an empty file, a directory, a missing file', { timeout: 10_000 }, async () => {
    const empty = path.join(dir, 'empty.onnx');
    await writeFile(empty, new Uint8Array());
    await expectCode(loadOnnx(empty), 'ERR_ONNX_PARSE', /empty\.onnx: it is empty/);
    await expectCode(loadOnnx(dir), 'ERR_ONNX_PARSE', /is a directory/);
    await expectCode(loadOnnx(path.join(dir, 'nope.onnx')), 'ERR_ONNX_PARSE', /nope\.onnx: cannot read it \(ENOENT\)/);
    await expectCode(loadOnnx(new Uint8Array()), 'ERR_ONNX_PARSE', /empty/);
  });

  it('not a path or bytes is ERR_INVALID_ARG', async () => {
    await expectCode(loadOnnx(42 as unknown as string), 'ERR_INVALID_ARG');
  });

  it('a model without a graph, dangling inputs, cycles, two writers of one value', async () => {
    await expectCode(loadOnnx(onnx.ModelProto.encode({ irVersion: 8 }).finish()), 'ERR_ONNX_PARSE', /no graph/);
    const base = { inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }] };
    await expectCode(loadSpec({ ...base, nodes: [{ op: 'Add', inputs: ['x', 'ghost'], outputs: ['y'], name: 'add' }] }),
      'ERR_ONNX_PARSE', /input 'ghost' of node 'add' \(Add\) is not produced/);
    await expectCode(loadSpec({ ...base, nodes: [
      { op: 'Add', inputs: ['x', 'b'], outputs: ['a'], name: 'n1' },
      { op: 'Relu', inputs: ['a'], outputs: ['b'], name: 'n2' },
      { op: 'Relu', inputs: ['b'], outputs: ['y'], name: 'n3' },
    ] }), 'ERR_ONNX_PARSE', /cycle through nodes 'n1', 'n2', 'n3'/);
    await expectCode(loadSpec({ ...base, nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'a' }, { op: 'Neg', inputs: ['x'], outputs: ['y'], name: 'b' },
    ] }), 'ERR_ONNX_PARSE', /'y' is written by both node 'a' and node 'b'/);
    await expectCode(loadSpec({ ...base, outputs: [{ name: 'nowhere' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] }),
      'ERR_ONNX_PARSE', /graph output 'nowhere' is not produced/);
  });

  it('an initializer whose data does not match its dims', async () => {
    const proto = buildModelProto({ inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }] });
    proto.graph!.initializer!.push(onnx.TensorProto.create({ name: 'w', dims: [3], dataType: 1, floatData: [1, 2] }));
    await expectCode(loadOnnx(onnx.ModelProto.encode(proto).finish()), 'ERR_ONNX_PARSE', /initializer 'w': float_data has 2 values but its dims need 3/);
  });
});

describe('loadOnnx: external data', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'int8rt-ext-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  /** A MatMul whose weight lives in `location` at `offset`. */
  async function writeExternal(name: string, location: string, offset: number, weights: Float32Array, extra: Record<string, string> = {}) {
    const proto = buildModelProto({ inputs: [{ name: 'x', dims: [1, 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }] });
    const entries = { location, offset: String(offset), length: String(weights.byteLength), ...extra };
    proto.graph!.initializer!.push(onnx.TensorProto.create({
      name: 'w', dims: [4, weights.length / 4], dataType: 1, dataLocation: 1,
      externalData: Object.entries(entries).map(([key, value]) => ({ key, value })),
    }));
    const file = path.join(dir, name);
    await writeFile(file, onnx.ModelProto.encode(proto).finish());
    return file;
  }

  it('round-trips weights stored in a .bin file beside the model (with an offset)', async () => {
    const w = randomFloats(4 * 3, 7);
    const bin = new Uint8Array(16 + w.byteLength);
    bin.set(new Uint8Array(w.buffer), 16);
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'data', 'weights.bin'), bin);
    const m = await loadOnnx(await writeExternal('ext.onnx', 'data/weights.bin', 16, w));
    expect(m.initializers.get('w')!.dims).toEqual([4, 3]);
    expect(m.initializers.get('w')!.data).toEqual(w);
    expect(m.outputs[0]!.dims).toEqual([1, 3]);
  });

  it('refuses locations outside the model directory, missing files and short files', async () => {
    const w = randomFloats(8, 3);
    await expectCode(loadOnnx(await writeExternal('up.onnx', '../secret.bin', 0, w)), 'ERR_ONNX_PARSE', /outside the model's directory/);
    await expectCode(loadOnnx(await writeExternal('abs.onnx', '/etc/passwd', 0, w)), 'ERR_ONNX_PARSE', /outside the model's directory/);
    await expectCode(loadOnnx(await writeExternal('missing.onnx', 'gone.bin', 0, w)), 'ERR_ONNX_PARSE', /gone\.bin does not exist/);
    await writeFile(path.join(dir, 'short.bin'), new Uint8Array(8));
    await expectCode(loadOnnx(await writeExternal('short.onnx', 'short.bin', 0, w)), 'ERR_ONNX_PARSE', /past the end of .*short\.bin/);
    const outside = await mkdtemp(path.join(os.tmpdir(), 'int8rt-outside-'));
    await writeFile(path.join(outside, 'w.bin'), new Uint8Array(w.buffer));
    await symlink(path.join(outside, 'w.bin'), path.join(dir, 'link.bin'));
    await expectCode(loadOnnx(await writeExternal('link.onnx', 'link.bin', 0, w)), 'ERR_ONNX_PARSE', /links outside/);
    await rm(outside, { recursive: true });
  });

  it('needs a path (or baseDir) when the model comes as bytes', async () => {
    const w = randomFloats(8, 4);
    await writeFile(path.join(dir, 'b.bin'), new Uint8Array(w.buffer));
    const bytes = await readFile(await writeExternal('b.onnx', 'b.bin', 0, w));
    await expectCode(loadOnnx(bytes), 'ERR_ONNX_PARSE', /external file; load the model from its path/);
    expect((await loadOnnx(bytes, { baseDir: dir })).initializers.get('w')!.data).toEqual(w);
  });
});

