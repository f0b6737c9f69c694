#!/usr/bin/env node
// GPU benchmark, run on the lent GPU machine (shared/gpu/README.md). dist/ is git-ignored, so compile it there:
//   bash .device/device-run.sh 'node node_modules/typescript/bin/tsc -p tsconfig.json && node bench/gpu.mjs'
// Our CUDA GEMM kernels (kernel only, bench/lib/cuda-gemm.mjs) beside cuBLAS through torch (bench/gpu_torch.py,
// timed the same way) at the same shapes, one joined table; JSON to $OUT/gpu-bench.json when $OUT is set,
// else bench/results/gpu.json. Without torch it still reports our own timings.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, fmtRatio, printTable } from './lib/table.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
if (!existsSync(path.join(here, '..', 'dist', 'index.js'))) {
  console.error('bench/gpu.mjs: dist/ is missing: compile it first (node node_modules/typescript/bin/tsc -p tsconfig.json)');
  process.exit(1);
}
const { Tensor, backends, gemm, halfToFloat, floatToHalf } = await import('../dist/index.js');
const { CUDA_SHAPES, measureCudaGemm } = await import('./lib/cuda-gemm.mjs');
const quick = process.argv.includes('--quick');

/** gemm() on the GPU against the CPU backend, same layout as the timed runs (B as [N, K]). Throws on mismatch. */
async function checkAgainstCpu() {
  const [m, n, k] = [200, 264, 520]; // ragged on purpose: partial tiles on every side
  const a8 = Int8Array.from({ length: m * k }, (_, i) => ((i * 37) % 255) - 127);
  const b8 = Int8Array.from({ length: n * k }, (_, i) => ((i * 91) % 255) - 127);
  const args8 = [new Tensor('int8', a8, [m, k]), new Tensor('int8', b8, [n, k])];
  const [g8, c8] = await Promise.all(['cuda', 'cpu'].map((device) => gemm(...args8, { transB: true, device })));
  const bad = g8.data.findIndex((v, i) => v !== c8.data[i]);
  if (bad >= 0) throw new Error(`int8 check: cuda ${g8.data[bad]} != cpu ${c8.data[bad]} at ${bad}`);

  const ah = floatToHalf(Float32Array.from({ length: m * k }, (_, i) => Math.sin(i)));
  const bh = floatToHalf(Float32Array.from({ length: n * k }, (_, i) => Math.cos(i * 0.7)));
  const argsH = [new Tensor('float16', ah, [m, k]), new Tensor('float16', bh, [n, k])];
  const [gh, ch] = await Promise.all(['cuda', 'cpu'].map((device) => gemm(...argsH, { transB: true, device })));
  const g = halfToFloat(gh.data);
  const c = halfToFloat(ch.data);
  const scale = c.reduce((mx, v) => Math.max(mx, Math.abs(v)), 0);
  const err = g.reduce((mx, v, i) => Math.max(mx, Math.abs(v - c[i])), 0) / scale;
  if (!(err < 2e-3)) throw new Error(`fp16 check: max |cuda - cpu| / max |cpu| = ${err}`);
}

/** The torch peer's JSON, or { error } when python3 / torch / the device is unavailable. */
function runTorch(iterations) {
  return new Promise((resolve) => {
    const child = spawn('python3', [path.join(here, 'gpu_torch.py'), JSON.stringify(CUDA_SHAPES), String(iterations)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ error: `python3 could not be started (${e.message})` }));
    child.on('close', (code) => {
      try {
        const json = JSON.parse(out.trim().split('\n').pop());
        resolve(code === 0 || json.error ? json : { error: `gpu_torch.py exited with code ${code}` });
      } catch {
        resolve({ error: `gpu_torch.py exited with code ${code} and no JSON` });
      }
    });
  });
}

async function main() {
  const cuda = backends().cuda;
  if (!cuda) {
    console.error(`bench/gpu.mjs: no CUDA device (cudaCompiled: ${backends().cudaCompiled}): nothing to measure`);
    return 1;
  }
  const card = cuda.devices[0].name;
  console.log(`bench/gpu.mjs on ${card}`);
  await checkAgainstCpu();
  console.log('check: CUDA gemm() agrees with the CPU backend (int8 exact, fp16 within 2e-3)');

  const ours = await measureCudaGemm({ quick });
  const torch = await runTorch(quick ? 10 : 50);
  if (torch.error) console.log(`\ntorch peer unavailable: ${torch.error}. Reporting our kernels only.`);

  const rows = ours.rows.map((r, i) => {
    const p = torch.results?.[i];
    const ops = 2 * r.m * r.n * r.k;
    const peer = p && {
      int8Ms: p.int8Ms, int8Tops: (2 * p.int8PeerM * r.n * r.k) / (p.int8Ms * 1e9), int8PeerM: p.int8PeerM, int8Note: p.int8Note,
      fp16Ms: p.fp16Ms, fp16Tops: ops / (p.fp16Ms * 1e9),
    };
    // Time ratios (> 1: ours is faster); the same work except where torch ran a padded M (see int8Note).
    const vsTorch = peer && { int8: p.int8Ms / r.int8.ms.median, fp16: p.fp16Ms / r.fp16.ms.median };
    return { ...r, torch: peer ?? null, vsTorch: vsTorch ?? null };
  });

  const na = (v) => (v === undefined || v === null ? 'n/a' : fmt(v));
  const x = (v) => (v === undefined || v === null ? 'n/a' : `${v.toFixed(2)}x`);
  printTable(
    ['shape (MxNxK)', 'ours int8 TOP/s', 'cuBLASLt int8', 'int8 ours/peer', 'ours fp16 TFLOP/s', 'cuBLAS fp16', 'fp16 ours/peer', 'ours int8/fp16'],
    rows.map((r) => [
      r.shape, fmt(r.int8.tops), na(r.torch?.int8Tops) + (r.torch?.int8Note ? ' *' : ''), x(r.vsTorch?.int8),
      fmt(r.fp16.tops), na(r.torch?.fp16Tops), x(r.vsTorch?.fp16), fmtRatio(r.ratio),
    ]),
    `GEMM kernels on ${card} (kernel only, CUDA events, L2 flushed before each run; peer = torch ${torch.torch ?? 'n/a'})`,
  );
  for (const r of rows) if (r.torch?.int8Note) console.log(`* ${r.shape}: ${r.torch.int8Note} (ratio compares times)`);

  const result = { date: new Date().toISOString(), card, ours: { iterations: ours.iterations, rounds: ours.rounds }, torch: torch.error ? { error: torch.error } : { version: torch.torch, cuda: torch.cuda, iterations: torch.iterations, flushBytes: torch.flushBytes }, results: rows };
  const file = process.env.OUT ? path.join(process.env.OUT, 'gpu-bench.json') : path.join(here, 'results', 'gpu.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n→ ${file}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`bench/gpu.mjs FAILED: ${e?.stack ?? e}`);
    process.exit(1);
  },
);
