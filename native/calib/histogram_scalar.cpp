// Portable histogram kernels: the reference the AVX2 path must match, and the fallback.
#include <cmath>
#include <cstring>

#include "calib/histogram_kernels.h"
#include "core/cpu_features.h"
#include "core/half.h"

namespace int8rt::calib {

namespace {

uint32_t floatBits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

uint32_t scanF32(const float* x, int64_t n, int64_t* nonFinite) {
  uint32_t best = 0;
  int64_t bad = 0;
  for (int64_t k = 0; k < n; ++k) {
    uint32_t a = floatBits(x[k]) & 0x7fffffffu;
    if (a >= 0x7f800000u) ++bad;
    else if (a > best) best = a;
  }
  *nonFinite = bad;
  return best;
}

uint32_t scanF16(const uint16_t* x, int64_t n, int64_t* nonFinite) {
  uint32_t best = 0;
  int64_t bad = 0;
  for (int64_t k = 0; k < n; ++k) {
    uint32_t a = x[k] & 0x7fffu;
    if (a >= 0x7c00u) ++bad;
    else if (a > best) best = a;
  }
  *nonFinite = bad;
  return best;
}

inline uint32_t binOf(float v, float invWidth, uint32_t nbins) {
  float a = std::fabs(v) * invWidth;
  return a < static_cast<float>(nbins) ? static_cast<uint32_t>(a) : nbins;  // NaN compares false
}

void indicesF32(const float* x, int64_t n, float invWidth, uint32_t nbins, uint32_t* idx) {
  for (int64_t k = 0; k < n; ++k) idx[k] = binOf(x[k], invWidth, nbins);
}

void indicesF16(const uint16_t* x, int64_t n, float invWidth, uint32_t nbins, uint32_t* idx) {
  for (int64_t k = 0; k < n; ++k) idx[k] = binOf(halfToFloat(x[k]), invWidth, nbins);
}

}  // namespace

const HistogramKernels& histogramKernelsScalar() {
  static const HistogramKernels k{scanF32, scanF16, indicesF32, indicesF16};
  return k;
}

const HistogramKernels& histogramKernels() {
  if (isaIncludes(activeIsa(), Isa::Avx2)) return histogramKernelsAvx2();
  return histogramKernelsScalar();
}

}  // namespace int8rt::calib
