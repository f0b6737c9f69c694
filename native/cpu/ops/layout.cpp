// Ops that move data without arithmetic: Identity, Reshape, Flatten, Squeeze, Unsqueeze, Concat,
// Transpose. Any element type. The reshaping ones copy (outputs never alias inputs in this executor).
#include <algorithm>
#include <cstring>

#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

// The output has the input's bytes under another shape.
class ReshapeLike : public OpKernel {
 public:
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    if (in[0]->bytes()) std::memcpy(out[0]->data, in[0]->data, in[0]->bytes());
  }

 protected:
  static const TensorInfo& first(const std::vector<const TensorInfo*>& in) {
    if (in.empty() || !in[0]) shapeError("the data input is missing");
    return *in[0];
  }
  static std::vector<TensorInfo> same(const TensorInfo& x, Shape shape) {
    if (elementCount(shape) != elementCount(x.shape))
      shapeError("cannot reshape " + shapeString(x.shape) + " to " + shapeString(shape));
    return {TensorInfo{x.dtype, std::move(shape), x.constant}};
  }
  // Axes from the attribute (older opsets) or the second input (a constant); empty when neither.
  static std::vector<int64_t> axesOf(const std::vector<const TensorInfo*>& in, const std::vector<int64_t>& attr, bool* given) {
    *given = !attr.empty();
    if (in.size() > 1 && in[1]) {
      if (!in[1]->constant) throw Error(ErrorCode::UnsupportedOp, "axes computed at run time are not supported yet");
      *given = true;
      return *in[1]->constant;
    }
    return attr;
  }
};

class IdentityKernel : public ReshapeLike {
 public:
  explicit IdentityKernel(const KernelContext&) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override { return {first(in)}; }
};

class ReshapeKernel : public ReshapeLike {
 public:
  explicit ReshapeKernel(const KernelContext& c) : allowZero_(c.attributes.getInt("allowzero", 0) != 0) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    const TensorInfo& x = first(in);
    if (in.size() < 2 || !in[1]) shapeError("the shape input is missing");
    if (!in[1]->constant) throw Error(ErrorCode::UnsupportedOp, "a Reshape target shape computed at run time is not supported yet");
    Shape shape = *in[1]->constant;
    int hole = -1;
    int64_t known = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == 0 && !allowZero_) {
        if (i >= x.shape.size()) shapeError("shape " + shapeString(shape) + " copies a dim the input " + shapeString(x.shape) + " lacks");
        shape[i] = x.shape[i];
      }
      if (shape[i] == -1) {
        if (hole >= 0) shapeError("shape " + shapeString(*in[1]->constant) + " has more than one -1");
        hole = static_cast<int>(i);
      } else if (shape[i] < 0) {
        shapeError("shape " + shapeString(shape) + " has a negative size");
      } else {
        known *= shape[i];
      }
    }
    if (hole >= 0) {
      if (known == 0 || elementCount(x.shape) % known != 0) shapeError("cannot reshape " + shapeString(x.shape) + " to " + shapeString(*in[1]->constant));
      shape[hole] = elementCount(x.shape) / known;
    }
    return same(x, shape);
  }

 private:
  bool allowZero_;
};

class FlattenKernel : public ReshapeLike {
 public:
  explicit FlattenKernel(const KernelContext& c) : axis_(c.attributes.getInt("axis", 1)) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    const TensorInfo& x = first(in);
    const int64_t r = static_cast<int64_t>(x.shape.size());
    const int64_t axis = axis_ < 0 ? axis_ + r : axis_;
    if (axis < 0 || axis > r) shapeError("axis " + std::to_string(axis_) + " is out of range for rank " + std::to_string(r));
    return same(x, {product(x.shape, 0, axis), product(x.shape, axis, r)});
  }

 private:
  int64_t axis_;
};

