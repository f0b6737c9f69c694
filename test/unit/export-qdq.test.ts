/**
 * exportQDQ on small float models: the exported file loads and runs in onnxruntime-node, agrees
 * with an independent evaluation of the same Q/DQ graph, stays within a few output quantization
 * steps of the float model, and has the Q/DQ structure QUANTIZATION.md asks for.
 */
import { describe, expect, it } from 'vitest';
import { exportQDQBytes, toQDQ } from '../../lib/export/export-qdq.js';
import { optimize } from '../../lib/graph/optimize.js';
import type { Model } from '../../lib/onnx/ir.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { evaluate } from '../helpers/onnx-eval.js';
import { evalQDQ, opCounts, relDiff, runOrt } from '../helpers/qdq-check.js';
import { SPECS, feedsFor, makeCase } from '../helpers/qdq-models.js';

/** Expected Q / DQ counts and, per float weight, the DQ axis and scale length. */
const EXPECT: Record<string, { q: number; dq: number; weights: Record<string, [number, number]> }> = {
  convReluConv: { q: 2, dq: 4, weights: { w1: [0, 4], w2: [0, 5] } },
  gemmTransB: { q: 1, dq: 2, weights: { w: [0, 8] } },
  gemm: { q: 1, dq: 2, weights: { w: [1, 8] } },
  matmul: { q: 3, dq: 4, weights: { w: [1, 8] } },
  convTranspose: { q: 1, dq: 2, weights: { w: [1, 3] } },
  convTransposeGroups: { q: 1, dq: 2, weights: { w: [1, 3] } },
  residual: { q: 4, dq: 7, weights: { wa: [0, 4], wb: [0, 4], wc: [0, 2] } },
};

function dqOf(model: Model, tensor: string) {
  return model.nodes.find((n) => n.op === 'DequantizeLinear' && n.inputs[0] === tensor);
}

describe('exportQDQ: small models', () => {
  for (const [name, spec] of Object.entries(SPECS)) {
    describe(name, () => {
      it('has the expected Q/DQ structure', async () => {
        const { model, amax } = await makeCase(spec);
        const { model: qdq, summary } = toQDQ(model, amax);
        const ex = EXPECT[name]!;
        const counts = opCounts(qdq);
        expect(counts.QuantizeLinear ?? 0).toBe(ex.q);
        expect(counts.DequantizeLinear ?? 0).toBe(ex.dq);
        expect(summary.floatNodes).toEqual([]);
        expect(summary.missingAmax).toEqual([]);
        for (const [w, [axis, len]] of Object.entries(ex.weights)) {
          expect(qdq.initializers.has(w)).toBe(false); // the float weight is gone
          const q = qdq.initializers.get(`${w}_quantized`)!;
          expect(q.type).toBe('int8');
          expect(q.dims).toEqual(model.initializers.get(w)!.dims);
          const dq = dqOf(qdq, `${w}_quantized`)!;
          expect(dq.attributes.axis).toBe(axis);
          const [scale, zp] = [qdq.initializers.get(dq.inputs[1]!)!, qdq.initializers.get(dq.inputs[2]!)!];
          expect([scale.type, [...scale.dims]]).toEqual(['float32', [len]]);
          expect([zp.type, [...zp.dims]]).toEqual(['int8', [len]]);
          expect([...(zp.data as Int8Array)].every((v) => v === 0)).toBe(true);
        }
        for (const qn of qdq.nodes.filter((n) => n.op === 'QuantizeLinear')) {
          const [scale, zp] = [qdq.initializers.get(qn.inputs[1]!)!, qdq.initializers.get(qn.inputs[2]!)!];
          expect(scale.dims).toEqual([]);
          expect((scale.data as Float32Array)[0]).toBe(Math.fround(amax.get(qn.inputs[0]!)! / 127));
          expect([zp.type, [...zp.dims], (zp.data as Int8Array)[0]]).toEqual(['int8', [], 0]);
          // Each Q feeds exactly one DQ with the same scale and zero point.
          const dq = qdq.nodes.find((n) => n.op === 'DequantizeLinear' && n.inputs[0] === qn.outputs[0])!;
          expect(dq.inputs.slice(1)).toEqual(qn.inputs.slice(1));
        }
        // Biases stay float.
        for (const [b, t] of model.initializers) if (t.dims.length === 1 && !(b in ex.weights)) expect(qdq.initializers.get(b)).toBe(t);
      });

      it('runs in onnxruntime-node, matches the Q/DQ graph evaluated in JS, and stays near float', async () => {
        const { model, samples, amax } = await makeCase(spec);
        const { model: qdq } = toQDQ(model, amax);
        const bytes = exportQDQBytes(model, amax);
        let worstFloat = 0, worstExact = 0, worstFused = 0;
        for (const feeds of [samples[0]!, feedsFor(model, 7)]) {
          const out = model.outputs[0]!.name;
          const [plain, fused] = await Promise.all([runOrt(bytes, feeds, 'basic'), runOrt(bytes, feeds, 'all')]);
          const ref = evaluate(model, feeds)[out]!;
          worstExact = Math.max(worstExact, relDiff(plain[out]!, evalQDQ(qdq, feeds)[out]!));
          worstFloat = Math.max(worstFloat, relDiff(plain[out]!, ref));
          worstFused = Math.max(worstFused, relDiff(fused[out]!, ref));
          // Bound: 4 output quantization steps (one step = amax(y)/127), relative to y's range.
          const ry = ref.data as Float32Array;
          const range = Math.max(...ry) - Math.min(...ry);
          expect(relDiff(plain[out]!, ref)).toBeLessThan((4 * amax.get(out)!) / 127 / range);
          expect(fused[out]!.dims).toEqual(ref.dims);
        }
        console.log(`${name}: |qdq − float| / range = ${worstFloat.toExponential(2)} (ORT basic), ${worstFused.toExponential(2)} (ORT all); ORT vs JS Q/DQ = ${worstExact.toExponential(2)}`);
        expect(worstExact).toBeLessThan(1e-5);
      });
    });
  }
});

