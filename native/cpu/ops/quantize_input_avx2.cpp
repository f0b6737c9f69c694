// AVX2 body of quantizeInput: 32 floats → 32 int8 per step (divide, round to nearest even, clamp,
// then two saturating packs whose lane interleave one permute undoes).
#include <immintrin.h>

#include "cpu/ops/quantize_input.h"

#pragma GCC push_options
#pragma GCC target("avx2")

namespace int8rt::cpu::ops {

namespace {

inline __m256i quantize8(const float* x, __m256 s, __m256 lo, __m256 hi) {
  __m256 v = _mm256_round_ps(_mm256_div_ps(_mm256_loadu_ps(x), s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  return _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(v, lo), hi));
}

}  // namespace

void quantizeInputAvx2(const float* x, int8_t* q, int64_t n, float scale) {
  const __m256 s = _mm256_set1_ps(scale), lo = _mm256_set1_ps(-127.0f), hi = _mm256_set1_ps(127.0f);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i ab = _mm256_packs_epi32(quantize8(x + i, s, lo, hi), quantize8(x + i + 8, s, lo, hi));
    const __m256i cd = _mm256_packs_epi32(quantize8(x + i + 16, s, lo, hi), quantize8(x + i + 24, s, lo, hi));
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(ab, cd), order);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + i), bytes);
  }
  quantizeInputScalar(x + i, q + i, n - i, scale);
}

}  // namespace int8rt::cpu::ops

#pragma GCC pop_options
