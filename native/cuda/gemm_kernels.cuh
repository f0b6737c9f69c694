// Internal interface between gemm_dispatch.cu (memory, layout, launch decisions) and the kernel files.
// Every launcher enqueues on `stream` and returns; errors in the launch configuration throw.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "../core/dtype.h"
#include "gemm_epilogue.cuh"

namespace int8rt::cuda {

// Tensor Core operands in the canonical mma row.col layout, both K-contiguous:
//   A [M, ld] and B [N, ld] with ld = kBytes bytes per row, kBytes = K·elemSize rounded up to 16 (the padding
//   holds zeros) and every row 16-byte aligned. Rows past M/N and bytes past kBytes are never read.
struct TcOperands {
  const void* A = nullptr;
  const void* B = nullptr;
  int M = 0, N = 0;
  int kBytes = 0;
};

// Plain fp32 operands, as the user laid them out: A(m,k) = transA ? A[k·M + m] : A[m·K + k],
// B(k,n) = transB ? B[n·K + k] : B[k·N + n].
struct F32Operands {
  const float* A = nullptr;
  const float* B = nullptr;
  int M = 0, N = 0, K = 0;
  bool transA = false, transB = false;
};

// outType: Int32 | Float32 | Float16 | Int8.
void launchGemmS8(const TcOperands& op, const Epilogue& e, DType outType, cudaStream_t stream);
// outType: Float32 | Float16 | Int8.
void launchGemmF16(const TcOperands& op, const Epilogue& e, DType outType, cudaStream_t stream);
void launchGemmF32(const F32Operands& op, const Epilogue& e, DType outType, cudaStream_t stream);

// Canonicalizes one Tensor Core operand: dst[r, c] (rows × ldElems, row-major) = src(r, c) for c < K, 0 in
// the padding c ≥ K. src(r, c) = transposed ? src[c·rows + r] : src[r·K + c]. elemBytes is 1 or 2 (bits are
// copied, so int8 and fp16 share it).
void launchPackOperand(const void* src, void* dst, int rows, int K, int ldElems, bool transposed, int elemBytes,
                       cudaStream_t stream);

}  // namespace int8rt::cuda
