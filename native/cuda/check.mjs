#!/usr/bin/env node
// Static checks of the CUDA kernels that need no GPU (`npm run check:cuda`):
//   - every native/cuda/*.cu compiles for sm_80 and sm_90a (ptxas -v: registers, shared memory, spills);
//   - the int8 / fp16 GEMM PTX (compute_80) contains the expected mma.sync, ldmatrix and cp.async;
//   - the Tensor Core GEMM kernels (gemm_s8.cu, gemm_f16.cu) spill nothing on either architecture;
//   - if cuobjdump is installed, their SASS contains IMMA / HMMA.
// Without nvcc it prints "nvcc not found: skipped" and exits 0. Exit 1 on any failed check.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cudaDir = path.dirname(fileURLToPath(import.meta.url));
const nativeDir = path.dirname(cudaDir);
const ARCHS = ['sm_80', 'sm_90a'];

const TC_CHECKS = {
  'gemm_s8.cu': { mma: 'mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32', sass: 'IMMA' },
  'gemm_f16.cu': { mma: 'mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32', sass: 'HMMA' },
};

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

function findNvcc() {
  const candidates = [process.env.NVCC, process.env.CUDACXX];
  for (const root of [process.env.CUDA_PATH, process.env.CUDA_HOME, '/usr/local/cuda'])
    if (root) candidates.push(path.join(root, 'bin', 'nvcc'));
  for (const c of candidates) if (c && existsSync(c)) return c;
  return findOnPath('nvcc');
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => resolve({ code: -1, out: String(err) }));
    child.on('close', (code) => resolve({ code, out }));
  });
}

// Runs the jobs with at most `limit` at a time; results in job order.
async function pool(jobs, limit) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

