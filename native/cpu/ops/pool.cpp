// MaxPool, AveragePool (1-D, 2-D and 3-D windows, with dilations; MaxPool also on int8 / uint8) and GlobalAveragePool / GlobalMaxPool.
#include <cmath>
#include <limits>
#include <type_traits>

#include "cpu/ops/window.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

// One output position along one axis: the input index of tap 0, the taps [k0, k1) that land inside
// the input, and how many land inside the padded input (count_include_pad's divisor).
struct Taps {
  int64_t start, k0, k1, padded;
};

inline Taps tapsAt(const Axis& a, int64_t o) {
  Taps t{o * a.stride - a.padBegin, 0, 0, 0};
  if (t.start < 0) t.k0 = (-t.start + a.dilation - 1) / a.dilation;
  const int64_t lastIn = a.in - 1 - t.start, lastPadded = a.in + a.padEnd - 1 - t.start;
  t.k1 = lastIn < 0 ? 0 : std::min(a.kernel, lastIn / a.dilation + 1);
  t.k1 = std::max(t.k1, t.k0);
  t.padded = lastPadded < 0 ? 0 : std::min(a.kernel, lastPadded / a.dilation + 1);
  return t;
}

class PoolKernel : public OpKernel {
 public:
  PoolKernel(const KernelContext& c, bool max) : attrs_(c.attributes), max_(max) {
    if (c.node.outputs.size() > 1)
      throw Error(ErrorCode::UnsupportedOp, "MaxPool with a second (Indices) output is not supported by int8rt");
    if (!c.attributes.has("kernel_shape")) throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: a pool without kernel_shape");
    spatial_ = c.attributes.getInts("kernel_shape").size();
    if (spatial_ < 1 || spatial_ > 3) throw Error(ErrorCode::UnsupportedOp, "only 1-D, 2-D and 3-D pooling is implemented");
    countIncludePad_ = c.attributes.getInt("count_include_pad", 0) != 0;
    if (c.attributes.getInt("storage_order", 0) != 0) throw Error(ErrorCode::UnsupportedOp, "MaxPool storage_order 1 is not supported by int8rt");
  }

  // (d, h, w) axes; dilations apply to both pools (AveragePool gained the attribute in opset 19).
  std::vector<Axis> axes(const Shape& x) const {
    std::vector<Axis> a = resolveWindow(WindowAttrs::read(attrs_, spatial_), Shape(x.begin() + 2, x.end()));
    as3d(a);
    return a;
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    const TensorInfo* x = in.empty() ? nullptr : in[0];
    // MaxPool also takes int8 / uint8 (exact comparisons); AveragePool is float32 only.
    if (!(max_ && x && (x->dtype == DType::Int8 || x->dtype == DType::Uint8))) requireFloat(x, "X");
    requireSpatial(*x, spatial_, "X");
    std::vector<Axis> a = axes(x->shape);
    Shape out{x->shape[0], x->shape[1]};
    for (size_t i = 3 - spatial_; i < 3; ++i) out.push_back(a[i].out);
    return {TensorInfo{x->dtype, out, {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    switch (in[0]->dtype) {
      case DType::Int8: return runTyped<int8_t>(*in[0], *out[0]);
      case DType::Uint8: return runTyped<uint8_t>(*in[0], *out[0]);
      default: return runTyped<float>(*in[0], *out[0]);
    }
  }

 private:
  template <class T>
  void runTyped(const Tensor& xt, Tensor& yt) const {
    const std::vector<Axis> a = axes(xt.shape);
    const Axis &az = a[0], &ay = a[1], &ax = a[2];
    const int64_t planes = xt.shape[0] * xt.shape[1];
    const int64_t inPlane = az.in * ay.in * ax.in, outPlane = az.out * ay.out * ax.out;
    std::vector<Taps> tz(az.out), ty(ay.out), tx(ax.out);
    for (int64_t o = 0; o < az.out; ++o) tz[o] = tapsAt(az, o);
    for (int64_t o = 0; o < ay.out; ++o) ty[o] = tapsAt(ay, o);
    for (int64_t o = 0; o < ax.out; ++o) tx[o] = tapsAt(ax, o);
    const T* x = xt.as<T>();
    T* y = yt.as<T>();
    parallelRange(planes, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const T* src = x + p * inPlane;
        T* dst = y + p * outPlane;
        for (int64_t oz = 0; oz < az.out; ++oz)
          for (int64_t oy = 0; oy < ay.out; ++oy)
            for (int64_t ox = 0; ox < ax.out; ++ox) {
              const Taps &z = tz[oz], &v = ty[oy], &h = tx[ox];
              T r;
              if constexpr (std::is_same_v<T, float>)
                r = max_ ? maxAt(src, a, z, v, h) : averageAt(src, a, z, v, h);
              else
                r = maxAt(src, a, z, v, h);
              dst[(oz * ay.out + oy) * ax.out + ox] = r;
            }
      }
    });
  }

  template <class T>
  static T maxAt(const T* src, const std::vector<Axis>& a, const Taps& z, const Taps& v, const Taps& h) {
    const bool isFloat = std::is_same_v<T, float>;
    T m = isFloat ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
    bool nan = false;
    for (int64_t kz = z.k0; kz < z.k1; ++kz) {
      const int64_t iz = z.start + kz * a[0].dilation;
      for (int64_t ky = v.k0; ky < v.k1; ++ky) {
        const T* row = src + (iz * a[1].in + v.start + ky * a[1].dilation) * a[2].in + h.start;
        for (int64_t kx = h.k0; kx < h.k1; ++kx) {
          const T val = row[kx * a[2].dilation];
          if constexpr (std::is_same_v<T, float>) nan |= std::isnan(val);
          m = val > m ? val : m;
        }
      }
    }
    if constexpr (std::is_same_v<T, float>)
      if (nan) return std::numeric_limits<float>::quiet_NaN();
    return m;
  }

  // count_include_pad counts the taps inside the padded input (not those past it that ceil_mode
  // adds); otherwise the taps inside the input.
  float averageAt(const float* src, const std::vector<Axis>& a, const Taps& z, const Taps& v, const Taps& h) const {
    float s = 0;
    for (int64_t kz = z.k0; kz < z.k1; ++kz) {
      const int64_t iz = z.start + kz * a[0].dilation;
      for (int64_t ky = v.k0; ky < v.k1; ++ky) {
        const float* row = src + (iz * a[1].in + v.start + ky * a[1].dilation) * a[2].in + h.start;
        for (int64_t kx = h.k0; kx < h.k1; ++kx) s += row[kx * a[2].dilation];
      }
    }
    const int64_t count = countIncludePad_ ? z.padded * v.padded * h.padded : (z.k1 - z.k0) * (v.k1 - v.k0) * (h.k1 - h.k0);
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
