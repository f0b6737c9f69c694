// Depthwise Conv: the portable direct kernel and the run-time choice of kernel.
#include "cpu/ops/conv_depthwise.h"

#include "core/cpu_features.h"
#include "cpu/ops/activation.h"

namespace int8rt::cpu::ops {

// One output plane per (image, channel); the epilogue is applied as each plane is written.
void depthwiseConvScalar(const float* x, const float* wt, const float* bias, float* y, const ConvGeometry& g,
                         const FusedActivation& act) {
  const int64_t kh = g.y.kernel, kw = g.x.kernel;
  parallelRange(g.n * g.m, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t oc = p % g.m, ic = oc / g.mg;
      const float* plane = x + (p / g.m * g.c + ic) * g.h * g.w;
      const float* k = wt + oc * kh * kw;
      float* out = y + p * g.oh * g.ow;
      const float b = bias ? bias[oc] : 0.0f;
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          float s = b;
          for (int64_t ky = 0; ky < kh; ++ky) {
            const int64_t iy = oy * g.y.stride - g.y.padBegin + ky * g.y.dilation;
            if (iy < 0 || iy >= g.h) continue;
            for (int64_t kx = 0; kx < kw; ++kx) {
              const int64_t ix = ox * g.x.stride - g.x.padBegin + kx * g.x.dilation;
              if (ix >= 0 && ix < g.w) s += plane[iy * g.w + ix] * k[ky * kw + kx];
            }
          }
          out[oy * g.ow + ox] = s;
        }
      }
      activateSpan(act, out, out, g.oh * g.ow);
    }
  });
}

void depthwiseConv(const float* x, const float* wt, const float* bias, float* y, const ConvGeometry& g,
                   const FusedActivation& act) {
  if (isaIncludes(activeIsa(), Isa::Avx2)) return depthwiseConvAvx2(x, wt, bias, y, g, act);
  depthwiseConvScalar(x, wt, bias, y, g, act);
}

}  // namespace int8rt::cpu::ops
