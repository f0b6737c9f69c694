// MaxPool, AveragePool (1-D and 2-D windows) and GlobalAveragePool / GlobalMaxPool.
#include <cmath>
#include <limits>

#include "cpu/ops/window.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

class PoolKernel : public OpKernel {
 public:
  PoolKernel(const KernelContext& c, bool max) : attrs_(c.attributes), max_(max) {
    if (c.node.outputs.size() > 1)
      throw Error(ErrorCode::UnsupportedOp, "MaxPool with a second (Indices) output is not supported by int8rt");
    if (!c.attributes.has("kernel_shape")) throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: a pool without kernel_shape");
    spatial_ = c.attributes.getInts("kernel_shape").size();
    if (spatial_ < 1 || spatial_ > 2) throw Error(ErrorCode::UnsupportedOp, "only 1-D and 2-D pooling is implemented");
    countIncludePad_ = c.attributes.getInt("count_include_pad", 0) != 0;
    if (c.attributes.getInt("storage_order", 0) != 0) throw Error(ErrorCode::UnsupportedOp, "MaxPool storage_order 1 is not supported by int8rt");
  }

  std::vector<Axis> axes(const Shape& x) const {
    WindowAttrs wa = WindowAttrs::read(attrs_, spatial_);
    if (!max_) wa.dilations.assign(spatial_, 1);  // AveragePool gained dilations only in opset 19
    std::vector<Axis> a = resolveWindow(wa, Shape(x.begin() + 2, x.end()));
    as2d(a);
    return a;
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.empty() ? nullptr : in[0], "X");
    requireSpatial(*in[0], spatial_, "X");
    std::vector<Axis> a = axes(in[0]->shape);
    Shape out{in[0]->shape[0], in[0]->shape[1]};
    if (spatial_ == 2) out.push_back(a[0].out);
    out.push_back(a[1].out);
    return {TensorInfo{DType::Float32, out, {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const std::vector<Axis> a = axes(in[0]->shape);
    const Axis &ay = a[0], &ax = a[1];
    const int64_t planes = in[0]->shape[0] * in[0]->shape[1];
    const float* x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    parallelRange(planes, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const float* src = x + p * ay.in * ax.in;
        float* dst = y + p * ay.out * ax.out;
        for (int64_t oy = 0; oy < ay.out; ++oy)
          for (int64_t ox = 0; ox < ax.out; ++ox) dst[oy * ax.out + ox] = max_ ? maxAt(src, ay, ax, oy, ox) : averageAt(src, ay, ax, oy, ox);
      }
    });
  }

 private:
  static float maxAt(const float* src, const Axis& ay, const Axis& ax, int64_t oy, int64_t ox) {
    float m = -std::numeric_limits<float>::infinity();
    bool nan = false;
    for (int64_t ky = 0; ky < ay.kernel; ++ky) {
      const int64_t iy = oy * ay.stride - ay.padBegin + ky * ay.dilation;
      if (iy < 0 || iy >= ay.in) continue;
      for (int64_t kx = 0; kx < ax.kernel; ++kx) {
        const int64_t ix = ox * ax.stride - ax.padBegin + kx * ax.dilation;
        if (ix < 0 || ix >= ax.in) continue;
        const float v = src[iy * ax.in + ix];
        nan |= std::isnan(v);
        m = v > m ? v : m;
      }
    }
    return nan ? std::numeric_limits<float>::quiet_NaN() : m;
  }

  float averageAt(const float* src, const Axis& ay, const Axis& ax, int64_t oy, int64_t ox) const {
    // Window bounds clipped to the padded input (count_include_pad) and to the input itself.
    const int64_t y0 = oy * ay.stride - ay.padBegin, x0 = ox * ax.stride - ax.padBegin;
    const int64_t y1p = std::min(y0 + ay.kernel, ay.in + ay.padEnd), x1p = std::min(x0 + ax.kernel, ax.in + ax.padEnd);
    const int64_t ys = std::max<int64_t>(y0, 0), xs = std::max<int64_t>(x0, 0);
    const int64_t ye = std::min(y1p, ay.in), xe = std::min(x1p, ax.in);
    float s = 0;
    for (int64_t iy = ys; iy < ye; ++iy)
      for (int64_t ix = xs; ix < xe; ++ix) s += src[iy * ax.in + ix];
    const int64_t count = countIncludePad_ ? (y1p - y0) * (x1p - x0) : (ye - ys) * (xe - xs);
    return count > 0 ? s / static_cast<float>(count) : 0.0f;
  }

  engine::Attributes attrs_;
  bool max_;
  size_t spatial_ = 2;
  bool countIncludePad_ = false;
};

class GlobalPoolKernel : public OpKernel {
 public:
  GlobalPoolKernel(const KernelContext&, bool max) : max_(max) {}

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.empty() ? nullptr : in[0], "X");
    if (in[0]->shape.size() < 3) shapeError("input X must have rank >= 3 but has dims " + shapeString(in[0]->shape));
    Shape out = in[0]->shape;
    for (size_t i = 2; i < out.size(); ++i) out[i] = 1;
    return {TensorInfo{DType::Float32, out, {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const int64_t planes = in[0]->shape[0] * in[0]->shape[1], inner = product(in[0]->shape, 2, in[0]->shape.size());
    const float* x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    parallelRange(planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(inner, 1)), [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const float* src = x + p * inner;
        if (max_) {
          float m = -std::numeric_limits<float>::infinity();
          bool nan = false;
          for (int64_t i = 0; i < inner; ++i) nan |= std::isnan(src[i]), m = src[i] > m ? src[i] : m;
          y[p] = nan ? std::numeric_limits<float>::quiet_NaN() : m;
        } else {
          double s = 0;  // wide accumulator: large planes would lose low bits in float
          for (int64_t i = 0; i < inner; ++i) s += src[i];
          y[p] = static_cast<float>(s / static_cast<double>(inner));
        }
      }
    });
  }

 private:
  bool max_;
};

INT8RT_REGISTER_CPU_OP("MaxPool", [](const KernelContext& c) -> std::unique_ptr<OpKernel> { return std::make_unique<PoolKernel>(c, true); });
INT8RT_REGISTER_CPU_OP("AveragePool", [](const KernelContext& c) -> std::unique_ptr<OpKernel> { return std::make_unique<PoolKernel>(c, false); });
INT8RT_REGISTER_CPU_OP("GlobalAveragePool", [](const KernelContext& c) -> std::unique_ptr<OpKernel> { return std::make_unique<GlobalPoolKernel>(c, false); });
INT8RT_REGISTER_CPU_OP("GlobalMaxPool", [](const KernelContext& c) -> std::unique_ptr<OpKernel> { return std::make_unique<GlobalPoolKernel>(c, true); });

}  // namespace

}  // namespace int8rt::cpu::ops
