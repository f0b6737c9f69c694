// AVX2 + FMA depthwise Conv, vectorized over the output width. Each input plane is first rewritten as
// zero-padded "phase rows": phase q of input row iy holds padded columns q, q+s, q+2s, … (s = stride),
// so every kernel tap reads a contiguous run of inputs for consecutive outputs, whatever the stride,
// dilation or pads. A row of outputs is then blocks of 8-wide FMAs over the taps, kept in registers.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/thread_pool.h"
#include "cpu/ops/activation.h"
#include "cpu/ops/conv_depthwise.h"

#pragma GCC push_options
#pragma GCC target("avx2,fma")

namespace int8rt::cpu::ops {

namespace {

struct Tap {
  const float* row;  // phase row, already offset by the tap's column shift
  float weight;
};

// Writes the phase rows of one input plane into ph[h][stride][pw].
void preparePlane(const float* plane, float* ph, const ConvGeometry& g, int64_t pw) {
  const int64_t s = g.x.stride, pad = g.x.padBegin;
  for (int64_t iy = 0; iy < g.h; ++iy) {
    const float* src = plane + iy * g.w;
    for (int64_t q = 0; q < s; ++q) {
      float* dst = ph + (iy * s + q) * pw;
      // Column j holds padded column j·s + q, i.e. input column j·s + q − pad when that is in [0, w).
      const int64_t lo = std::clamp<int64_t>((pad - q + s - 1) / s, 0, pw);
      const int64_t hi = std::clamp<int64_t>((g.w + pad - q + s - 1) / s, lo, pw);
      std::fill(dst, dst + lo, 0.0f);
      const float* from = src + lo * s + q - pad;
      if (s == 1) std::copy(from, from + (hi - lo), dst + lo);
      else
        for (int64_t j = lo; j < hi; ++j) dst[j] = from[(j - lo) * s];
      std::fill(dst + hi, dst + pw, 0.0f);
    }
  }
}

// V vectors of outputs starting at column ox: bias + Σ taps.
template <int V>
inline void block(const Tap* taps, size_t count, __m256 b, int64_t ox, __m256* acc) {
  for (int v = 0; v < V; ++v) acc[v] = b;
  for (size_t t = 0; t < count; ++t) {
    const __m256 w = _mm256_set1_ps(taps[t].weight);
    const float* r = taps[t].row + ox;
    for (int v = 0; v < V; ++v) acc[v] = _mm256_fmadd_ps(_mm256_loadu_ps(r + 8 * v), w, acc[v]);
  }
}

void outputRow(const Tap* taps, size_t count, float bias, float* out, int64_t ow) {
  const __m256 b = _mm256_set1_ps(bias);
  __m256 acc[4];
  int64_t ox = 0;
  for (; ox + 32 <= ow; ox += 32) {
    block<4>(taps, count, b, ox, acc);
    for (int v = 0; v < 4; ++v) _mm256_storeu_ps(out + ox + 8 * v, acc[v]);
  }
  for (; ox + 8 <= ow; ox += 8) {
    block<1>(taps, count, b, ox, acc);
    _mm256_storeu_ps(out + ox, acc[0]);
  }
  if (ox < ow) {  // the phase rows are wide enough for a full last vector; store only its live lanes
    block<1>(taps, count, b, ox, acc);
    const __m256i live = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(ow - ox)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(out + ox, live, acc[0]);
  }
}

}  // namespace

void depthwiseConvAvx2(const float* x, const float* wt, const float* bias, float* y, const ConvGeometry& g,
                       const FusedActivation& act) {
  const int64_t kh = g.y.kernel, kw = g.x.kernel, s = g.x.stride;
  // Wide enough that the last (rounded up) output vector's furthest tap stays inside the row.
  const int64_t pw = (g.ow + 7) / 8 * 8 + (kw - 1) * g.x.dilation / s;
  parallelRange(g.n * g.m, 1, [&](int64_t begin, int64_t end) {
    thread_local AlignedBuffer buffer;
    float* ph = buffer.get<float>(static_cast<size_t>(g.h * s * pw));
    std::vector<Tap> taps;
    const float* prepared = nullptr;
    for (int64_t p = begin; p < end; ++p) {
      const int64_t oc = p % g.m, ic = oc / g.mg;
      const float* plane = x + (p / g.m * g.c + ic) * g.h * g.w;
      if (plane != prepared) preparePlane(plane, ph, g, pw), prepared = plane;  // reused by a channel multiplier
      const float* k = wt + oc * kh * kw;
      float* out = y + p * g.oh * g.ow;
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        taps.clear();
        for (int64_t ky = 0; ky < kh; ++ky) {
          const int64_t iy = oy * g.y.stride - g.y.padBegin + ky * g.y.dilation;
          if (iy < 0 || iy >= g.h) continue;  // rows of padding add nothing
          for (int64_t kx = 0; kx < kw; ++kx) {
            const int64_t shift = kx * g.x.dilation;
            taps.push_back({ph + (iy * s + shift % s) * pw + shift / s, k[ky * kw + kx]});
          }
        }
        float* row = out + oy * g.ow;
        outputRow(taps.data(), taps.size(), bias ? bias[oc] : 0.0f, row, g.ow);
        activateSpan(act, row, row, g.ow);
      }
    }
  });
}

}  // namespace int8rt::cpu::ops

#pragma GCC pop_options
