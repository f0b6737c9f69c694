// Pad in the constant, reflect, edge and wrap modes; negative pads crop. Any element type for
// constant/edge/wrap/reflect (the fill value is cast to the element type). Pads, the fill value
// (opset 11+: inputs) and axes (opset 18+) are read per run; pads must be known during inference.
#include <cstring>

#include "cpu/ops/dispatch.h"
#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

enum class Mode { Constant, Reflect, Edge, Wrap };

class PadKernel : public OpKernel {
 public:
  explicit PadKernel(const KernelContext& c)
      : fromInputs_(c.opset >= 11), pads_(c.attributes.getInts("pads")), value_(c.attributes.getFloat("value", 0)) {
    const std::string m = c.attributes.getString("mode", "constant");
    if (m == "constant") mode_ = Mode::Constant;
    else if (m == "reflect") mode_ = Mode::Reflect;
    else if (m == "edge") mode_ = Mode::Edge;
    else if (m == "wrap") mode_ = Mode::Wrap;
    else throw Error(ErrorCode::UnsupportedOp, "Pad mode '" + m + "' is not supported");
  }

  // Begin pads then end pads, one per dim of a rank-r input.
  std::vector<int64_t> padsFor(const std::vector<const TensorInfo*>& in, int64_t r) const {
    std::vector<int64_t> pads = pads_, axes;
    if (fromInputs_) {
      if (in.size() < 2 || !in[1]) shapeError("the pads input is missing");
      if (!in[1]->constant) throw Error(ErrorCode::UnsupportedOp, "pads computed from tensor data at run time are not supported");
      pads = *in[1]->constant;
      if (in.size() > 3 && in[3]) {
        if (!in[3]->constant) throw Error(ErrorCode::UnsupportedOp, "Pad axes computed at run time are not supported");
        axes = *in[3]->constant;
      }
    }
    if (axes.empty())
      for (int64_t i = 0; i < r; ++i) axes.push_back(i);
    if (pads.size() != 2 * axes.size()) shapeError("Pad needs 2 pads per padded axis");
    std::vector<int64_t> full(2 * r, 0);
    const size_t k = axes.size();
    for (size_t i = 0; i < k; ++i) {
      const int64_t a = normalizeAxis(axes[i], r);
      full[a] = pads[i];
      full[a + r] = pads[i + k];
    }
    return full;
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the data input is missing");
    const Shape& x = in[0]->shape;
    const int64_t r = static_cast<int64_t>(x.size());
    const std::vector<int64_t> p = padsFor(in, r);
    Shape out(r);
    for (int64_t d = 0; d < r; ++d) {
      out[d] = x[d] + p[d] + p[d + r];
      if (out[d] < 0) shapeError("pads crop dim " + std::to_string(d) + " of " + shapeString(x) + " below zero");
      if (mode_ != Mode::Constant && x[d] == 0 && out[d] > 0) shapeError("cannot pad an empty dim in this mode");
    }
    return {TensorInfo{in[0]->dtype, out, {}}};
  }

  // Source index along one dim for output index i, or -1 for the fill value.
  int64_t source(int64_t i, int64_t begin, int64_t dim) const {
    int64_t s = i - begin;
    if (s >= 0 && s < dim) return s;
    switch (mode_) {
      case Mode::Constant: return -1;
      case Mode::Edge: return s < 0 ? 0 : dim - 1;
      case Mode::Wrap: return ((s % dim) + dim) % dim;
      case Mode::Reflect: {
        if (dim == 1) return 0;
        const int64_t period = 2 * (dim - 1);
        s = ((s % period) + period) % period;
        return s < dim ? s : period - s;
      }
    }
    return -1;
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Shape &x = in[0]->shape, &y = out[0]->shape;
    const int64_t r = static_cast<int64_t>(x.size()), n = out[0]->size();
    if (n == 0) return;
    std::vector<TensorInfo> infos(in.size());
    std::vector<const TensorInfo*> ptrs;
    for (size_t i = 0; i < in.size(); ++i) {
      if (!in[i]) { ptrs.push_back(nullptr); continue; }
      infos[i].dtype = in[i]->dtype;
      infos[i].shape = in[i]->shape;
      if (i == 1 || i == 3) {
        std::vector<int64_t> v(in[i]->size());
        for (int64_t k = 0; k < in[i]->size(); ++k)
          v[k] = in[i]->dtype == DType::Int64 ? in[i]->as<int64_t>()[k] : in[i]->as<int32_t>()[k];
        infos[i].constant = std::move(v);
      }
      ptrs.push_back(&infos[i]);
    }
    const std::vector<int64_t> p = padsFor(ptrs, r);
    const Tensor* fill = fromInputs_ && in.size() > 2 && in[2] && in[2]->size() > 0 ? in[2] : nullptr;
    std::vector<int64_t> st(r);
    for (int64_t d = r, k = 1; d-- > 0;) st[d] = k, k *= x[d];
    const int64_t inner = r ? y[r - 1] : 1;
    dispatchNumeric(in[0]->dtype, "Pad", [&](auto tag) {
      using T = decltype(tag);
      const T value = fill ? fill->as<T>()[0] : static_cast<T>(value_);
      const T* s = in[0]->as<T>();
      T* d = out[0]->as<T>();
      parallelRange(n / inner, std::max<int64_t>(1, 4096 / inner), [&](int64_t b, int64_t e) {
        for (int64_t row = b; row < e; ++row) {
          int64_t off = 0, rest = row;
          bool outside = false;
          for (int64_t k = r - (r ? 1 : 0); k-- > 0;) {
            const int64_t src = source(rest % y[k], p[k], x[k]);
            rest /= y[k];
            if (src < 0) outside = true;
            else off += src * st[k];
          }
          T* o = d + row * inner;
          for (int64_t i = 0; i < inner; ++i) {
            const int64_t src = r ? source(i, p[r - 1], x[r - 1]) : 0;
            o[i] = outside || src < 0 ? value : s[off + src];
          }
        }
      });
    });
  }

 private:
  bool fromInputs_;
  std::vector<int64_t> pads_;
  float value_;
  Mode mode_ = Mode::Constant;
};

INT8RT_REGISTER_CPU_OP("Pad", engine::factoryOf<PadKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
