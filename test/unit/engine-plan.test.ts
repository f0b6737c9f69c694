/** Plan format: round trip, corruption and version checks (TS reader and native loader), the native JSON reader. */
import { describe, expect, it } from 'vitest';
import { readPlan, writePlan, PLAN_VERSION } from '../../lib/build/plan.js';
import { fnv1a64 } from '../../lib/build/checksum.js';
import { Engine } from '../../lib/engine.js';
import { native } from '../../lib/native.js';
import { optimize } from '../../lib/graph/optimize.js';
import { f32, i64, loadSpec, type ModelSpec } from '../helpers/onnx-builder.js';
import { randomFloats } from '../helpers/random.js';

const spec: ModelSpec = {
  inputs: [{ name: 'x', dims: ['batch', 3, 5, 5] }],
  outputs: [{ name: 'y', dims: null }],
  nodes: [
    { op: 'Conv', name: 'conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Clip', name: 'clip', inputs: ['c', 'lo', ''], outputs: ['r'] },
    { op: 'Reshape', name: 'flat', inputs: ['r', 'shape'], outputs: ['y'] },
  ],
  initializers: { w: f32(randomFloats(4 * 3 * 9, 1), [4, 3, 3, 3]), b: f32([0.1, 0.2, 0.3, 0.4], [4]), lo: f32([0], []), shape: i64([0, -1]) },
};

async function plan(): Promise<Uint8Array> {
  return writePlan(optimize(await loadSpec(spec)), { precision: 'fp32' });
}

async function loadError(bytes: Uint8Array): Promise<string> {
  const e = await Engine.load(bytes).then(() => null, (err: { code: string }) => err);
  return e ? e.code : 'loaded';
}

describe('plan format', () => {
  it('round-trips graph and weights; blobs are 64-byte aligned; the checksum matches', async () => {
    const bytes = await plan();
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('I8RTPLAN');
    const p = readPlan(bytes);
    expect(p.version).toBe(PLAN_VERSION);
    expect(p.graph.nodes.map((n) => n.op)).toEqual(['Conv', 'Reshape']);
    expect(p.graph.nodes[0]!.attributes.activation).toEqual({ type: 'Clip', params: [0, 'Infinity'] });
    expect(p.graph.values[p.graph.inputs[0]!]).toEqual({ name: 'x', dtype: 'float32', dims: ['batch', 3, 5, 5] });
    expect(p.graph.nodes.every((n) => n.precision === 'fp32')).toBe(true);
    for (const w of p.graph.weights) expect(w.offset % 64).toBe(0);
    expect([...(p.weights.get('w')!.data as Float32Array)]).toEqual([...randomFloats(4 * 3 * 9, 1)]);
    expect(p.weights.get('shape')!.type).toBe('int64');
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const sum = fnv1a64(bytes.subarray(0, bytes.length - 8));
    expect([view.getUint32(bytes.length - 8, true), view.getUint32(bytes.length - 4, true)]).toEqual([sum.lo, sum.hi]);
  });

  it('FNV-1a 64 matches the reference values', () => {
    const hex = (b: string) => { const s = fnv1a64(new TextEncoder().encode(b)); return s.hi.toString(16).padStart(8, '0') + s.lo.toString(16).padStart(8, '0'); };
    expect(hex('')).toBe('cbf29ce484222325');
    expect(hex('a')).toBe('af63dc4c8601ec8c');
    expect(hex('foobar')).toBe('85944171f73967e8');
  });

  it('a flipped byte anywhere (header, JSON, weights, checksum) is ERR_PLAN_CORRUPT, never a half-loaded engine', async () => {
    const bytes = await plan();
    for (const at of [0, 13, 40, bytes.length - 100, bytes.length - 1]) {
      const bad = bytes.slice();
      bad[at]! ^= 0x10;
      expect(() => readPlan(bad)).toThrow(expect.objectContaining({ code: 'ERR_PLAN_CORRUPT' }));
      expect(await loadError(bad)).toBe('ERR_PLAN_CORRUPT');
    }
  });

  it('a truncated plan is ERR_PLAN_CORRUPT', async () => {
    const bytes = await plan();
    for (const n of [0, 10, 30, bytes.length - 1]) {
      expect(() => readPlan(bytes.subarray(0, n))).toThrow(expect.objectContaining({ code: 'ERR_PLAN_CORRUPT' }));
      expect(await loadError(bytes.slice(0, n))).toBe('ERR_PLAN_CORRUPT');
    }
  });

  it('a newer format version is ERR_PLAN_VERSION', async () => {
    const bytes = await plan();
    new DataView(bytes.buffer).setUint32(8, PLAN_VERSION + 1, true);
    expect(() => readPlan(bytes)).toThrow(expect.objectContaining({ code: 'ERR_PLAN_VERSION' }));
    expect(await loadError(bytes)).toBe('ERR_PLAN_VERSION');
  });

  it('a plan whose ops the backend lacks is ERR_UNSUPPORTED_OP listing every one', async () => {
    const model = await loadSpec({
      inputs: [{ name: 'x', dims: [4] }], outputs: [{ name: 'y', dims: [4] }],
      nodes: [{ op: 'Neg', inputs: ['x'], outputs: ['a'] }, { op: 'Erf', inputs: ['a'], outputs: ['b'] }, { op: 'Relu', inputs: ['b'], outputs: ['y'] }],
    });
    // The CPU backend implements every op the loader accepts: rename two to ones it lacks.
    const renamed = { ...model, nodes: model.nodes.map((n, i) => (i < 2 ? { ...n, op: ['NoSuchOpB', 'NoSuchOpA'][i]! } : n)) };
    const err = await Engine.load(writePlan(renamed, { precision: 'fp32' })).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'ERR_UNSUPPORTED_OP' });
    expect((err as Error).message).toContain('NoSuchOpA, NoSuchOpB');
  });
});

describe('native JSON reader', () => {
  const parse = (s: string) => native.parseJsonForTest(s);
  it('reads every JSON construct', () => {
    const doc = { a: [1, -2.5, 3e-7, 0, true, false, null], s: 'q"\\/\n\t\u00e9\u4e2d😀', o: { nested: { deep: [[], {}] } }, big: 9007199254740991 };
    expect(parse(JSON.stringify(doc))).toEqual(doc);
    expect(parse(' \n[ 1 , 2 ]\t')).toEqual([1, 2]);
    expect(parse('"\\u00e9\\ud83d\\ude00"')).toBe('é😀');
  });
  it('refuses malformed text with ERR_PLAN_CORRUPT', () => {
    for (const bad of ['', '{', '[1,]', '{"a":}', '{"a" 1}', 'tru', '01', '1.', '-', '"abc', '"\\x"', '"\\ud800"', '[1] x', '{"a":1,}', '"a\nb"', '['.repeat(100) + ']'.repeat(100)])
      expect(() => parse(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_PLAN_CORRUPT' }));
  });
});
