// Ops that pick parts of a tensor: Gather, Slice, Split. Any element type. Index-like arguments
// (Slice bounds, Split sizes) must be known during shape inference: weights, shape-valued tensors
// or small integer graph inputs.
#include <cstring>

#include "cpu/ops/strided.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

const std::vector<int64_t>& knownValues(const TensorInfo* t, const char* what) {
  if (!t->constant)
    throw Error(ErrorCode::UnsupportedOp, std::string(what) + " computed from tensor data at run time is not supported");
  return *t->constant;
}

class GatherKernel : public OpKernel {
 public:
  explicit GatherKernel(const KernelContext& c) : axis_(c.attributes.getInt("axis", 0)) {}

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.size() < 2 || !in[0] || !in[1]) shapeError("Gather needs data and indices");
    if (in[1]->dtype != DType::Int64 && in[1]->dtype != DType::Int32) throw Error(ErrorCode::DType, "Gather indices must be int32 or int64");
    const Shape& x = in[0]->shape;
    const int64_t axis = normalizeAxis(axis_, static_cast<int64_t>(x.size()));
    if (x.empty()) shapeError("Gather needs data of rank 1 or more");
    Shape out(x.begin(), x.begin() + axis);
    out.insert(out.end(), in[1]->shape.begin(), in[1]->shape.end());
    out.insert(out.end(), x.begin() + axis + 1, x.end());
    TensorInfo t{in[0]->dtype, out, {}};
    if (in[0]->constant && in[1]->constant && x.size() == 1) {  // picking from a shape
      std::vector<int64_t> v;
      for (int64_t i : *in[1]->constant) v.push_back((*in[0]->constant)[checkIndex(i, x[0])]);
      t.constant = std::move(v);
    }
    return {t};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Tensor &x = *in[0], &idx = *in[1];
    const int64_t axis = normalizeAxis(axis_, static_cast<int64_t>(x.shape.size()));
    const int64_t outer = product(x.shape, 0, axis), dim = x.shape[axis];
    const int64_t inner = product(x.shape, axis + 1, x.shape.size()), count = idx.size();
    std::vector<int64_t> index(count);
    for (int64_t i = 0; i < count; ++i)
      index[i] = checkIndex(idx.dtype == DType::Int64 ? idx.as<int64_t>()[i] : idx.as<int32_t>()[i], dim);
    const size_t elem = dtypeSize(x.dtype), chunk = inner * elem;
    const uint8_t* src = x.as<uint8_t>();
    uint8_t* dst = out[0]->as<uint8_t>();
    parallelRange(outer * count, std::max<int64_t>(1, 16384 / std::max<int64_t>(inner, 1)), [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const int64_t o = r / count, k = r % count;
        std::memcpy(dst + r * chunk, src + (o * dim + index[k]) * chunk, chunk);
      }
    });
  }

 private:
  static int64_t checkIndex(int64_t i, int64_t dim) {
    if (i < -dim || i >= dim) shapeError("index " + std::to_string(i) + " is out of range for a dim of " + std::to_string(dim));
    return i < 0 ? i + dim : i;
  }
  int64_t axis_;
};

// One axis of a slice: first element, step and count.
struct SliceAxis {
  int64_t start = 0, step = 1, count = 0;
};

class SliceKernel : public OpKernel {
 public:
  explicit SliceKernel(const KernelContext& c) : fromInputs_(c.opset >= 10) {
    starts_ = c.attributes.getInts("starts");
    ends_ = c.attributes.getInts("ends");
    axes_ = c.attributes.getInts("axes");
  }