class SqueezeKernel : public ReshapeLike {
 public:
  explicit SqueezeKernel(const KernelContext& c) : axes_(c.attributes.getInts("axes")) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    const TensorInfo& x = first(in);
    bool given = false;
    std::vector<int64_t> axes = axesOf(in, axes_, &given);
    const int64_t r = static_cast<int64_t>(x.shape.size());
    std::vector<bool> drop(r, false);
    for (int64_t a : axes) {
      const int64_t ax = normalizeAxis(a, r);
      if (x.shape[ax] != 1) shapeError("cannot squeeze dim " + std::to_string(a) + " of " + shapeString(x.shape) + ": it is not 1");
      drop[ax] = true;
    }
    Shape out;
    for (int64_t i = 0; i < r; ++i)
      if (!(given ? drop[i] : x.shape[i] == 1)) out.push_back(x.shape[i]);
    return same(x, out);
  }

 private:
  std::vector<int64_t> axes_;
};

class UnsqueezeKernel : public ReshapeLike {
 public:
  explicit UnsqueezeKernel(const KernelContext& c) : axes_(c.attributes.getInts("axes")) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    const TensorInfo& x = first(in);
    bool given = false;
    std::vector<int64_t> axes = axesOf(in, axes_, &given);
    if (!given) shapeError("Unsqueeze needs axes");
    const int64_t r = static_cast<int64_t>(x.shape.size() + axes.size());
    std::vector<bool> added(r, false);
    for (int64_t a : axes) {
      const int64_t ax = normalizeAxis(a, r);
      if (added[ax]) shapeError("axis " + std::to_string(a) + " is listed twice");
      added[ax] = true;
    }
    Shape out;
    size_t next = 0;
    for (int64_t i = 0; i < r; ++i) out.push_back(added[i] ? 1 : x.shape[next++]);
    return same(x, out);
  }

 private:
  std::vector<int64_t> axes_;
};

class ConcatKernel : public OpKernel {
 public:
  explicit ConcatKernel(const KernelContext& c) : axis_(c.attributes.getInt("axis", 0)) {}

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("Concat needs inputs");
    Shape out = in[0]->shape;
    const int64_t axis = normalizeAxis(axis_, static_cast<int64_t>(out.size()));
    bool allConstant = in[0]->constant.has_value();
    for (size_t i = 1; i < in.size(); ++i) {
      if (!in[i]) shapeError("a Concat input is missing");
      const Shape& s = in[i]->shape;
      if (in[i]->dtype != in[0]->dtype) throw Error(ErrorCode::DType, "Concat inputs differ in element type");
      bool fits = s.size() == out.size();
      for (size_t d = 0; fits && d < s.size(); ++d) fits = static_cast<int64_t>(d) == axis || s[d] == out[d];
      if (!fits) shapeError("input " + std::to_string(i) + " " + shapeString(s) + " does not fit " + shapeString(in[0]->shape) + " along axis " + std::to_string(axis_));
      out[axis] += s[axis];
      allConstant = allConstant && in[i]->constant.has_value();
    }
    TensorInfo t{in[0]->dtype, out, {}};
    if (allConstant && out.size() == 1) {  // shape arithmetic: keep the joined values known
      std::vector<int64_t> c;
      for (const TensorInfo* x : in) c.insert(c.end(), x->constant->begin(), x->constant->end());
      t.constant = std::move(c);
    }
    return {t};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Shape& shape = out[0]->shape;
    const int64_t axis = normalizeAxis(axis_, static_cast<int64_t>(shape.size()));
    const int64_t outer = product(shape, 0, axis);
    const size_t elem = dtypeSize(out[0]->dtype);
    const size_t rowBytes = static_cast<size_t>(product(shape, axis, shape.size())) * elem;
    uint8_t* dst = out[0]->as<uint8_t>();
    size_t offset = 0;
    for (const Tensor* t : in) {
      const size_t chunk = static_cast<size_t>(product(t->shape, axis, t->shape.size())) * elem;
      const uint8_t* src = t->as<uint8_t>();
      for (int64_t o = 0; o < outer; ++o) std::memcpy(dst + o * rowBytes + offset, src + o * chunk, chunk);
      offset += chunk;
    }
  }

 private:
  int64_t axis_;
};

