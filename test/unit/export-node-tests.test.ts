/**
 * Q/DQ export of real ONNX backend test models (../shared/onnx-node-tests), run in
 * onnxruntime-node against the test's expected output. The Conv ones are opset 22; where loadOnnx
 * still stops at 21 they are read with the opset range widened. The export keeps their opset.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportQDQBytes, toQDQ } from '../../lib/export/export-qdq.js';
import type { Model } from '../../lib/onnx/ir.js';
import { decodeModel, loadOnnx, modelFromProto } from '../../lib/onnx/load.js';
import { readTensorProto } from '../../lib/onnx/tensor-proto.js';
import { nodeTestBytes, nodeTestData, nodeTestModel } from '../helpers/onnx-node-tests.js';
import { maxAmax, opCounts, relDiff, runOrt } from '../helpers/qdq-check.js';
import { readFileSync } from 'node:fs';

const CASES: [string, number][] = [
  ['test_basic_conv_with_padding', 22],
  ['test_conv_with_strides_padding', 22],
  ['test_gemm_transposeB', 13],
  ['test_matmul_2d', 13],
];

async function load(name: string, opset: number): Promise<Model> {
  try {
    return await loadOnnx(nodeTestModel(name));
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_UNSUPPORTED_OP') throw e;
    const widened = modelFromProto as (...args: unknown[]) => Promise<Model>; // older loader: a 4th `opsets` option
    return widened(decodeModel(nodeTestBytes(name), name), name, undefined, { opsets: [7, opset] });
  }
}

describe.skipIf(!existsSync(nodeTestModel(CASES[0]![0])))('exportQDQ on ONNX node test models', () => {
  for (const [name, opset] of CASES) {
    it(`${name}: exports, runs in onnxruntime-node, stays near the expected output`, async () => {
      const model = await load(name, opset);
      const inputs = nodeTestData(name, 'input').map((f) => readTensorProto(new Uint8Array(readFileSync(f))));
      const feeds = Object.fromEntries(model.inputs.map((v, i) => [v.name, inputs[i]!]));
      const expected = readTensorProto(new Uint8Array(readFileSync(nodeTestData(name, 'output')[0]!)));
      const amax = maxAmax(model, [feeds]);
      const { model: qdq, summary } = toQDQ(model, amax);
      expect(qdq.opset).toBe(opset);
      expect(summary.floatNodes).toEqual([]);
      expect(opCounts(qdq).DequantizeLinear).toBe(2);
      const out = await runOrt(exportQDQBytes(model, amax), feeds);
      const got = out[model.outputs[0]!.name]!;
      expect(got.dims).toEqual(expected.dims);
      const diff = relDiff(got, expected);
      console.log(`${name}: max |qdq − expected| / range = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(0.02);
    });
  }
});
