import { describe, expect, it } from 'vitest';
import { backends, gemm, Int8rtError, Tensor, availableCpuIsas, setCpuIsa } from '../../lib/index.js';
import { readFileSync } from 'node:fs';
import { values } from '../helpers/values.js';

describe('backends()', () => {
  it('reports the dispatched CPU ISA, the thread count and the CUDA state', () => {
    const b = backends();
    expect(['avx512_vnni', 'avx512', 'avx_vnni', 'avx2', 'scalar']).toContain(b.cpu.isa);
    expect(b.cpu.threads).toBeGreaterThanOrEqual(1);
    if (b.cuda) {
      expect(b.cuda.devices.length).toBeGreaterThan(0);
      for (const d of b.cuda.devices) {
        expect(d.name.length).toBeGreaterThan(0);
        expect(d.computeCapability[0]).toBeGreaterThanOrEqual(5);
        expect(d.memoryBytes).toBeGreaterThan(0);
      }
    } else {
      expect(b.cuda).toBeNull();
    }
  });

  it('matches what /proc/cpuinfo says the CPU can do', () => {
    let flags = '';
    try { flags = readFileSync('/proc/cpuinfo', 'utf8'); } catch { return; }
    const isa = availableCpuIsas()[0];
    if (/\bavx512_vnni\b/.test(flags) && /\bavx512bw\b/.test(flags)) expect(isa).toBe('avx512_vnni');
    else if (/\bavx2\b/.test(flags) && /\bfma\b/.test(flags) && !/\bavx512f\b/.test(flags) && !/\bavx_vnni\b/.test(flags)) expect(isa).toBe('avx2');
  });

  it('can be lowered but never raised', () => {
    const best = availableCpuIsas()[0]!;
    expect(setCpuIsa('scalar')).toBe(true);
    expect(backends().cpu.isa).toBe('scalar');
    expect(setCpuIsa('no-such-isa')).toBe(false);
    if (best !== 'avx512_vnni') expect(setCpuIsa('avx512_vnni')).toBe(false);
    expect(setCpuIsa(best)).toBe(true);
    expect(backends().cpu.isa).toBe(best);
  });

  it.skipIf(backends().cuda !== null)('asking for CUDA without a device is a clear ERR_NO_CUDA', async () => {
    const t = new Tensor('float32', [1, 2, 3, 4], [2, 2]);
    const err = await gemm(t, t, { device: 'cuda' }).catch((e) => e);
    expect(err).toBeInstanceOf(Int8rtError);
    expect(err.code).toBe('ERR_NO_CUDA');
    expect(err.message).toMatch(/cuda/i);
    // ... and the default device is then the CPU.
    expect(values((await gemm(t, t)))).toEqual([7, 10, 15, 22]);
  });
});

describe('environment settings', () => {
  // A fresh process reads INT8RT_NUM_THREADS and INT8RT_ISA once, at first use.
  const probe = async (env: Record<string, string>) => {
    const { execFileSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const script = `const b = require('bindings')({ bindings: 'int8rt', module_root: ${JSON.stringify(root)} }).backends();` +
      'console.log(JSON.stringify({ isa: b.isa, threads: b.threads }))';
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, env: { ...process.env, ...env } }).toString());
  };

  it('INT8RT_NUM_THREADS sets the pool size', async () => {
    expect((await probe({ INT8RT_NUM_THREADS: '3' })).threads).toBe(3);
    expect((await probe({ INT8RT_NUM_THREADS: '1' })).threads).toBe(1);
  });

  it('INT8RT_ISA lowers the kernel ISA, and an ISA the CPU lacks is ignored', async () => {
    expect((await probe({ INT8RT_ISA: 'scalar' })).isa).toBe('scalar');
    const best = availableCpuIsas()[0];
    if (best !== 'avx512_vnni') expect((await probe({ INT8RT_ISA: 'avx512_vnni' })).isa).toBe(best);
  });
});