describe('exportQDQ: residual Add, keepFloat, missing ranges, optimized models', () => {
  it('puts Q/DQ on both inputs of a residual Add that feeds a quantized Conv (and not when disabled)', async () => {
    const { model, amax } = await makeCase(SPECS.residual!);
    const { model: qdq, summary } = toQDQ(model, amax);
    const add = qdq.nodes.find((n) => n.name === 'add')!;
    expect(add.inputs.map((i) => qdq.nodes.find((n) => n.outputs.includes(i))?.op)).toEqual(['DequantizeLinear', 'DequantizeLinear']);
    expect(summary.quantizedNodes).toEqual(['conv_a', 'conv_b', 'add', 'conv_c']);
    const off = toQDQ(model, amax, { residualAdd: false });
    expect(off.model.nodes.find((n) => n.name === 'add')!.inputs).toEqual(['cb', 'x']);
    expect(opCounts(off.model).QuantizeLinear).toBe(3); // x, ra, rs
  });

  it('keepFloat leaves the named node without Q/DQ and its weights float', async () => {
    const { model, amax, samples } = await makeCase(SPECS.convReluConv!);
    const { model: qdq, summary } = toQDQ(model, amax, { keepFloat: ['conv2'] });
    const conv2 = qdq.nodes.find((n) => n.name === 'conv2')!;
    expect(conv2.inputs).toEqual(['r1', 'w2', 'b2']);
    expect(qdq.initializers.get('w2')).toBe(model.initializers.get('w2'));
    expect(opCounts(qdq)).toMatchObject({ QuantizeLinear: 1, DequantizeLinear: 2 });
    expect(summary).toMatchObject({ quantizedNodes: ['conv1'], floatNodes: ['conv2'], floatReasons: { conv2: 'named in keepFloat' } });
    const out = await runOrt(exportQDQBytes(model, amax, { keepFloat: ['conv2'] }), samples[0]!);
    expect(out.y!.dims).toEqual([1, 5, 4, 4]);
  });

  it('leaves a node float and reports the tensor when an activation has no amax', async () => {
    const { model, amax } = await makeCase(SPECS.convReluConv!);
    amax.delete('r1');
    const { model: qdq, summary } = toQDQ(model, amax);
    expect(summary).toMatchObject({ quantizedNodes: ['conv1'], floatNodes: ['conv2'], missingAmax: ['r1'] });
    expect(qdq.nodes.find((n) => n.name === 'conv2')!.inputs).toEqual(['r1', 'w2', 'b2']);
  });

  it('expands fused activations of an optimized model back into standard nodes', async () => {
    const { model, amax, samples } = await makeCase(SPECS.convReluConv!);
    const optimized = optimize(model);
    expect(optimized.nodes.some((n) => n.attributes.activation)).toBe(true);
    const { model: qdq } = toQDQ(optimized, amax);
    expect(qdq.nodes.map((n) => n.op).filter((op) => !/^(De)?[Qq]uantizeLinear$/.test(op))).toEqual(['Conv', 'Relu', 'Conv']);
    expect(qdq.nodes.find((n) => n.op === 'Relu')!.name).toBe('relu1');
    expect(qdq.nodes.every((n) => !('activation' in n.attributes) && !('fusedFrom' in n.attributes))).toBe(true);
    const [a, b] = await Promise.all([runOrt(exportQDQBytes(optimized, amax), samples[1]!), runOrt(exportQDQBytes(model, amax), samples[1]!)]);
    expect(relDiff(a.y!, b.y!)).toBeLessThan(1e-6);
  });

  it('round-trips: the exported bytes load with loadOnnx and show the Q/DQ nodes', async () => {
    const { model, amax } = await makeCase(SPECS.residual!);
    const back = await loadOnnx(exportQDQBytes(model, amax));
    expect(back.opset).toBe(13);
    expect(opCounts(back)).toMatchObject({ QuantizeLinear: 4, DequantizeLinear: 7, Conv: 3, Add: 1, Relu: 2 });
    expect(back.initializers.get('wa_quantized')!.type).toBe('int8');
    expect(back.valueInfo.get('y')!.dims).toEqual([1, 2, 6, 6]);
  });
});
