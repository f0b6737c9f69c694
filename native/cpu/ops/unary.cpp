// Elementwise activations: Relu, Sigmoid, Tanh, Clip, HardSigmoid, HardSwish, LeakyRelu. Float32;
// Clip (opset 11+ bounds as inputs) also on int8 / uint8 / int32 / int64.
#include <cmath>
#include <cstdint>
#include <limits>

#include "cpu/ops/activation.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

class ActivationKernel : public OpKernel {
 public:
  ActivationKernel(const KernelContext& c, FusedActivation act, bool tanh = false) : act_(act), tanh_(tanh) {
    // Clip from opset 11 takes its bounds as optional inputs, read at run time.
    clipInputs_ = c.node.op == "Clip" && c.opset >= 11;
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    const TensorInfo* x = in.empty() ? nullptr : in[0];
    // Clip (opset 12+) also clamps the integer types, exactly, with bounds of X's type.
    const bool intClip = clipInputs_ && x && isIntClipType(x->dtype);
    if (!intClip) requireFloat(x, "X");
    for (size_t i = 1; i < in.size(); ++i) {
      if (in[i] && elementCount(in[i]->shape) != 1) shapeError("Clip bounds must be scalars");
      if (in[i] && in[i]->dtype != x->dtype) throw Error(ErrorCode::DType, "Clip bounds must have the type of X");
    }
    return {TensorInfo{x->dtype, x->shape, {}}};
  }

  static bool isIntClipType(DType t) { return t == DType::Int8 || t == DType::Uint8 || t == DType::Int32 || t == DType::Int64; }

  template <class T>
  static void clipInts(const std::vector<const Tensor*>& in, Tensor& out) {
    T lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
    if (in.size() > 1 && in[1]) lo = in[1]->as<T>()[0];
    if (in.size() > 2 && in[2]) hi = in[2]->as<T>()[0];
    const T* x = in[0]->as<T>();
    T* y = out.as<T>();
    parallelRange(in[0]->size(), 16384, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const T v = x[i] < lo ? lo : x[i];  // min > max gives max everywhere, as the spec says
        y[i] = v > hi ? hi : v;
      }
    });
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    switch (in[0]->dtype) {
      case DType::Int8: return clipInts<int8_t>(in, *out[0]);
      case DType::Uint8: return clipInts<uint8_t>(in, *out[0]);
      case DType::Int32: return clipInts<int32_t>(in, *out[0]);
      case DType::Int64: return clipInts<int64_t>(in, *out[0]);
      default: break;
    }
    FusedActivation a = act_;
    if (clipInputs_) {
      if (in.size() > 1 && in[1]) a.p0 = in[1]->as<float>()[0];
      if (in.size() > 2 && in[2]) a.p1 = in[2]->as<float>()[0];
    }
    const float* x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    parallelRange(in[0]->size(), 16384, [&](int64_t b, int64_t e) {
      if (tanh_) {
        for (int64_t i = b; i < e; ++i) y[i] = std::tanh(x[i]);
      } else {
        activateSpan(a, x + b, y + b, e - b);
      }
    });
  }

 private:
  FusedActivation act_;
  bool tanh_;
  bool clipInputs_ = false;
};

template <Act A>
engine::KernelFactory activationOp() {
  return [](const KernelContext& c) -> std::unique_ptr<OpKernel> {
    FusedActivation a;
    a.type = A;
    const engine::Attributes& at = c.attributes;
    if constexpr (A == Act::LeakyRelu) a.p0 = at.getFloat("alpha", 0.01f);
    if constexpr (A == Act::HardSigmoid) a.p0 = at.getFloat("alpha", 0.2f), a.p1 = at.getFloat("beta", 0.5f);
    if constexpr (A == Act::Clip)
      a.p0 = at.getFloat("min", -INFINITY), a.p1 = at.getFloat("max", INFINITY);  // opset < 11; inputs otherwise
    return std::make_unique<ActivationKernel>(c, a);
  };
}

INT8RT_REGISTER_CPU_OP("Relu", activationOp<Act::Relu>());
INT8RT_REGISTER_CPU_OP("Sigmoid", activationOp<Act::Sigmoid>());
INT8RT_REGISTER_CPU_OP("Clip", activationOp<Act::Clip>());
INT8RT_REGISTER_CPU_OP("LeakyRelu", activationOp<Act::LeakyRelu>());
INT8RT_REGISTER_CPU_OP("HardSigmoid", activationOp<Act::HardSigmoid>());
INT8RT_REGISTER_CPU_OP("HardSwish", activationOp<Act::HardSwish>());
INT8RT_REGISTER_CPU_OP("Tanh", [](const KernelContext& c) -> std::unique_ptr<OpKernel> {
  return std::make_unique<ActivationKernel>(c, FusedActivation{}, true);
});

}  // namespace

}  // namespace int8rt::cpu::ops
