// Elementwise float32 math: Sqrt, Exp, Log, Neg, Abs, Erf, Gelu (exact or tanh approximation).
// Neg and Abs also take the signed integer types.
#include <cmath>

#include "cpu/ops/dispatch.h"
#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

enum class Fn { Sqrt, Exp, Log, Neg, Abs, Erf, Gelu, GeluTanh };

template <Fn F, class T>
inline T apply(T x) {
  if constexpr (F == Fn::Sqrt) return std::sqrt(x);
  else if constexpr (F == Fn::Exp) return std::exp(x);
  else if constexpr (F == Fn::Log) return std::log(x);
  else if constexpr (F == Fn::Neg) return static_cast<T>(-x);
  else if constexpr (F == Fn::Abs) return x < 0 ? static_cast<T>(-x) : x;
  else if constexpr (F == Fn::Erf) return std::erf(x);
  else if constexpr (F == Fn::Gelu) return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
  else {
    const float inner = 0.7978845608028654f * (x + 0.044715f * x * x * x);  // sqrt(2/pi) (x + 0.044715 x^3)
    return 0.5f * x * (1.0f + std::tanh(inner));
  }
}

template <Fn F>
class MathKernel : public OpKernel {
 public:
  explicit MathKernel(const KernelContext&) {}
  static constexpr bool kSigned = F == Fn::Neg || F == Fn::Abs;

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the input X is missing");
    const DType t = in[0]->dtype;
    const bool ok = t == DType::Float32 || (kSigned && (t == DType::Int8 || t == DType::Int32 || t == DType::Int64));
    if (!ok) throw Error(ErrorCode::DType, std::string("input X has type ") + engine::dtypeName(t) + ", which this op does not take");
    TensorInfo info{t, in[0]->shape, {}};
    // Shape arithmetic (e.g. -pads) stays known during inference.
    if constexpr (kSigned)
      if (in[0]->constant && t != DType::Float32) {
        info.constant = *in[0]->constant;
        for (int64_t& v : *info.constant) v = apply<F>(v);
      }
    return {info};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    dispatchNumeric(in[0]->dtype, "this op", [&](auto tag) {
      using T = decltype(tag);
      if constexpr (kSigned || std::is_same_v<T, float>) {
        const T* x = in[0]->as<T>();
        T* y = out[0]->as<T>();
        parallelRange(in[0]->size(), 8192, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) y[i] = apply<F>(x[i]);
        });
      }
    });
  }
};

INT8RT_REGISTER_CPU_OP("Sqrt", engine::factoryOf<MathKernel<Fn::Sqrt>>());
INT8RT_REGISTER_CPU_OP("Exp", engine::factoryOf<MathKernel<Fn::Exp>>());
INT8RT_REGISTER_CPU_OP("Log", engine::factoryOf<MathKernel<Fn::Log>>());
INT8RT_REGISTER_CPU_OP("Neg", engine::factoryOf<MathKernel<Fn::Neg>>());
INT8RT_REGISTER_CPU_OP("Abs", engine::factoryOf<MathKernel<Fn::Abs>>());
INT8RT_REGISTER_CPU_OP("Erf", engine::factoryOf<MathKernel<Fn::Erf>>());
INT8RT_REGISTER_CPU_OP("Gelu", [](const KernelContext& c) -> std::unique_ptr<OpKernel> {
  const std::string approx = c.attributes.getString("approximate", "none");
  if (approx == "tanh") return std::make_unique<MathKernel<Fn::GeluTanh>>(c);
  if (approx != "none") throw Error(ErrorCode::UnsupportedOp, "Gelu approximate='" + approx + "' is not an ONNX mode");
  return std::make_unique<MathKernel<Fn::Gelu>>(c);
});

}  // namespace

}  // namespace int8rt::cpu::ops
