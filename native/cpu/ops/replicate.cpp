// Ops that repeat a tensor: Expand (broadcast to a shape) and Tile (repeat whole copies). Any
// element type; the target shape and repeats must be known during shape inference.
#include <cstring>

#include "cpu/ops/broadcast.h"
#include "cpu/ops/strided.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

const std::vector<int64_t>& known(const std::vector<const TensorInfo*>& in, const char* what) {
  if (in.size() < 2 || !in[0] || !in[1]) shapeError(std::string("the input and its ") + what + " are required");
  if (!in[1]->constant) throw Error(ErrorCode::UnsupportedOp, std::string(what) + " computed from tensor data at run time is not supported");
  return *in[1]->constant;
}

class ExpandKernel : public OpKernel {
 public:
  explicit ExpandKernel(const KernelContext&) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    const Shape out = broadcastShapes(in[0] ? in[0]->shape : Shape{}, known(in, "Expand shape"));
    TensorInfo t{in[0]->dtype, out, {}};
    if (in[0]->constant && out.size() == 1 && elementCount(out) <= 64) {
      const std::vector<int64_t>& c = *in[0]->constant;
      t.constant = std::vector<int64_t>(out[0]);
      for (int64_t i = 0; i < out[0]; ++i) (*t.constant)[i] = c[c.size() == 1 ? 0 : i];
    }
    return {t};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    copyStrided(*in[0], out[0]->data, out[0]->shape, 0, broadcastStrides(in[0]->shape, out[0]->shape));
  }
};

class TileKernel : public OpKernel {
 public:
  explicit TileKernel(const KernelContext&) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    const std::vector<int64_t>& reps = known(in, "Tile repeats");
    Shape out = in[0]->shape;
    if (reps.size() != out.size()) shapeError("Tile needs one repeat per dim of " + shapeString(out));
    for (size_t i = 0; i < out.size(); ++i) {
      if (reps[i] < 0) shapeError("Tile repeats must not be negative");
      out[i] *= reps[i];
    }
    return {TensorInfo{in[0]->dtype, out, {}}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Shape &x = in[0]->shape, &y = out[0]->shape;
    const int64_t n = out[0]->size();
    if (n == 0) return;
    const size_t r = y.size();
    const std::vector<int64_t> st = stridesOf(x);
    const int64_t inner = r ? y[r - 1] : 1, innerDim = r ? x[r - 1] : 1;
    dispatchBySize(in[0]->dtype, [&](auto tag) {
      using T = decltype(tag);
      const T* s = in[0]->as<T>();
      T* d = out[0]->as<T>();
      parallelRange(n / inner, std::max<int64_t>(1, 8192 / inner), [&](int64_t b, int64_t e) {
        for (int64_t row = b; row < e; ++row) {
          int64_t off = 0, rest = row;
          for (size_t k = r - (r ? 1 : 0); k-- > 0;) {
            off += rest % y[k] % x[k] * st[k];
            rest /= y[k];
          }
          for (int64_t i = 0; i < inner; ++i) d[row * inner + i] = s[off + i % innerDim];
        }
      });
    });
  }
};

INT8RT_REGISTER_CPU_OP("Expand", engine::factoryOf<ExpandKernel>());
INT8RT_REGISTER_CPU_OP("Tile", engine::factoryOf<TileKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
