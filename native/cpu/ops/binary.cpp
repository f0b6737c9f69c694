// Add, Sub, Mul, Div with numpy broadcasting: float32, and the integer types (shape arithmetic;
// integer Div truncates toward zero, overflow wraps).
#include "cpu/ops/broadcast.h"
#include "cpu/ops/dispatch.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

enum class BinOp { Add, Sub, Mul, Div };

template <BinOp O, class T>
inline T apply(T a, T b) {
  if constexpr (O == BinOp::Add) return static_cast<T>(a + b);
  else if constexpr (O == BinOp::Sub) return static_cast<T>(a - b);
  else if constexpr (O == BinOp::Mul) return static_cast<T>(a * b);
  else if constexpr (std::is_floating_point_v<T>) return a / b;
  else return b == 0 ? T{0} : static_cast<T>(a / b);  // integer division by zero is undefined in ONNX; never trap
}

template <BinOp O>
class BinaryKernel : public OpKernel {
 public:
  explicit BinaryKernel(const KernelContext&) {}

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.size() < 2 || !in[0] || !in[1]) shapeError("the op needs inputs A and B");
    if (in[0]->dtype != in[1]->dtype) throw Error(ErrorCode::DType, "inputs A and B differ in element type");
    if (in[0]->dtype == DType::Float16 || in[0]->dtype == DType::Bool)
      throw Error(ErrorCode::DType, std::string("input A has type ") + engine::dtypeName(in[0]->dtype) + ", which this op does not compute on");
    TensorInfo t{in[0]->dtype, broadcastShapes(in[0]->shape, in[1]->shape), {}};
    // Shape arithmetic (e.g. batch · heads) stays known during inference.
    if (in[0]->constant && in[1]->constant && t.shape.size() <= 1) {
      const std::vector<int64_t>&a = *in[0]->constant, &b = *in[1]->constant;
      const size_t n = static_cast<size_t>(elementCount(t.shape));
      std::vector<int64_t> c(n);
      for (size_t i = 0; i < n; ++i) c[i] = apply<O, int64_t>(a[a.size() == 1 ? 0 : i], b[b.size() == 1 ? 0 : i]);
      t.constant = std::move(c);
    }
    return {t};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    dispatchNumeric(in[0]->dtype, "this op", [&](auto tag) { runTyped<decltype(tag)>(*in[0], *in[1], *out[0]); });
  }

  template <class T>
  static void runTyped(const Tensor& a, const Tensor& b, Tensor& c) {
    const T* pa = a.as<T>();
    const T* pb = b.as<T>();
    T* pc = c.as<T>();
    const int64_t n = c.size();
    if (n == 0) return;
    // Fast paths: same shape, or one side a scalar.
    if (a.size() == n && b.size() == n) {
      return parallelRange(n, 16384, [&](int64_t s, int64_t e) { for (int64_t i = s; i < e; ++i) pc[i] = apply<O, T>(pa[i], pb[i]); });
    }
    if (b.size() == 1 && a.size() == n) {
      const T y = pb[0];
      return parallelRange(n, 16384, [&](int64_t s, int64_t e) { for (int64_t i = s; i < e; ++i) pc[i] = apply<O, T>(pa[i], y); });
    }
    if (a.size() == 1 && b.size() == n) {
      const T x = pa[0];
      return parallelRange(n, 16384, [&](int64_t s, int64_t e) { for (int64_t i = s; i < e; ++i) pc[i] = apply<O, T>(x, pb[i]); });
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
        const T* x = pa + offA;
        const T* y = pb + offB;
        T* z = pc + row * inner;
        for (int64_t i = 0; i < inner; ++i) z[i] = apply<O, T>(x[i * ia], y[i * ib]);
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
