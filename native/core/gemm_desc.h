// One GEMM call, described independently of the backend that runs it:
//   C[M,N] = epilogue(op(A)[M,K] · op(B)[K,N])
// A is stored [M,K] row-major, or [K,M] when transA; B is [K,N], or [N,K] when transB. All dense.
//
// Epilogue (the same arithmetic on every backend, so results agree bit for bit where integers are involved):
//   int8 inputs, outType Int32:   C = relu? max(acc, 0) : acc                       (exact)
//   int8 inputs, other outTypes:  v = fmaf(float(acc), scaleA * scaleB[n], bias[n])  then relu
//   float inputs:                 v = acc + bias[n]                                   then relu
//   outType Float32 / Float16:    C = v  (float16 rounded to nearest even)
//   outType Int8:                 C = clamp(round_half_even(v / outScale), -127, 127)
#pragma once
#include <cstdint>

#include "dtype.h"

namespace int8rt {

struct GemmDesc {
  int64_t M = 0, N = 0, K = 0;
  bool transA = false, transB = false;
  DType inType = DType::Float32;   // Float32, Float16 or Int8; A and B share it
  DType outType = DType::Float32;  // Int32 (int8 only), Float32, Float16, Int8
  const void* A = nullptr;         // host memory
  const void* B = nullptr;
  void* C = nullptr;               // [M,N] row-major, host memory
  const float* bias = nullptr;     // [N] or nullptr
  float scaleA = 1.0f;             // int8 inputs: dequantization scale of A
  const float* scaleB = nullptr;   // int8 inputs: per-column scales [N], or nullptr to use scaleBScalar
  float scaleBScalar = 1.0f;
  float outScale = 1.0f;           // outType Int8: requantization scale
  bool relu = false;

  float columnScale(int64_t n) const { return scaleA * (scaleB ? scaleB[n] : scaleBScalar); }
};

}  // namespace int8rt
