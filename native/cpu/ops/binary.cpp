// Add, Sub, Mul, Div on float32 with numpy broadcasting.
#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

enum class BinOp { Add, Sub, Mul, Div };

template <BinOp O>
inline float apply(float a, float b) {
  if constexpr (O == BinOp::Add) return a + b;
  else if constexpr (O == BinOp::Sub) return a - b;
  else if constexpr (O == BinOp::Mul) return a * b;
  else return a / b;
}

// Element strides of `s` read as a `rank`-dim shape broadcast to `out` (0 along broadcast dims).
std::vector<int64_t> broadcastStrides(const Shape& s, const Shape& out) {
  const size_t r = out.size(), pad = r - s.size();
  std::vector<int64_t> st(r, 0);
  int64_t stride = 1;
  for (size_t i = r; i-- > pad;) {
    const int64_t d = s[i - pad];
    st[i] = d == 1 ? 0 : stride;
    stride *= d;
  }
  return st;
}

template <BinOp O>
class BinaryKernel : public OpKernel {
 public:
  explicit BinaryKernel(const KernelContext&) {}

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.size() > 0 ? in[0] : nullptr, "A");
    requireFloat(in.size() > 1 ? in[1] : nullptr, "B");
    return {TensorInfo{DType::Float32, broadcastShapes(in[0]->shape, in[1]->shape), {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Tensor &a = *in[0], &b = *in[1];
    Tensor& c = *out[0];
    const float* pa = a.as<float>();
    const float* pb = b.as<float>();
    float* pc = c.as<float>();
    const int64_t n = c.size();
    if (n == 0) return;
    // Fast paths: same shape, or one side a scalar.
    if (a.size() == n && b.size() == n) {
      return parallelRange(n, 16384, [&](int64_t s, int64_t e) { for (int64_t i = s; i < e; ++i) pc[i] = apply<O>(pa[i], pb[i]); });
    }
    if (b.size() == 1 && a.size() == n) {
      const float y = pb[0];
      return parallelRange(n, 16384, [&](int64_t s, int64_t e) { for (int64_t i = s; i < e; ++i) pc[i] = apply<O>(pa[i], y); });
    }
    if (a.size() == 1 && b.size() == n) {
      const float x = pa[0];
      return parallelRange(n, 16384, [&](int64_t s, int64_t e) { for (int64_t i = s; i < e; ++i) pc[i] = apply<O>(x, pb[i]); });
    }
    // General case: rows of the last output dim; each row's start in A and B from its index.
    const Shape& shape = c.shape;
    const size_t r = shape.size();
    const std::vector<int64_t> sa = broadcastStrides(a.shape, shape), sb = broadcastStrides(b.shape, shape);
    const int64_t inner = shape[r - 1], rows = n / inner;
    const int64_t ia = sa[r - 1], ib = sb[r - 1];
    parallelRange(rows, std::max<int64_t>(1, 4096 / inner), [&](int64_t s, int64_t e) {
      for (int64_t row = s; row < e; ++row) {
        int64_t offA = 0, offB = 0, rest = row;
        for (size_t d = r - 1; d-- > 0;) {
          const int64_t idx = rest % shape[d];
          rest /= shape[d];
          offA += idx * sa[d];
          offB += idx * sb[d];
        }
        const float* x = pa + offA;
        const float* y = pb + offB;
        float* z = pc + row * inner;
        for (int64_t i = 0; i < inner; ++i) z[i] = apply<O>(x[i * ia], y[i * ib]);
      }
    });
  }
};

INT8RT_REGISTER_CPU_OP("Add", engine::factoryOf<BinaryKernel<BinOp::Add>>());
INT8RT_REGISTER_CPU_OP("Sub", engine::factoryOf<BinaryKernel<BinOp::Sub>>());
INT8RT_REGISTER_CPU_OP("Mul", engine::factoryOf<BinaryKernel<BinOp::Mul>>());
INT8RT_REGISTER_CPU_OP("Div", engine::factoryOf<BinaryKernel<BinOp::Div>>());

}  // namespace

}  // namespace int8rt::cpu::ops
