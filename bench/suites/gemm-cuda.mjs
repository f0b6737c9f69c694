// CUDA GEMM, kernel only (bench/lib/cuda-gemm.mjs): our int8 and fp16 Tensor Core kernels with TOP/s and the
// int8/fp16 ratio. Only where a CUDA device is present; the comparison with cuBLAS is bench/gpu.mjs.
import { backends } from '../../dist/index.js';
import { measureCudaGemm } from '../lib/cuda-gemm.mjs';
import { fmt, fmtRatio, printTable } from '../lib/table.mjs';

export const name = 'gemm-cuda';

export async function run({ quick }) {
  const cuda = backends().cuda;
  if (!cuda) {
    console.log('\ngemm-cuda: no CUDA device: skipped');
    return null;
  }
  const card = cuda.devices[0].name;
  const { iterations, rounds, rows } = await measureCudaGemm({ quick });
  printTable(['shape (MxNxK)', 'int8 ms', 'int8 TOP/s', 'fp16 ms', 'fp16 TFLOP/s', 'int8 / fp16'],
    rows.map((r) => [r.shape, fmt(r.int8.ms.median), fmt(r.int8.tops), fmt(r.fp16.ms.median), fmt(r.fp16.tops), fmtRatio(r.ratio)]),
    `CUDA GEMM kernels on ${card}: median of ${rounds} slices of ${iterations} runs, L2 flushed before each run`);
  return { suite: name, date: new Date().toISOString(), card, iterations, rounds, results: rows };
}
