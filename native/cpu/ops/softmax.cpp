// Softmax and LogSoftmax. Opset 13+: along one axis. Older opsets: over the input flattened to 2-D at
// `axis` (every dim from axis on is one row).
#include <cmath>
#include <limits>

#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

class SoftmaxKernel : public OpKernel {
 public:
  SoftmaxKernel(const KernelContext& c, bool log)
      : log_(log), flattenAxis_(c.opset < 13), axis_(c.attributes.getInt("axis", c.opset < 13 ? 1 : -1)) {}

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.empty() ? nullptr : in[0], "input");
    normalizeAxis(axis_, static_cast<int64_t>(in[0]->shape.size()));
    return {TensorInfo{DType::Float32, in[0]->shape, {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Shape& s = in[0]->shape;
    const size_t axis = static_cast<size_t>(normalizeAxis(axis_, static_cast<int64_t>(s.size())));
    const int64_t outer = product(s, 0, axis);
    const int64_t n = flattenAxis_ ? product(s, axis, s.size()) : (s.empty() ? 1 : s[axis]);
    const int64_t inner = flattenAxis_ ? 1 : product(s, axis + 1, s.size());
    const float* x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    if (n == 0) return;
    parallelRange(outer * inner, std::max<int64_t>(1, 4096 / n), [&](int64_t begin, int64_t end) {
      for (int64_t line = begin; line < end; ++line) {
        const int64_t base = line / inner * n * inner + line % inner;
        float m = -std::numeric_limits<float>::infinity();
        for (int64_t i = 0; i < n; ++i) m = std::max(m, x[base + i * inner]);
        double sum = 0;
        for (int64_t i = 0; i < n; ++i) {
          const float e = std::exp(x[base + i * inner] - m);
          if (!log_) y[base + i * inner] = e;
          sum += e;
        }
        if (log_) {
          const float ls = static_cast<float>(std::log(sum));
          for (int64_t i = 0; i < n; ++i) y[base + i * inner] = x[base + i * inner] - m - ls;
        } else {
          const float inv = static_cast<float>(1.0 / sum);
          for (int64_t i = 0; i < n; ++i) y[base + i * inner] *= inv;
        }
      }
    });
  }

 private:
  bool log_, flattenAxis_;
  int64_t axis_;
};

INT8RT_REGISTER_CPU_OP("Softmax", [](const KernelContext& c) -> std::unique_ptr<OpKernel> { return std::make_unique<SoftmaxKernel>(c, false); });
INT8RT_REGISTER_CPU_OP("LogSoftmax", [](const KernelContext& c) -> std::unique_ptr<OpKernel> { return std::make_unique<SoftmaxKernel>(c, true); });

}  // namespace

}  // namespace int8rt::cpu::ops
