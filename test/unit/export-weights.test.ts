/**
 * Weight quantization in the Q/DQ export against an independent reference: per-channel scale
 * amax/127 (float32), round half to even at exact .5 ties, clamp to [-127, 127], all-zero
 * channels at scale 1. Checked on the int8 bytes of the written file, not just the IR.
 */
import pkg from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { exportQDQBytes } from '../../lib/export/export-qdq.js';
import { quantizeValue, roundHalfEven } from '../../lib/export/weight-quant.js';
import { Tensor } from '../../lib/tensor.js';
import { f32, loadSpec, type ModelSpec } from '../helpers/onnx-builder.js';
import { runOrt } from '../helpers/qdq-check.js';
import { randomFloats } from '../helpers/random.js';

const { onnx } = pkg;

/** Reference rounding: the nearest integer, and of two equally near the even one. */
function refRound(x: number): number {
  const lo = Math.floor(x), hi = Math.ceil(x);
  const r = x - lo !== hi - x ? (x - lo < hi - x ? lo : hi) : lo % 2 === 0 ? lo : hi;
  return r + 0; // no -0: int8 has none
}

/** Reference per-channel quantization of a row-major weight along `axis`. */
function refQuantize(w: Float32Array, dims: number[], axis: number): { q: number[]; scale: number[] } {
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const ch = (i: number) => Math.floor(i / inner) % dims[axis]!;
  const amax = new Array<number>(dims[axis]!).fill(0);
  w.forEach((v, i) => { amax[ch(i)] = Math.max(amax[ch(i)]!, Math.abs(v)); });
  const scale = amax.map((a) => (a === 0 ? 1 : Math.fround(a / 127)));
  const q = Array.from(w, (v, i) => Math.max(-127, Math.min(127, refRound(Math.fround(v / scale[ch(i)]!)))));
  return { q, scale };
}

/** The int8 initializer and scales of weight `w` as written in the ONNX bytes. */
function written(bytes: Uint8Array, w: string): { q: number[]; scale: number[]; axis: number } {
  const g = onnx.ModelProto.decode(bytes).graph!;
  const init = (name: string) => g.initializer!.find((t) => t.name === name)!;
  const q = init(`${w}_quantized`);
  expect(q.dataType).toBe(3); // INT8
  const dq = g.node!.find((n) => n.opType === 'DequantizeLinear' && n.input![0] === `${w}_quantized`)!;
  const s = init(dq.input![1]!);
  return {
    q: Array.from(new Int8Array(new Uint8Array(q.rawData!).buffer)),
    scale: Array.from(new Float32Array(new Uint8Array(s.rawData!).buffer)),
    axis: Number(dq.attribute!.find((a) => a.name === 'axis')!.i),
  };
}

const exportWith = async (spec: ModelSpec) => {
  const model = await loadSpec(spec);
  const amax = new Map(model.inputs.map((i) => [i.name, 2]));
  return exportQDQBytes(model, amax);
};

describe('weight quantization', () => {
  it('roundHalfEven rounds exact ties to even and everything else to nearest', () => {
    const xs = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, -126.5, 0.49999997, 1.0000001, -3.7, 2.5000002];
    for (const x of xs) expect([x, roundHalfEven(x) + 0]).toEqual([x, refRound(x)]);
    expect(xs.slice(0, 8).map((x) => roundHalfEven(x) + 0)).toEqual([0, 2, 2, 0, -2, -2, 126, -126]);
    expect(quantizeValue(300, 1)).toBe(127);
    expect(quantizeValue(-300, 1)).toBe(-127); // never -128
  });

  it('writes exact per-channel values for ties, an all-zero channel and random channels (Gemm transB)', async () => {
    // Channel 0: amax 127 → scale exactly 1, so w / scale hits .5 ties exactly.
    const ties = [127, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5];
    const w = Float32Array.from([...ties, ...new Array(8).fill(0), ...randomFloats(8, 5, 3)]);
    const bytes = await exportWith({
      inputs: [{ name: 'x', dims: [2, 8] }], outputs: [{ name: 'y' }], initializers: { w: f32(w, [3, 8]) },
      nodes: [{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], attrs: { transB: 1 } }],
    });
    const got = written(bytes, 'w');
    const ref = refQuantize(w, [3, 8], 0);
    expect(got.axis).toBe(0);
    expect(got.scale).toEqual(ref.scale);
    expect(got.scale.slice(0, 2)).toEqual([1, 1]);
    expect(got.q.slice(0, 8)).toEqual([127, 0, 2, 2, 0, -2, -2, 4]);
    expect(got.q).toEqual(ref.q);
    const out = await runOrt(bytes, { x: new Tensor('float32', randomFloats(16, 6), [2, 8]) });
    expect(out.y!.dims).toEqual([2, 3]);
  });

  const cases: [string, ModelSpec, number[], number][] = [
    ['Conv', { inputs: [{ name: 'x', dims: [1, 3, 5, 5] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'] }] }, [6, 3, 3, 3], 0],
    ['ConvTranspose', { inputs: [{ name: 'x', dims: [1, 6, 3, 3] }], outputs: [{ name: 'y' }], nodes: [{ op: 'ConvTranspose', inputs: ['x', 'w'], outputs: ['y'] }] }, [6, 4, 2, 2], 1],
    ['Gemm', { inputs: [{ name: 'x', dims: [2, 12] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'] }] }, [12, 5], 1],
    ['MatMul', { inputs: [{ name: 'x', dims: [2, 12] }], outputs: [{ name: 'y' }], nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }] }, [12, 7], 1],
  ];
  for (const [op, spec, dims, axis] of cases) {
    it(`${op}: axis ${axis}, values equal the reference and dequantize within half a step`, async () => {
      const n = dims.reduce((a, b) => a * b, 1);
      const w = randomFloats(n, 40 + axis, 1.7);
      const got = written(await exportWith({ ...spec, initializers: { w: f32(w, dims) } }), 'w');
      const ref = refQuantize(w, dims, axis);
      expect(got.axis).toBe(axis);
      expect(got.scale).toEqual(ref.scale);
      expect(got.q).toEqual(ref.q);
      const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
      w.forEach((v, i) => {
        const s = got.scale[Math.floor(i / inner) % dims[axis]!]!;
        expect(Math.abs(got.q[i]! * s - v)).toBeLessThanOrEqual(s / 2 + 1e-7);
      });
    });
  }
});
