// CPU GEMM: ours (fp32 / fp16 / int8→int32) beside onnxruntime's MatMul (fp32) and MatMulInteger (u8×s8→s32)
// on the same inputs and thread count. Timing is per call of the public async API on both sides
// (our gemm() packs B per call; B is a graph input for ORT, so it packs per call too).
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { Tensor, backends, floatToHalf, gemm, halfToFloat } from '../../dist/index.js';
import { interleave, summarize } from '../lib/interleave.mjs';
import { matMulIntegerModel, matMulModel } from '../lib/onnx-models.mjs';
import { fmt, fmtRatio, printTable } from '../lib/table.mjs';

export const name = 'gemm-cpu';

const SHAPES = [
  { m: 256, n: 256, k: 256 },
  { m: 1024, n: 1024, k: 1024 },
  { m: 2048, n: 2048, k: 2048 },
  { m: 8, n: 4096, k: 4096 }, // skinny: one token batch through a large layer, memory-bound on B
];

// [x, y]: reported as the speed of x over y (> 1: x is faster).
const PAIRS = [
  ['int8', 'ort-int8'],
  ['int8', 'fp32'],
  ['fp32', 'ort-fp32'],
  ['fp16', 'fp32'],
];

// Deterministic fill (xorshift32): the same inputs every run.
function filler(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
// Integers in [lo, hi].
const randomInt8 = (n, seed, lo, hi) => {
  const r = filler(seed);
  return Int8Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
};
const randomFloat = (n, seed) => {
  const r = filler(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
};

function maxAbsDiff(x, y) {
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}
const maxAbs = (x) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** Inputs and one run function per contender, after checking ours against ORT. */
async function prepare({ m, n, k }, sessions) {
  // B is 7-bit: without VNNI, ORT's u8s8 kernel (vpmaddubsw) saturates int16 pair sums and returns wrong
  // results for full-range B (seen on AVX2); [-64, 63] keeps it exact, as ORT's own reduce_range does.
  const a8 = randomInt8(m * k, 1, -127, 127);
  const b8 = randomInt8(k * n, 2, -64, 63);
  const af = randomFloat(m * k, 3);
  const bf = randomFloat(k * n, 4);
  const ah = floatToHalf(af);
  const bh = floatToHalf(bf);

  const ours = {
    int8: [new Tensor('int8', a8, [m, k]), new Tensor('int8', b8, [k, n])],
    fp32: [new Tensor('float32', af, [m, k]), new Tensor('float32', bf, [k, n])],
    fp16: [new Tensor('float16', ah, [m, k]), new Tensor('float16', bh, [k, n])],
  };
  const au8 = Uint8Array.from(a8, (v) => v + 128);
  const feeds = {
    int8: { A: new ort.Tensor('uint8', au8, [m, k]), B: new ort.Tensor('int8', b8, [k, n]) },
    fp32: { A: new ort.Tensor('float32', af, [m, k]), B: new ort.Tensor('float32', bf, [k, n]) },
    fp16ref: { A: new ort.Tensor('float32', halfToFloat(ah), [m, k]), B: new ort.Tensor('float32', halfToFloat(bh), [k, n]) },
  };

  // Correctness first: int8 exact; fp32 to float rounding; fp16 (fp16 output) against fp32 on the same halves.
  const i8 = (await gemm(...ours.int8)).data;
  const ri8 = (await sessions.int8.run(feeds.int8)).Y.data;
  const bad = i8.findIndex((v, i) => v !== ri8[i]);
  if (bad >= 0) throw new Error(`int8 ${m}x${n}x${k}: ours ${i8[bad]} != ORT ${ri8[bad]} at ${bad}`);
  const rf = (await sessions.fp32.run(feeds.fp32)).Y.data;
  const errF = maxAbsDiff((await gemm(...ours.fp32)).data, rf) / maxAbs(rf);
  if (!(errF < 1e-4)) throw new Error(`fp32 ${m}x${n}x${k}: max |ours - ORT| / max |ORT| = ${errF}`);
  const rh = (await sessions.fp32.run(feeds.fp16ref)).Y.data;
  const errH = maxAbsDiff(halfToFloat((await gemm(...ours.fp16)).data), rh) / maxAbs(rh);
  if (!(errH < 2e-3)) throw new Error(`fp16 ${m}x${n}x${k}: max |ours - fp32 ref| / max |ref| = ${errH}`);

  return {
    contenders: {
      int8: { run: () => gemm(...ours.int8) },
      fp32: { run: () => gemm(...ours.fp32) },
      fp16: { run: () => gemm(...ours.fp16) },
      'ort-int8': { run: () => sessions.int8.run(feeds.int8) },
      'ort-fp32': { run: () => sessions.fp32.run(feeds.fp32) },
    },
    check: { int8: 'exact', fp32RelErr: errF, fp16RelErr: errH },
  };
}

export async function run({ quick }) {
  const cpu = backends().cpu;
  // Same thread count as ours; no spinning: ORT's idle workers would otherwise burn the cores our next
  // slice needs on a 2-core machine.
  const options = {
    intraOpNumThreads: cpu.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  const sessions = {
    fp32: await ort.InferenceSession.create(matMulModel(), options),
    int8: await ort.InferenceSession.create(matMulIntegerModel(), options),
  };
  const timing = quick ? { rounds: 4, sliceMs: 50, warmupMs: 100 } : { rounds: 20, sliceMs: 100, warmupMs: 300 };
  const machine = { cpu: os.cpus()[0]?.model, isa: cpu.isa, threads: cpu.threads, ort: ort.env.versions?.node };
  console.log(`\ngemm-cpu: ${machine.cpu}, ours ${cpu.isa} / ${cpu.threads} threads, onnxruntime-node ${machine.ort}, ` +
    `${timing.rounds} rounds of ${timing.sliceMs} ms slices`);

  const results = [];
  for (const shape of SHAPES) {
    const label = `${shape.m}x${shape.n}x${shape.k}`;
    const { contenders, check } = await prepare(shape, sessions);
    const { times, ratios } = await interleave(contenders, PAIRS, timing);
    const ops = 2 * shape.m * shape.n * shape.k;
    const perContender = Object.fromEntries(Object.entries(times).map(([c, t]) => {
      const s = summarize(t);
      return [c, { ms: s, gops: ops / (s.median * 1e6) }];
    }));
    const perRatio = Object.fromEntries(Object.entries(ratios).map(([r, v]) => [r, summarize(v)]));
    results.push({ shape: label, ...shape, check, contenders: perContender, ratios: perRatio });
    console.log(`  ${label}: ${Object.entries(perContender).map(([c, v]) => `${c} ${fmt(v.gops)}`).join(', ')} GOP/s`);
  }
  await Promise.all(Object.values(sessions).map((s) => s.release()));

  const names = ['int8', 'ort-int8', 'fp32', 'ort-fp32', 'fp16'];
  printTable(['shape (MxNxK)', ...names.map((c) => `${c} GOP/s`)],
    results.map((r) => [r.shape, ...names.map((c) => fmt(r.contenders[c].gops))]),
    'GEMM throughput (median over slices)');
  printTable(['shape (MxNxK)', ...PAIRS.map(([x, y]) => `${x} / ${y}`)],
    results.map((r) => [r.shape, ...PAIRS.map(([x, y]) => fmtRatio(r.ratios[`${x}/${y}`]))]),
    'Speed ratios, median of adjacent interleaved slices (p25–p75); > 1: the left one is faster');
  return { suite: name, date: new Date().toISOString(), machine, timing, results };
}