  std::vector<SliceAxis> plan(const std::vector<const TensorInfo*>& in) const {
    const Shape& x = in[0]->shape;
    const int64_t r = static_cast<int64_t>(x.size());
    std::vector<int64_t> starts = starts_, ends = ends_, axes = axes_, steps;
    if (fromInputs_) {
      if (in.size() < 3 || !in[1] || !in[2]) shapeError("Slice needs starts and ends");
      starts = knownValues(in[1], "Slice starts");
      ends = knownValues(in[2], "Slice ends");
      axes = in.size() > 3 && in[3] ? knownValues(in[3], "Slice axes") : std::vector<int64_t>{};
      if (in.size() > 4 && in[4]) steps = knownValues(in[4], "Slice steps");
    }
    if (ends.size() != starts.size()) shapeError("Slice starts and ends differ in length");
    if (axes.empty())
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (axes.size() != starts.size() || steps.size() != starts.size()) shapeError("Slice axes/steps differ in length from starts");
    std::vector<SliceAxis> p(r);
    for (int64_t d = 0; d < r; ++d) p[d].count = x[d];
    std::vector<bool> seen(r, false);
    for (size_t i = 0; i < axes.size(); ++i) {
      const int64_t a = normalizeAxis(axes[i], r, "Slice axis");
      if (seen[a]) shapeError("Slice axis " + std::to_string(axes[i]) + " is repeated");
      seen[a] = true;
      const int64_t dim = x[a], step = steps[i];
      if (step == 0) shapeError("Slice step must not be 0");
      int64_t s = starts[i], e = ends[i];
      if (s < 0) s += dim;
      if (e < 0) e += dim;
      if (step > 0) {
        s = std::clamp<int64_t>(s, 0, dim);
        e = std::clamp<int64_t>(e, 0, dim);
        p[a] = {s, step, e > s ? (e - s + step - 1) / step : 0};
      } else {
        s = std::clamp<int64_t>(s, 0, dim - 1);
        e = std::clamp<int64_t>(e, -1, dim - 1);
        p[a] = {s, step, s > e ? (s - e - step - 1) / -step : 0};
      }
    }
    return p;
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the data input is missing");
    const std::vector<SliceAxis> p = plan(in);
    Shape out;
    for (const SliceAxis& a : p) out.push_back(a.count);
    TensorInfo t{in[0]->dtype, out, {}};
    if (in[0]->constant && p.size() == 1) {
      std::vector<int64_t> v;
      for (int64_t i = 0; i < p[0].count; ++i) v.push_back((*in[0]->constant)[p[0].start + i * p[0].step]);
      t.constant = std::move(v);
    }
    return {t};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    std::vector<const TensorInfo*> infos;
    std::vector<TensorInfo> store(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      if (!in[i]) { infos.push_back(nullptr); continue; }
      store[i] = TensorInfo{in[i]->dtype, in[i]->shape, {}};
      if (i > 0) {  // bounds are read from the data here: the same values inference saw
        std::vector<int64_t> v(in[i]->size());
        for (int64_t k = 0; k < in[i]->size(); ++k)
          v[k] = in[i]->dtype == DType::Int64 ? in[i]->as<int64_t>()[k] : in[i]->as<int32_t>()[k];
        store[i].constant = std::move(v);
      }
      infos.push_back(&store[i]);
    }
    const std::vector<SliceAxis> p = plan(infos);
    const std::vector<int64_t> st = stridesOf(in[0]->shape);
    int64_t base = 0;
    std::vector<int64_t> stride(p.size());
    for (size_t d = 0; d < p.size(); ++d) base += p[d].start * st[d], stride[d] = p[d].step * st[d];
    copyStrided(*in[0], out[0]->data, out[0]->shape, base, stride);
  }

 private:
  bool fromInputs_;
  std::vector<int64_t> starts_, ends_, axes_;
};

class SplitKernel : public OpKernel {
 public:
  explicit SplitKernel(const KernelContext& c)
      : axis_(c.attributes.getInt("axis", 0)), split_(c.attributes.getInts("split")),
        numOutputs_(c.attributes.getInt("num_outputs", 0)), outputs_(c.node.outputs.size()) {}

  std::vector<int64_t> sizes(const std::vector<const TensorInfo*>& in, int64_t dim) const {
    std::vector<int64_t> s = split_;
    if (in.size() > 1 && in[1]) s = knownValues(in[1], "Split sizes");
    const int64_t n = static_cast<int64_t>(outputs_);
    if (s.empty()) {
      if (numOutputs_ > 0) {  // opset 18: equal chunks, the last one smaller
        const int64_t chunk = (dim + numOutputs_ - 1) / numOutputs_;
        for (int64_t i = 0; i < numOutputs_; ++i) s.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
      } else {
        if (dim % n) shapeError("dim " + std::to_string(dim) + " does not split evenly into " + std::to_string(n) + " outputs");
        s.assign(n, dim / n);
      }
    }
    int64_t total = 0;
    for (int64_t v : s) total += v;
    if (total != dim || static_cast<int64_t>(s.size()) != n) shapeError("split sizes do not add up to the dim or the outputs");
    return s;
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the input is missing");
    const Shape& x = in[0]->shape;
    const int64_t axis = normalizeAxis(axis_, static_cast<int64_t>(x.size()));
    std::vector<TensorInfo> out;
    for (int64_t s : sizes(in, x[axis])) {
      Shape o = x;
      o[axis] = s;
      out.push_back(TensorInfo{in[0]->dtype, o, {}});
    }
    return out;
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Shape& x = in[0]->shape;
    const int64_t axis = normalizeAxis(axis_, static_cast<int64_t>(x.size()));
    const std::vector<int64_t> st = stridesOf(x);
    int64_t start = 0;
    for (Tensor* o : out) {
      copyStrided(*in[0], o->data, o->shape, start * st[axis], st);
      start += o->shape[axis];
    }
  }

 private:
  int64_t axis_;
  std::vector<int64_t> split_;
  int64_t numOutputs_;
  size_t outputs_;
};

INT8RT_REGISTER_CPU_OP("Gather", engine::factoryOf<GatherKernel>());
INT8RT_REGISTER_CPU_OP("Slice", engine::factoryOf<SliceKernel>());
INT8RT_REGISTER_CPU_OP("Split", engine::factoryOf<SplitKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
