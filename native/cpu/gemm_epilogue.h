// The GEMM epilogue on the CPU: accumulators of one output tile -> C, with the arithmetic that
// core/gemm_desc.h defines (shared with the CUDA backend so integer outputs agree exactly).
//
// Like gemm_driver.h, this header is compiled once per instruction set: each gemm_<isa>.cpp includes
// it after its `#pragma GCC target`, so everything here has internal linkage (anonymous namespace) and
// the ISA builds of these functions never merge.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/gemm_desc.h"
#include "core/half.h"
#include "cpu/gemm.h"

namespace int8rt::cpu {
namespace {

// Per-column constants computed once per call.
struct EpilogueColumns {
  std::vector<float> scale;         // int8: scaleA * scaleB[n]
  std::vector<int32_t> colSum;      // u8s8 kernels: sum_k B[k][n]; acc - 128 * colSum undoes the A + 128 shift
  const RowEpilogue* row = nullptr; // the caller's extra fp32 epilogue (gemmPacked)
  int64_t ldc = 0;                  // C's row stride in elements
};

inline int8_t requantize(float v, float outScale) {
  float r = std::nearbyint(v / outScale);  // default rounding mode: half to even
  if (!(r == r)) return 0;                 // NaN (only from a NaN bias) maps to 0
  return static_cast<int8_t>(r < -127.f ? -127.f : (r > 127.f ? 127.f : r));
}

// Writes the finished float values of C[m][n .. n+count) in the output type, with ReLU, then runs the
// caller's row epilogue on them while they are in L1.
inline void storeRow(const GemmDesc& d, const EpilogueColumns& cols, int64_t m, int64_t n, const float* v, int64_t count) {
  const int64_t index = m * cols.ldc + n;
  float* f32 = static_cast<float*>(d.C) + index;
  uint16_t* f16 = static_cast<uint16_t*>(d.C) + index;
  int8_t* s8 = static_cast<int8_t*>(d.C) + index;
  for (int64_t j = 0; j < count; ++j) {
    float x = d.relu && v[j] < 0.f ? 0.f : v[j];
    if (d.outType == DType::Float32) f32[j] = x;
    else if (d.outType == DType::Float16) f16[j] = floatToHalf(x);
    else s8[j] = requantize(x, d.outScale);
  }
  if (cols.row) cols.row->fn(cols.row->ctx, f32, m, n, count);
}

// Writes rows [m0, m0+rows) x cols [n0, n0+ncols) of C from float accumulators (row stride ldAcc).
// Float32 output (the fp32 engine's case) goes straight into C in one pass, bias and ReLU included, and the
// row epilogue then runs on the row segment just written: the same float operations per element as the
// buffered path below, without the copy through it.
inline void storeTile(const GemmDesc& d, const EpilogueColumns& cols, const float* acc, int64_t ldAcc,
                      int64_t m0, int64_t rows, int64_t n0, int64_t ncols) {
  if (d.outType == DType::Float32) {
    const float* bias = d.bias ? d.bias + n0 : nullptr;
    for (int64_t i = 0; i < rows; ++i) {
      const float* a = acc + i * ldAcc;
      float* c = static_cast<float*>(d.C) + (m0 + i) * cols.ldc + n0;
      if (bias && d.relu)
        for (int64_t j = 0; j < ncols; ++j) {
          const float x = a[j] + bias[j];
          c[j] = x < 0.f ? 0.f : x;
        }
      else if (bias)
        for (int64_t j = 0; j < ncols; ++j) c[j] = a[j] + bias[j];
      else if (d.relu)
        for (int64_t j = 0; j < ncols; ++j) {
          const float x = a[j] + 0.f;
          c[j] = x < 0.f ? 0.f : x;
        }
      else
        for (int64_t j = 0; j < ncols; ++j) c[j] = a[j] + 0.f;
      if (cols.row) cols.row->fn(cols.row->ctx, c, m0 + i, n0, ncols);
    }
    return;
  }
  float v[256];
  for (int64_t i = 0; i < rows; ++i) {
    const float* a = acc + i * ldAcc;
    for (int64_t j0 = 0; j0 < ncols; j0 += 256) {
      int64_t count = ncols - j0 < 256 ? ncols - j0 : 256;
      for (int64_t j = 0; j < count; ++j) v[j] = a[j0 + j] + (d.bias ? d.bias[n0 + j0 + j] : 0.f);
      storeRow(d, cols, m0 + i, n0 + j0, v, count);
    }
  }
}

// The same from int32 accumulators: exact int32 out, or dequantized with fma(acc, scale, bias).
inline void storeTile(const GemmDesc& d, const EpilogueColumns& cols, const int32_t* acc, int64_t ldAcc,
                      int64_t m0, int64_t rows, int64_t n0, int64_t ncols) {
  const int32_t* sum = cols.colSum.empty() ? nullptr : cols.colSum.data() + n0;
  float v[256];
  for (int64_t i = 0; i < rows; ++i) {
    const int32_t* a = acc + i * ldAcc;
    if (d.outType == DType::Int32) {
      int32_t* c = static_cast<int32_t*>(d.C) + (m0 + i) * cols.ldc + n0;
      for (int64_t j = 0; j < ncols; ++j) {
        int32_t x = sum ? a[j] - 128 * sum[j] : a[j];
        c[j] = d.relu && x < 0 ? 0 : x;
      }
      continue;
    }
    for (int64_t j0 = 0; j0 < ncols; j0 += 256) {
      int64_t count = ncols - j0 < 256 ? ncols - j0 : 256;
      for (int64_t j = 0; j < count; ++j) {
        int64_t n = n0 + j0 + j;
        int32_t x = sum ? a[j0 + j] - 128 * sum[j0 + j] : a[j0 + j];
        v[j] = std::fma(static_cast<float>(x), cols.scale[n], d.bias ? d.bias[n] : 0.f);
      }
      storeRow(d, cols, m0 + i, n0 + j0, v, count);
    }
  }
}

}  // namespace
}  // namespace int8rt::cpu
