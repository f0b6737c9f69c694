import { afterAll, describe } from 'vitest';
import { availableCpuIsas, setCpuIsa } from '../../lib/index.js';
import { defineGemmCases } from '../helpers/gemm-cases.js';
import { beforeAll } from 'vitest';

// Every CPU kernel this machine can run (e.g. avx512_vnni, avx512, avx2, scalar), each against the reference.
const isas = availableCpuIsas();
afterAll(() => setCpuIsa(isas[0]!));

for (const isa of isas) {
  describe(`CPU gemm, ${isa} kernels`, () => {
    beforeAll(() => {
      if (!setCpuIsa(isa)) throw new Error(`cannot switch to ${isa}`);
    });
    defineGemmCases('cpu', isa);
  });
}
