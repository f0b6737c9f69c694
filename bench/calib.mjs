#!/usr/bin/env node
// Calibration benchmark: Histogram.observe throughput (GB/s of float32 and of float16 bits, one
// thread: observe is synchronous and single-threaded) and amax time per method on a 2048-bin
// histogram. Prints a table, writes bench/results/calib.json. Needs `npx tsc -p tsconfig.json`
// (imports ../dist/index.js). `--quick`: smaller data, fewer repeats.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Histogram, Tensor, backends, floatToHalf, setCpuIsa, availableCpuIsas } from '../dist/index.js';
import { printTable, fmt } from './lib/table.mjs';

const quick = process.argv.includes('--quick');
const N = quick ? 1 << 22 : 1 << 24; // elements per observe call (16 M floats = 64 MB)
const REPEATS = quick ? 5 : 15;

function gaussian(n, seed) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u())), t = 2 * Math.PI * u();
    x[i] = r * Math.cos(t);
    if (i + 1 < n) x[i + 1] = r * Math.sin(t);
  }
  return x;
}

function relu(x) {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
  return y;
}

const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

function timeMs(fn, repeats) {
  fn(); // warm-up
  const t = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(t);
}

const gauss = gaussian(N, 1);
const inputs = [
  { name: 'gaussian f32', data: gauss, bytes: 4 * N },
  { name: 'relu(gaussian) f32', data: relu(gauss), bytes: 4 * N },
  { name: 'gaussian f16', data: new Tensor('float16', floatToHalf(gauss), [N]), bytes: 2 * N },
];

// The histogram has two kernel paths: AVX2 (used by every AVX2-or-better ISA) and portable.
const isas = availableCpuIsas().filter((i) => i === 'avx2' || i === 'scalar');
const observeRows = [];
for (const isa of isas) {
  setCpuIsa(isa);
  for (const input of inputs) {
    const h = new Histogram();
    const ms = timeMs(() => h.observe(input.data), REPEATS);
    observeRows.push({ isa, input: input.name, ms, gbPerS: input.bytes / ms / 1e6, gElemPerS: N / ms / 1e6 });
  }
}
setCpuIsa(availableCpuIsas()[0]);

const amaxRows = [];
for (const input of inputs.slice(0, 2)) {
  const h = new Histogram();
  h.observe(input.data);
  for (const [method, options] of [['max', {}], ['entropy', {}], ['percentile', { percentile: 99.99 }], ['mse', {}]]) {
    const ms = timeMs(() => h.amax(method, options), quick ? 5 : 21);
    amaxRows.push({ input: input.name, method, bins: h.bins, us: ms * 1000, amax: h.amax(method, options) });
  }
}

printTable(['isa', 'input', 'elements', 'ms', 'GB/s', 'Gelem/s'],
  observeRows.map((r) => [r.isa, r.input, N, fmt(r.ms), fmt(r.gbPerS), fmt(r.gElemPerS)]),
  'Histogram.observe, one thread (median)');
printTable(['input', 'method', 'bins', 'µs', 'amax'],
  amaxRows.map((r) => [r.input, r.method, r.bins, fmt(r.us), fmt(r.amax, 5)]),
  'Histogram.amax (median)');

const out = {
  suite: 'calib',
  date: new Date().toISOString(),
  node: process.version,
  cpu: backends().cpu,
  quick,
  observe: observeRows,
  amax: amaxRows,
};
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}calib.json`, `${JSON.stringify(out, null, 2)}\n`);
console.log(`\n→ ${dir}calib.json`);
