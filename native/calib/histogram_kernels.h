// The per-element work of Histogram::observe, one implementation per ISA (histogram_scalar.cpp,
// histogram_avx2.cpp); both give identical results. Called through histogramKernels().
#pragma once
#include <cstdint>

namespace int8rt::calib {

struct HistogramKernels {
  // Largest finite |x| as its bit pattern (for non-negative IEEE values integer order is value
  // order) and the number of NaN / ±Inf values. float16 patterns are half bits.
  uint32_t (*scanF32)(const float* x, int64_t n, int64_t* nonFinite);
  uint32_t (*scanF16)(const uint16_t* x, int64_t n, int64_t* nonFinite);
  // idx[k] = floor(|x[k]| * invWidth), or nbins (the discard slot) for NaN / ±Inf / out of range.
  // invWidth is a power of two, so the product is exact and the bin depends only on x and the width.
  void (*indicesF32)(const float* x, int64_t n, float invWidth, uint32_t nbins, uint32_t* idx);
  void (*indicesF16)(const uint16_t* x, int64_t n, float invWidth, uint32_t nbins, uint32_t* idx);
};

const HistogramKernels& histogramKernelsScalar();
const HistogramKernels& histogramKernelsAvx2();
// The kernels for the active ISA (cpu_features.h), looked up on every call so setIsa() takes effect.
const HistogramKernels& histogramKernels();

}  // namespace int8rt::calib