// ptxas -v output → [{ name, arch, registers, smem, stack, spillStores, spillLoads }]
function parsePtxas(text) {
  const fns = new Map();
  let arch = '?';
  let current = null;
  const get = (name) => {
    const key = `${arch}\0${name}`;
    if (!fns.has(key)) fns.set(key, { name, arch, registers: 0, smem: 0, stack: 0, spillStores: 0, spillLoads: 0 });
    return fns.get(key);
  };
  for (const line of text.split('\n')) {
    let m;
    if ((m = line.match(/Compiling entry function '([^']+)' for '(\w+)'/))) {
      arch = m[2];
      current = get(m[1]);
    } else if ((m = line.match(/Function properties for (\S+)/))) {
      current = get(m[1]);
    } else if ((m = line.match(/(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads/))) {
      if (current) {
        current.stack = +m[1];
        current.spillStores = +m[2];
        current.spillLoads = +m[3];
      }
    } else if ((m = line.match(/Used (\d+) registers/))) {
      if (current) {
        current.registers = +m[1];
        const s = line.match(/(\d+) bytes smem/);
        current.smem = s ? +s[1] : 0;
      }
    }
  }
  return [...fns.values()];
}

function demangle(names) {
  const tool = findOnPath('c++filt');
  if (!tool || names.length === 0) return names;
  const r = spawnSync(tool, [], { input: names.join('\n'), encoding: 'utf8' });
  const out = r.status === 0 ? r.stdout.trimEnd().split('\n') : [];
  return out.length === names.length ? out : names;
}

const shortName = (s) =>
  s
    .replace(/int8rt::cuda::/g, '')
    .replace(/\(anonymous namespace\)::/g, '')
    .replace(/\(.*\)$/, '')
    .replace(/^void /, '');

async function main() {
  const nvcc = findNvcc();
  if (!nvcc) {
    console.log('nvcc not found: skipped');
    return 0;
  }
  const sources = readdirSync(cudaDir).filter((f) => f.endsWith('.cu')).sort();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'int8rt-cuda-check-'));
  const common = ['-std=c++17', '-O3', '--expt-relaxed-constexpr', '-I', nativeDir];
  const gencode = ARCHS.flatMap((a) => ['-gencode', `arch=compute_${a.slice(3)},code=${a}`]);
  const failures = [];
  const fail = (msg) => failures.push(msg);

  try {
    console.log(`nvcc: ${nvcc}`);
    const jobs = [];
    for (const f of sources) {
      const base = f.replace(/\.cu$/, '');
      jobs.push(async () => ({
        kind: 'sass',
        file: f,
        res: await run(nvcc, [...common, ...gencode, '-Xptxas', '-v', '-c', path.join(cudaDir, f), '-o', path.join(tmp, `${base}.o`)]),
      }));
      if (TC_CHECKS[f])
        jobs.push(async () => ({
          kind: 'ptx',
          file: f,
          res: await run(nvcc, [...common, '-arch=compute_80', '-ptx', path.join(cudaDir, f), '-o', path.join(tmp, `${base}.ptx`)]),
        }));
    }
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    const results = await pool(jobs, Math.max(1, Math.min(cores, 4)));

    const rows = [];
    for (const { kind, file, res } of results) {
      if (res.code !== 0) {
        fail(`${file}: nvcc ${kind === 'ptx' ? '-ptx' : '-c'} failed:\n${res.out.trim()}`);
        continue;
      }
      if (kind === 'ptx') {
        const ptx = readFileSync(path.join(tmp, file.replace(/\.cu$/, '.ptx')), 'utf8');
        const want = [TC_CHECKS[file].mma, 'ldmatrix.sync.aligned', 'cp.async.cg.shared.global', 'cp.async.wait_group'];
        for (const w of want) if (!ptx.includes(w)) fail(`${file}: PTX (compute_80) lacks \`${w}\``);
        continue;
      }
      const fns = parsePtxas(res.out);
      if (TC_CHECKS[file] && fns.length === 0) fail(`${file}: no ptxas -v report found (cannot verify spills)`);
      const names = demangle(fns.map((f) => f.name));
      fns.forEach((fn, i) => {
        rows.push({ file, ...fn, name: shortName(names[i]) });
        const spills = fn.spillStores + fn.spillLoads;
        if (spills > 0) {
          const msg = `${file}: ${shortName(names[i])} [${fn.arch}] spills ${fn.spillStores} B stores / ${fn.spillLoads} B loads`;
          if (TC_CHECKS[file]) fail(msg);
          else console.warn(`warning: ${msg}`);
        }
      });
      for (const a of ARCHS)
        if (TC_CHECKS[file] && !fns.some((fn) => fn.arch === a)) fail(`${file}: no kernels compiled for ${a}`);
    }

    // Report: one line per kernel and architecture.
    if (rows.length) {
      const w = Math.min(90, Math.max(...rows.map((r) => r.name.length)));
      console.log(`\n${'file'.padEnd(18)}${'kernel'.padEnd(w + 2)}${'arch'.padEnd(8)}${'regs'.padStart(5)}${'smem'.padStart(8)}${'stack'.padStart(7)}${'spill st/ld'.padStart(13)}`);
      for (const r of rows)
        console.log(
          `${r.file.padEnd(18)}${r.name.slice(0, w).padEnd(w + 2)}${r.arch.padEnd(8)}${String(r.registers).padStart(5)}` +
            `${String(r.smem).padStart(8)}${String(r.stack).padStart(7)}${`${r.spillStores}/${r.spillLoads}`.padStart(13)}`,
        );
      console.log('(smem = static shared memory; the Tensor Core kernels take 64 KiB of dynamic shared memory at launch)');
    }

    // Optional SASS check.
    const cuobjdump = [path.join(path.dirname(nvcc), 'cuobjdump'), findOnPath('cuobjdump')].find((p) => p && existsSync(p));
    if (!cuobjdump) {
      console.log('\ncuobjdump not found: SASS (IMMA/HMMA) check skipped');
    } else {
      for (const [file, { sass }] of Object.entries(TC_CHECKS)) {
        const obj = path.join(tmp, file.replace(/\.cu$/, '.o'));
        if (!existsSync(obj)) continue;
        const r = await run(cuobjdump, ['-sass', obj]);
        if (r.code !== 0) fail(`${file}: cuobjdump -sass failed: ${r.out.trim()}`);
        else if (!r.out.includes(sass)) fail(`${file}: SASS contains no ${sass} instruction`);
        else console.log(`${file}: SASS contains ${sass}`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  if (failures.length) {
    console.error(`\ncheck:cuda FAILED (${failures.length}):`);
    for (const f of failures) console.error(`  - ${f}`);
    return 1;
  }
  console.log('\ncheck:cuda passed: mma.sync + ldmatrix + cp.async present, no spills in the Tensor Core kernels');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`check:cuda FAILED: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
