// Elementwise activations: Relu, Sigmoid, Tanh, Clip, HardSigmoid, HardSwish, LeakyRelu.
#include <cmath>

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
    requireFloat(in.empty() ? nullptr : in[0], "X");
    for (size_t i = 1; i < in.size(); ++i)
      if (in[i] && elementCount(in[i]->shape) != 1) shapeError("Clip bounds must be scalars");
    return {TensorInfo{DType::Float32, in[0]->shape, {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
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
