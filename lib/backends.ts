/** What the addon runs on: the CPU ISA dispatched, the thread count, and the CUDA devices (or null). */
import { native } from './native.js';
import { Int8rtError } from './errors.js';

export interface CudaDevice {
  name: string;
  computeCapability: [number, number];
  memoryBytes: number;
}

export interface Backends {
  cpu: { isa: string; threads: number };
  cuda: null | { devices: CudaDevice[] };
  /** Whether this build contains CUDA kernels at all (nvcc was found at install time). */
  cudaCompiled: boolean;
}

export function backends(): Backends {
  const b = native.backends();
  return {
    cpu: { isa: b.isa, threads: b.threads },
    cuda: b.cudaDevices ? { devices: b.cudaDevices } : null,
    cudaCompiled: b.cudaCompiled,
  };
}

export type Device = 'cpu' | 'cuda';

/** Resolves a requested device: default CUDA when present; asking for CUDA without one is an error. */
export function resolveDevice(requested: unknown): Device {
  if (requested === undefined) return native.backends().cudaDevices ? 'cuda' : 'cpu';
  if (requested === 'cpu') return 'cpu';
  if (requested === 'cuda') {
    const b = native.backends();
    if (!b.cudaDevices)
      throw new Int8rtError('ERR_NO_CUDA', b.cudaCompiled
        ? "device 'cuda' was requested but no CUDA device is available (no GPU or no driver)"
        : "device 'cuda' was requested but this build of int8rt has no CUDA kernels (nvcc was not found at install)");
    return 'cuda';
  }
  throw new Int8rtError('ERR_INVALID_ARG', `Expected 'cpu' or 'cuda' for device but received ${JSON.stringify(requested)}`);
}

/** Test/benchmark hook: run CPU kernels with a lower ISA than the CPU has (e.g. 'avx2', 'scalar'). */
export function setCpuIsa(isa: string): boolean {
  return native.setIsa(isa);
}

/** Instruction sets the CPU kernels can be switched to on this machine (best first). */
export function availableCpuIsas(): string[] {
  const detected = native.backends().detectedIsa;
  const order: Record<string, string[]> = {
    avx512_vnni: ['avx512_vnni', 'avx512', 'avx2', 'scalar'],
    avx512: ['avx512', 'avx2', 'scalar'],
    avx_vnni: ['avx_vnni', 'avx2', 'scalar'],
    avx2: ['avx2', 'scalar'],
    scalar: ['scalar'],
  };
  return order[detected] ?? ['scalar'];
}
