// The GEMM epilogue, written once for every CUDA kernel so the arithmetic matches GemmDesc (and the CPU
// backend) bit for bit:
//   int8 inputs → Int32:    relu ? max(acc, 0) : acc
//   int8 inputs → others:   v = fmaf(float(acc), scaleA * scaleB[n], bias[n]), then relu
//   float inputs:           v = acc + bias[n], then relu
//   → Float16: round to nearest even;  → Int8: clamp(round_half_even(v / outScale), -127, 127)
// The explicit __fmul_rn/__fadd_rn/__fdiv_rn keep nvcc from contracting or approximating (also under
// --use_fast_math).
#pragma once
#include <cuda_fp16.h>

#include <cstdint>

namespace int8rt::cuda {

struct Epilogue {
  void* C = nullptr;              // device [M,N] row-major, element type = the kernel's OutT
  int M = 0, N = 0;
  const float* bias = nullptr;    // device [N] or nullptr (adds 0)
  const float* scaleB = nullptr;  // device [N] or nullptr (use scaleBScalar); int8 inputs only
  float scaleA = 1.0f, scaleBScalar = 1.0f, outScale = 1.0f;
  bool relu = false;
};

// What the epilogue needs of one output column, loaded once and reused for every row a thread owns.
struct EpiColumn {
  float scale;  // scaleA * scaleB[n] (int accumulators only)
  float bias;
};

// Columns past N (tile edges) get neutral values; their outputs are never stored.
__device__ __forceinline__ EpiColumn epiColumn(const Epilogue& e, int n, bool intAcc) {
  EpiColumn c;
  if (n >= e.N) {
    c.scale = 1.0f;
    c.bias = 0.0f;
    return c;
  }
  c.bias = e.bias ? e.bias[n] : 0.0f;
  c.scale = intAcc ? __fmul_rn(e.scaleA, e.scaleB ? e.scaleB[n] : e.scaleBScalar) : 1.0f;
  return c;
}

// Accumulator → float value before the output conversion (relu included).
__device__ __forceinline__ float epiValue(int acc, const EpiColumn& c, bool relu) {
  const float v = fmaf(__int2float_rn(acc), c.scale, c.bias);
  return relu && v < 0.0f ? 0.0f : v;  // like the CPU: NaN passes through, -0 stays
}
__device__ __forceinline__ float epiValue(float acc, const EpiColumn& c, bool relu) {
  const float v = __fadd_rn(acc, c.bias);
  return relu && v < 0.0f ? 0.0f : v;  // like the CPU: NaN passes through, -0 stays
}

__device__ __forceinline__ int8_t requantize(float v, float outScale) {
  int q = __float2int_rn(__fdiv_rn(v, outScale));  // round half to even; NaN → 0, ±inf saturate
  q = q < -127 ? -127 : (q > 127 ? 127 : q);
  return static_cast<int8_t>(q);
}

// One output element. OutT is the C element type; Acc is int (int8 inputs) or float (float inputs).
template <typename OutT> struct EpiOut;

template <> struct EpiOut<float> {
  template <typename Acc>
  __device__ __forceinline__ static float apply(Acc acc, const EpiColumn& c, const Epilogue& e) {
    return epiValue(acc, c, e.relu);
  }
};
template <> struct EpiOut<__half> {
  template <typename Acc>
  __device__ __forceinline__ static __half apply(Acc acc, const EpiColumn& c, const Epilogue& e) {
    return __float2half_rn(epiValue(acc, c, e.relu));
  }
};
template <> struct EpiOut<int8_t> {
  template <typename Acc>
  __device__ __forceinline__ static int8_t apply(Acc acc, const EpiColumn& c, const Epilogue& e) {
    return requantize(epiValue(acc, c, e.relu), e.outScale);
  }
};
template <> struct EpiOut<int32_t> {  // int8 inputs only: exact, no float round trip
  __device__ __forceinline__ static int32_t apply(int acc, const EpiColumn&, const Epilogue& e) {
    return e.relu ? max(acc, 0) : acc;
  }
};

template <typename OutT> struct Pair2;  // two adjacent outputs stored with one instruction
template <> struct Pair2<float> { using T = float2; };
template <> struct Pair2<__half> { using T = __half2; };
template <> struct Pair2<int8_t> { using T = char2; };
template <> struct Pair2<int32_t> { using T = int2; };

// Stores columns n and n+1 of row m (v0, v1); either may lie outside N. The paired store needs an even N
// (then m*N + n is even, since n is always even here, and the address is aligned to the pair).
template <typename OutT, typename Acc>
__device__ __forceinline__ void epiStorePair(const Epilogue& e, int m, int n, Acc v0, Acc v1,
                                             const EpiColumn& c0, const EpiColumn& c1) {
  OutT* row = static_cast<OutT*>(e.C) + static_cast<int64_t>(m) * e.N;
  if (n + 1 < e.N) {
    const OutT o0 = EpiOut<OutT>::apply(v0, c0, e);
    const OutT o1 = EpiOut<OutT>::apply(v1, c1, e);
    if ((e.N & 1) == 0) {
      typename Pair2<OutT>::T p;
      p.x = o0;
      p.y = o1;
      *reinterpret_cast<typename Pair2<OutT>::T*>(row + n) = p;
    } else {
      row[n] = o0;
      row[n + 1] = o1;
    }
  } else if (n < e.N) {
    row[n] = EpiOut<OutT>::apply(v0, c0, e);
  }
}

}  // namespace int8rt::cuda
