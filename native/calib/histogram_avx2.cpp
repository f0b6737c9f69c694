// AVX2 + F16C histogram kernels (only called when cpu_features reports AVX2). Same results as
// histogram_scalar.cpp: integer max over |x| bit patterns, exact power-of-two scaling, truncation.
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "calib/histogram_kernels.h"
#include "core/half.h"

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")

namespace int8rt::calib {
namespace {

int64_t sumLanes32(__m256i v) {
  alignas(32) int32_t l[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(l), v);
  int64_t s = 0;
  for (int32_t x : l) s += x;
  return s;
}

uint32_t maxLanes32(__m256i v) {
  alignas(32) uint32_t l[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(l), v);
  uint32_t m = 0;
  for (uint32_t x : l) m = x > m ? x : m;
  return m;
}

// Non-finite lanes are counted (cmpgt gives -1, subtracted) and masked out of the max.
uint32_t scanF32(const float* x, int64_t n, int64_t* nonFinite) {
  const __m256i absMask = _mm256_set1_epi32(0x7fffffff), maxFinite = _mm256_set1_epi32(0x7f7fffff);
  __m256i m0 = _mm256_setzero_si256(), m1 = m0, bad = m0;
  int64_t k = 0, badTotal = 0;
  while (k + 16 <= n) {
    int64_t end = n - k > (int64_t{1} << 28) ? k + (int64_t{1} << 28) : n;  // int32 lane counters
    for (; k + 16 <= end; k += 16) {
      __m256i a0 = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + k)), absMask);
      __m256i a1 = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + k + 8)), absMask);
      __m256i b0 = _mm256_cmpgt_epi32(a0, maxFinite), b1 = _mm256_cmpgt_epi32(a1, maxFinite);
      m0 = _mm256_max_epi32(m0, _mm256_andnot_si256(b0, a0));
      m1 = _mm256_max_epi32(m1, _mm256_andnot_si256(b1, a1));
      bad = _mm256_sub_epi32(bad, _mm256_add_epi32(b0, b1));
    }
    badTotal += sumLanes32(bad);
    bad = _mm256_setzero_si256();
  }
  uint32_t best = maxLanes32(_mm256_max_epi32(m0, m1));
  for (; k < n; ++k) {
    uint32_t a;
    std::memcpy(&a, x + k, 4);
    a &= 0x7fffffffu;
    if (a >= 0x7f800000u) ++badTotal;
    else if (a > best) best = a;
  }
  *nonFinite = badTotal;
  return best;
}

uint32_t scanF16(const uint16_t* x, int64_t n, int64_t* nonFinite) {
  const __m256i absMask = _mm256_set1_epi16(0x7fff), maxFinite = _mm256_set1_epi16(0x7bff);
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i m = _mm256_setzero_si256(), bad16 = m, bad32 = m;
  int64_t k = 0, badTotal = 0;
  while (k + 16 <= n) {
    int64_t end = n - k > (int64_t{1} << 18) ? k + (int64_t{1} << 18) : n;  // int16 lane counters
    for (; k + 16 <= end; k += 16) {
      __m256i a = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + k)), absMask);
      __m256i b = _mm256_cmpgt_epi16(a, maxFinite);
      m = _mm256_max_epi16(m, _mm256_andnot_si256(b, a));
      bad16 = _mm256_sub_epi16(bad16, b);
    }
    bad32 = _mm256_add_epi32(bad32, _mm256_madd_epi16(bad16, ones));
    bad16 = _mm256_setzero_si256();
    badTotal += sumLanes32(bad32);
    bad32 = _mm256_setzero_si256();
  }
  alignas(32) uint16_t l[16];
  _mm256_store_si256(reinterpret_cast<__m256i*>(l), m);
  uint32_t best = 0;
  for (uint16_t v : l) best = v > best ? v : best;
  for (; k < n; ++k) {
    uint32_t a = x[k] & 0x7fffu;
    if (a >= 0x7c00u) ++badTotal;
    else if (a > best) best = a;
  }
  *nonFinite = badTotal;
  return best;
}

inline uint32_t binOf(float v, float invWidth, uint32_t nbins) {
  float a = std::fabs(v) * invWidth;
  return a < static_cast<float>(nbins) ? static_cast<uint32_t>(a) : nbins;
}

// cvttps gives 0x80000000 for NaN / huge values; the unsigned min sends those to the discard slot.
inline __m256i binOf8(__m256 v, __m256 inv, __m256i nb) {
  __m256 a = _mm256_mul_ps(_mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))), inv);
  return _mm256_min_epu32(_mm256_cvttps_epi32(a), nb);
}

void indicesF32(const float* x, int64_t n, float invWidth, uint32_t nbins, uint32_t* idx) {
  const __m256 inv = _mm256_set1_ps(invWidth);
  const __m256i nb = _mm256_set1_epi32(static_cast<int>(nbins));
  int64_t k = 0;
  for (; k + 8 <= n; k += 8)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(idx + k), binOf8(_mm256_loadu_ps(x + k), inv, nb));
  for (; k < n; ++k) idx[k] = binOf(x[k], invWidth, nbins);
}

void indicesF16(const uint16_t* x, int64_t n, float invWidth, uint32_t nbins, uint32_t* idx) {
  const __m256 inv = _mm256_set1_ps(invWidth);
  const __m256i nb = _mm256_set1_epi32(static_cast<int>(nbins));
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) {
    __m256 v = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + k)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(idx + k), binOf8(v, inv, nb));
  }
  for (; k < n; ++k) idx[k] = binOf(halfToFloat(x[k]), invWidth, nbins);
}

}  // namespace

const HistogramKernels& histogramKernelsAvx2() {
  static const HistogramKernels k{scanF32, scanF16, indicesF32, indicesF16};
  return k;
}

}  // namespace int8rt::calib

#pragma GCC pop_options
