// QuantizeLinear (float32 → int8/uint8) and DequantizeLinear (int8/uint8/int32 → float32), per
// tensor (scalar scale) or per axis (1-D scale along `axis`). Rounding is half to even, then
// saturation, as the spec says. Blocked quantization (block_size, opset 21) is not supported.
#include <cmath>

#include "cpu/ops/dispatch.h"
#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

// Elements per scale run and number of scales: one scale for all, or one per index along axis.
struct QuantLayout {
  int64_t inner = 1, channels = 1;
};

QuantLayout layoutOf(const Shape& x, const Shape& scale, int64_t axisAttr) {
  QuantLayout l;
  if (elementCount(scale) == 1 && scale.size() <= 1) return l;
  if (scale.size() != 1) shapeError("the scale must be a scalar or 1-D (blocked quantization is not supported)");
  const int64_t axis = normalizeAxis(axisAttr, static_cast<int64_t>(x.size()));
  if (x[axis] != scale[0]) shapeError("scale " + shapeString(scale) + " does not match dim " + std::to_string(axis) + " of " + shapeString(x));
  l.channels = scale[0];
  l.inner = product(x, axis + 1, x.size());
  return l;
}

class QuantizeKernel : public OpKernel {
 public:
  explicit QuantizeKernel(const KernelContext& c)
      : axis_(c.attributes.getInt("axis", 1)), outputDtype_(c.attributes.getInt("output_dtype", 0)) {
    if (c.attributes.getInt("block_size", 0) != 0) throw Error(ErrorCode::UnsupportedOp, "blocked QuantizeLinear is not supported");
  }
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.empty() ? nullptr : in[0], "x");
    requireFloat(in.size() > 1 ? in[1] : nullptr, "y_scale");
    DType t = DType::Uint8;
    if (in.size() > 2 && in[2]) t = in[2]->dtype;
    else if (outputDtype_ == 3) t = DType::Int8;
    else if (outputDtype_ != 0 && outputDtype_ != 2) throw Error(ErrorCode::DType, "QuantizeLinear output_dtype must be int8 or uint8");
    if (t != DType::Int8 && t != DType::Uint8) throw Error(ErrorCode::DType, "QuantizeLinear quantizes to int8 or uint8 only");
    layoutOf(in[0]->shape, in[1]->shape, axis_);
    return {TensorInfo{t, in[0]->shape, {}}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const QuantLayout l = layoutOf(in[0]->shape, in[1]->shape, axis_);
    const float *x = in[0]->as<float>(), *scale = in[1]->as<float>();
    const Tensor* zp = in.size() > 2 ? in[2] : nullptr;
    const int64_t n = in[0]->size();
    auto quantize = [&](auto tag, float lo, float hi) {
      using T = decltype(tag);
      T* y = out[0]->as<T>();
      parallelRange(n, 16384, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
          const int64_t ch = i / l.inner % l.channels;
          const float z = zp ? static_cast<float>(zp->as<T>()[ch]) : 0.0f;
          const float q = std::nearbyint(x[i] / scale[ch]) + z;  // default rounding mode: half to even
          y[i] = static_cast<T>(std::isnan(q) ? 0.0f : std::clamp(q, lo, hi));
        }
      });
    };
    if (out[0]->dtype == DType::Int8) quantize(int8_t{}, -128.0f, 127.0f);
    else quantize(uint8_t{}, 0.0f, 255.0f);
  }

 private:
  int64_t axis_, outputDtype_;
};

class DequantizeKernel : public OpKernel {
 public:
  explicit DequantizeKernel(const KernelContext& c) : axis_(c.attributes.getInt("axis", 1)) {
    if (c.attributes.getInt("block_size", 0) != 0) throw Error(ErrorCode::UnsupportedOp, "blocked DequantizeLinear is not supported");
  }
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the input x is missing");
    const DType t = in[0]->dtype;
    if (t != DType::Int8 && t != DType::Uint8 && t != DType::Int32)
      throw Error(ErrorCode::DType, "DequantizeLinear takes int8, uint8 or int32 input");
    requireFloat(in.size() > 1 ? in[1] : nullptr, "x_scale");
    if (in.size() > 2 && in[2] && in[2]->dtype != t) throw Error(ErrorCode::DType, "x_zero_point must have the type of x");
    layoutOf(in[0]->shape, in[1]->shape, axis_);
    return {TensorInfo{DType::Float32, in[0]->shape, {}}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const QuantLayout l = layoutOf(in[0]->shape, in[1]->shape, axis_);
    const float* scale = in[1]->as<float>();
    const Tensor* zp = in.size() > 2 ? in[2] : nullptr;
    float* y = out[0]->as<float>();
    dispatchNumeric(in[0]->dtype, "DequantizeLinear", [&](auto tag) {
      using T = decltype(tag);
      const T* x = in[0]->as<T>();
      parallelRange(in[0]->size(), 16384, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
          const int64_t ch = i / l.inner % l.channels;
          const int64_t z = zp ? static_cast<int64_t>(zp->as<T>()[ch]) : 0;
          y[i] = static_cast<float>(static_cast<int64_t>(x[i]) - z) * scale[ch];
        }
      });
    });
  }

 private:
  int64_t axis_;
};

INT8RT_REGISTER_CPU_OP("QuantizeLinear", engine::factoryOf<QuantizeKernel>());
INT8RT_REGISTER_CPU_OP("DequantizeLinear", engine::factoryOf<DequantizeKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
