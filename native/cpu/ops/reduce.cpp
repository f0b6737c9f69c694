// ReduceMean, ReduceSum, ReduceMax over float32 (ReduceMax/ReduceSum also int32/int64, ReduceMax bool). Axes come
// from the attribute (older opsets) or the optional second input (ReduceSum 13+, the others 18+);
// keepdims and noop_with_empty_axes as in the spec.
#include <cmath>
#include <limits>

#include "cpu/ops/dispatch.h"
#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

enum class Red { Mean, Sum, Max };

template <Red R>
class ReduceKernel : public OpKernel {
 public:
  explicit ReduceKernel(const KernelContext& c)
      : axes_(c.attributes.getInts("axes")), keepDims_(c.attributes.getInt("keepdims", 1) != 0),
        noopEmpty_(c.attributes.getInt("noop_with_empty_axes", 0) != 0) {}

  // Which dims are reduced; empty means none (a no-op copy).
  std::vector<bool> reduced(const std::vector<const TensorInfo*>& in) const {
    const int64_t r = static_cast<int64_t>(in[0]->shape.size());
    std::vector<int64_t> axes = axes_;
    if (in.size() > 1 && in[1]) {
      if (!in[1]->constant) throw Error(ErrorCode::UnsupportedOp, "reduction axes computed from tensor data at run time are not supported");
      axes = *in[1]->constant;
    }
    std::vector<bool> red(r, axes.empty() && !noopEmpty_);
    for (int64_t a : axes) red[normalizeAxis(a, r)] = true;
    return red;
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the data input is missing");
    const DType t = in[0]->dtype;
    if (t != DType::Float32 && (R == Red::Mean || (t != DType::Int32 && t != DType::Int64 && !(R == Red::Max && t == DType::Bool))))
      throw Error(ErrorCode::DType, std::string("this reduction does not take ") + engine::dtypeName(t) + " data");
    const std::vector<bool> red = reduced(in);
    Shape out;
    for (size_t d = 0; d < red.size(); ++d) {
      if (!red[d]) out.push_back(in[0]->shape[d]);
      else if (keepDims_) out.push_back(1);
    }
    return {TensorInfo{t, out, {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    std::vector<TensorInfo> infos(in.size());
    std::vector<const TensorInfo*> ptrs;
    for (size_t i = 0; i < in.size(); ++i) {
      if (!in[i]) { ptrs.push_back(nullptr); continue; }
      infos[i] = TensorInfo{in[i]->dtype, in[i]->shape, {}};
      if (i == 1) {
        std::vector<int64_t> v(in[1]->size());
        for (int64_t k = 0; k < in[1]->size(); ++k) v[k] = in[1]->as<int64_t>()[k];
        infos[1].constant = std::move(v);
      }
      ptrs.push_back(&infos[i]);
    }
    const std::vector<bool> red = reduced(ptrs);
    const Shape& x = in[0]->shape;
    std::vector<int64_t> st(x.size());
    for (size_t d = x.size(), k = 1; d-- > 0;) st[d] = static_cast<int64_t>(k), k *= static_cast<size_t>(x[d]);
    Shape keptDims, redDims;
    std::vector<int64_t> keptSt, redSt;
    for (size_t d = 0; d < x.size(); ++d) {
      (red[d] ? redDims : keptDims).push_back(x[d]);
      (red[d] ? redSt : keptSt).push_back(st[d]);
    }
    const int64_t outN = elementCount(keptDims), redN = elementCount(redDims);
    dispatchNumeric(in[0]->dtype, "Reduce", [&](auto tag) {
      using T = decltype(tag);
      using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;  // float sums in double: order-independent enough
      const T* src = in[0]->as<T>();
      T* dst = out[0]->as<T>();
      parallelRange(outN, std::max<int64_t>(1, 4096 / std::max<int64_t>(redN, 1)), [&](int64_t b, int64_t e) {
        for (int64_t o = b; o < e; ++o) {
          int64_t base = 0, rest = o;
          for (size_t k = keptDims.size(); k-- > 0;) base += rest % keptDims[k] * keptSt[k], rest /= keptDims[k];
          // The max of nothing is -inf for floats (the spec's empty-set rule), the lowest value otherwise.
          Acc acc = R == Red::Max ? static_cast<Acc>(std::is_same_v<T, float> ? -std::numeric_limits<float>::infinity() : std::numeric_limits<T>::lowest()) : Acc{0};
          bool nan = false;
          for (int64_t i = 0; i < redN; ++i) {
            int64_t off = base, q = i;
            for (size_t k = redDims.size(); k-- > 0;) off += q % redDims[k] * redSt[k], q /= redDims[k];
            const T v = src[off];
            if constexpr (R == Red::Max) {
              if constexpr (std::is_same_v<T, float>) nan = nan || std::isnan(v);
              acc = v > acc ? v : acc;
            } else {
              acc += v;
            }
          }
          if constexpr (R == Red::Mean) acc = redN ? acc / static_cast<Acc>(redN) : std::numeric_limits<T>::quiet_NaN();
          dst[o] = nan ? std::numeric_limits<T>::quiet_NaN() : static_cast<T>(acc);
        }
      });
    });
  }

 private:
  std::vector<int64_t> axes_;
  bool keepDims_, noopEmpty_;
};

INT8RT_REGISTER_CPU_OP("ReduceMean", engine::factoryOf<ReduceKernel<Red::Mean>>());
INT8RT_REGISTER_CPU_OP("ReduceSum", engine::factoryOf<ReduceKernel<Red::Sum>>());
INT8RT_REGISTER_CPU_OP("ReduceMax", engine::factoryOf<ReduceKernel<Red::Max>>());

}  // namespace

}  // namespace int8rt::cpu::ops
