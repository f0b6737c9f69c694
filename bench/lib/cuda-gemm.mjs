// Kernel-only CUDA GEMM timings through the addon's benchmark hook (native.cudaBenchmarkGemm): operands stay
// on the device, so the host↔device copies of gemm() are not timed. Shared by the gemm-cuda suite and
// bench/gpu.mjs.
import { native } from '../../dist/native.js';
import { dtypeCode } from '../../dist/tensor.js';
import { interleave, summarize } from './interleave.mjs';

export const CUDA_SHAPES = [
  { m: 4096, n: 4096, k: 4096 },
  { m: 8192, n: 8192, k: 8192 },
  { m: 8, n: 8192, k: 8192 }, // skinny: decode-style, bound by reading B
];

// B is given as [N, K] (transB, the usual weight layout), so no per-call transpose is timed; torch's side
// uses the same memory layout (a column-major [K, N] view).
function desc({ m, n, k }, type) {
  return {
    m, n, k, transA: false, transB: true,
    inType: dtypeCode(type), outType: dtypeCode(type === 'int8' ? 'int32' : 'float16'),
    scaleA: 1, scaleB: 1, outScale: 1, relu: false, cuda: true, async: true,
  };
}

/**
 * Our int8 (→ int32) and fp16 (→ fp16) kernels at each shape. A slice is one benchmarkGemm call (its own
 * warm-up, then the median of `iterations` runs, L2 flushed before each, random device operands); int8 and
 * fp16 slices alternate for `rounds` rounds. Returns per shape { shape, m, n, k, int8, fp16: { ms, tops },
 * ratio: int8 speed over fp16 }, ms and ratio as summarize() gives them.
 */
export async function measureCudaGemm({ quick = false, shapes = CUDA_SHAPES } = {}) {
  const iterations = quick ? 5 : 20;
  const timing = { rounds: quick ? 2 : 5, sliceMs: 0, warmupMs: 0 };
  const rows = [];
  for (const shape of shapes) {
    const contenders = {
      int8: { measure: () => native.cudaBenchmarkGemm(desc(shape, 'int8'), null, null, iterations) },
      fp16: { measure: () => native.cudaBenchmarkGemm(desc(shape, 'float16'), null, null, iterations) },
    };
    const { times, ratios } = await interleave(contenders, [['int8', 'fp16']], timing);
    const ops = 2 * shape.m * shape.n * shape.k;
    const row = { shape: `${shape.m}x${shape.n}x${shape.k}`, ...shape, ratio: summarize(ratios['int8/fp16']) };
    for (const [c, t] of Object.entries(times)) {
      const ms = summarize(t);
      row[c] = { ms, tops: ops / (ms.median * 1e9) };
    }
    rows.push(row);
  }
  return { iterations, rounds: timing.rounds, rows };
}