template <class T>
void transposeTyped(const T* src, T* dst, const Shape& outShape, const std::vector<int64_t>& srcStride) {
  const size_t r = outShape.size();
  const int64_t n = elementCount(outShape);
  if (n == 0) return;
  const int64_t inner = outShape[r - 1], innerStride = srcStride[r - 1], rows = n / inner;
  parallelRange(rows, std::max<int64_t>(1, 8192 / inner), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      int64_t off = 0, rest = row;
      for (size_t d = r - 1; d-- > 0;) {
        off += rest % outShape[d] * srcStride[d];
        rest /= outShape[d];
      }
      T* out = dst + row * inner;
      for (int64_t i = 0; i < inner; ++i) out[i] = src[off + i * innerStride];
    }
  });
}

class TransposeKernel : public OpKernel {
 public:
  explicit TransposeKernel(const KernelContext& c) : perm_(c.attributes.getInts("perm")) {}

  std::vector<int64_t> permFor(size_t rank) const {
    std::vector<int64_t> p = perm_;
    if (p.empty())
      for (size_t i = rank; i-- > 0;) p.push_back(static_cast<int64_t>(i));
    std::vector<bool> seen(rank, false);
    if (p.size() != rank) shapeError("perm has " + std::to_string(p.size()) + " entries for rank " + std::to_string(rank));
    for (int64_t a : p) {
      if (a < 0 || a >= static_cast<int64_t>(rank) || seen[a]) shapeError("perm is not a permutation");
      seen[a] = true;
    }
    return p;
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the data input is missing");
    const Shape& x = in[0]->shape;
    Shape out;
    for (int64_t a : permFor(x.size())) out.push_back(x[a]);
    return {TensorInfo{in[0]->dtype, out, {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Shape& x = in[0]->shape;
    if (x.empty()) return (void)std::memcpy(out[0]->data, in[0]->data, in[0]->bytes());
    const std::vector<int64_t> p = permFor(x.size());
    std::vector<int64_t> stride(x.size()), srcStride(x.size());
    int64_t s = 1;
    for (size_t i = x.size(); i-- > 0;) stride[i] = s, s *= x[i];
    for (size_t i = 0; i < p.size(); ++i) srcStride[i] = stride[p[i]];
    switch (dtypeSize(in[0]->dtype)) {
      case 1: return transposeTyped(in[0]->as<uint8_t>(), out[0]->as<uint8_t>(), out[0]->shape, srcStride);
      case 2: return transposeTyped(in[0]->as<uint16_t>(), out[0]->as<uint16_t>(), out[0]->shape, srcStride);
      case 4: return transposeTyped(in[0]->as<uint32_t>(), out[0]->as<uint32_t>(), out[0]->shape, srcStride);
      default: return transposeTyped(in[0]->as<uint64_t>(), out[0]->as<uint64_t>(), out[0]->shape, srcStride);
    }
  }

 private:
  std::vector<int64_t> perm_;
};

INT8RT_REGISTER_CPU_OP("Identity", engine::factoryOf<IdentityKernel>());
INT8RT_REGISTER_CPU_OP("Reshape", engine::factoryOf<ReshapeKernel>());
INT8RT_REGISTER_CPU_OP("Flatten", engine::factoryOf<FlattenKernel>());
INT8RT_REGISTER_CPU_OP("Squeeze", engine::factoryOf<SqueezeKernel>());
INT8RT_REGISTER_CPU_OP("Unsqueeze", engine::factoryOf<UnsqueezeKernel>());
INT8RT_REGISTER_CPU_OP("Concat", engine::factoryOf<ConcatKernel>());
INT8RT_REGISTER_CPU_OP("Transpose", engine::factoryOf<TransposeKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
