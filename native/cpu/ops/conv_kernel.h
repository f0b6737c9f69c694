// The Conv kernel's shape logic and fp32 run, shared with the int8 Conv (conv_int8.cpp), which
// differs only in its weight type, workspace and GEMM; and the im2col both of them unfold with.
#pragma once
#include <algorithm>
#include <vector>

#include "cpu/gemm.h"
#include "cpu/ops/activation.h"
#include "cpu/ops/conv_geometry.h"
#include "engine/op_kernel.h"

namespace int8rt::cpu::ops {

// Unfolds one group of one image into col[cg·kh·kw, oh·ow] (T: float, or int8 for quantized inputs);
// with oy0 / oy1, only the output rows [oy0, oy1): col[cg·kh·kw, (oy1 − oy0)·ow].
template <class T>
void im2col(const T* x, T* col, const ConvGeometry& g, int64_t oy0 = 0, int64_t oy1 = -1) {
  if (oy1 < 0) oy1 = g.oh;
  const int64_t kh = g.y.kernel, kw = g.x.kernel, ohw = (oy1 - oy0) * g.ow;
  parallelRange(g.kernelSize(), std::max<int64_t>(1, 8192 / std::max<int64_t>(ohw, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t ci = r / (kh * kw), ky = r / kw % kh, kx = r % kw;
      const T* plane = x + ci * g.h * g.w;
      T* out = col + r * ohw;
      // The outputs [lo, hi) whose column ox·stride − pad + kx·dilation falls inside the input.
      const int64_t sx = g.x.stride, shift = kx * g.x.dilation - g.x.padBegin;
      const int64_t lo = std::min(g.ow, shift >= 0 ? 0 : (-shift + sx - 1) / sx);
      const int64_t hi = std::clamp<int64_t>(g.w - shift <= 0 ? 0 : (g.w - shift + sx - 1) / sx, lo, g.ow);
      for (int64_t oy = oy0; oy < oy1; ++oy) {
        const int64_t iy = oy * g.y.stride - g.y.padBegin + ky * g.y.dilation;
        T* row = out + (oy - oy0) * g.ow;
        if (iy < 0 || iy >= g.h) {
          std::fill(row, row + g.ow, T(0));
          continue;
        }
        const T* src = plane + iy * g.w + shift;
        std::fill(row, row + lo, T(0));
        if (sx == 1) std::copy(src + lo, src + hi, row + lo);
        else
          for (int64_t ox = lo; ox < hi; ++ox) row[ox] = src[ox * sx];
        std::fill(row + hi, row + g.ow, T(0));
      }
    }
  });
}

class ConvKernel : public engine::OpKernel {
 public:
  // weightType: the dtype W must have (Float32, or Int8 for the int8 Conv, which packs its own).
  explicit ConvKernel(const engine::KernelContext& c, DType weightType = DType::Float32);

  ConvGeometry geometry(const Shape& x, const Shape& w) const;
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override;
  size_t workspaceBytes(const std::vector<const TensorInfo*>& in, const std::vector<TensorInfo>& out) const override;
  void run(const engine::RunContext& ctx, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override;

 protected:
  engine::Attributes attrs_;
  engine::FusedActivation act_;
  int64_t groups_ = 1;
  DType weightType_;

 private:
  void packWeights(const Tensor& w);
  std::vector<PackedA> packed_;  // one packed A [mg, cg·kh·kw] per group; the weight stays the fallback
};

}  // namespace int8rt::cpu::ops
