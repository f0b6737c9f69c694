// Ops that make tensors from shapes and attributes: Shape, Constant, ConstantOfShape. Their int64
// outputs are also TensorInfo::constant, so shape arithmetic built on them (Shape → Gather → Concat →
// Reshape) is resolved during shape inference, even with a symbolic batch.
#include <cstring>

#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::AttributeTensor;
using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

constexpr int64_t kMaxConstantValues = 64;

// The values of a small int64 tensor, for TensorInfo::constant.
std::optional<std::vector<int64_t>> int64Values(const AttributeTensor& t) {
  if (t.dtype != DType::Int64 || elementCount(t.dims) > kMaxConstantValues) return std::nullopt;
  std::vector<int64_t> v(elementCount(t.dims));
  if (!v.empty()) std::memcpy(v.data(), t.bytes.data(), v.size() * 8);
  return v;
}

class ShapeKernel : public OpKernel {
 public:
  explicit ShapeKernel(const KernelContext& c)
      : start_(c.attributes.getInt("start", 0)), end_(c.attributes.getInt("end", INT64_MAX)) {}

  std::vector<int64_t> dims(const Shape& s) const {
    const int64_t r = static_cast<int64_t>(s.size());
    auto clampAxis = [r](int64_t a) { return std::clamp<int64_t>(a < 0 ? a + r : a, 0, r); };
    const int64_t b = clampAxis(start_), e = clampAxis(end_);
    return b < e ? std::vector<int64_t>(s.begin() + b, s.begin() + e) : std::vector<int64_t>{};
  }
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the data input is missing");
    std::vector<int64_t> d = dims(in[0]->shape);
    return {TensorInfo{DType::Int64, {static_cast<int64_t>(d.size())}, d}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const std::vector<int64_t> d = dims(in[0]->shape);
    if (!d.empty()) std::memcpy(out[0]->data, d.data(), d.size() * 8);
  }

 private:
  int64_t start_, end_;
};

class ConstantKernel : public OpKernel {
 public:
  explicit ConstantKernel(const KernelContext& c) {
    const engine::Attributes& a = c.attributes;
    if (a.getTensor("value", &value_)) return;
    if (a.has("value_float") || a.has("value_floats")) {
      const std::vector<float> f = a.has("value_float") ? std::vector<float>{a.getFloat("value_float", 0)} : a.getFloats("value_floats");
      value_.dtype = DType::Float32;
      value_.dims = a.has("value_float") ? Shape{} : Shape{static_cast<int64_t>(f.size())};
      value_.bytes.resize(f.size() * 4);
      if (!f.empty()) std::memcpy(value_.bytes.data(), f.data(), f.size() * 4);
    } else if (a.has("value_int") || a.has("value_ints")) {
      const std::vector<int64_t> v = a.has("value_int") ? std::vector<int64_t>{a.getInt("value_int", 0)} : a.getInts("value_ints");
      value_.dtype = DType::Int64;
      value_.dims = a.has("value_int") ? Shape{} : Shape{static_cast<int64_t>(v.size())};
      value_.bytes.resize(v.size() * 8);
      if (!v.empty()) std::memcpy(value_.bytes.data(), v.data(), v.size() * 8);
    } else {
      throw Error(ErrorCode::UnsupportedOp, "Constant needs a value, value_float(s) or value_int(s) attribute (sparse and string values are not supported)");
    }
  }
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>&) const override {
    return {TensorInfo{value_.dtype, value_.dims, int64Values(value_)}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>&, const std::vector<Tensor*>& out) const override {
    if (!value_.bytes.empty()) std::memcpy(out[0]->data, value_.bytes.data(), value_.bytes.size());
  }

 private:
  AttributeTensor value_;
};

class ConstantOfShapeKernel : public OpKernel {
 public:
  explicit ConstantOfShapeKernel(const KernelContext& c) {
    if (!c.attributes.getTensor("value", &value_)) {
      value_.dtype = DType::Float32;
      value_.dims = {1};
      value_.bytes.assign(4, 0);
    }
    if (elementCount(value_.dims) != 1) shapeError("the value of ConstantOfShape must hold one element");
  }
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the shape input is missing");
    if (!in[0]->constant) throw Error(ErrorCode::UnsupportedOp, "a ConstantOfShape shape that is computed from tensor data is not supported");
    const Shape shape = *in[0]->constant;
    for (int64_t d : shape)
      if (d < 0) shapeError("shape " + shapeString(shape) + " has a negative size");
    TensorInfo t{value_.dtype, shape, {}};
    if (value_.dtype == DType::Int64 && elementCount(shape) <= kMaxConstantValues) {
      int64_t v;
      std::memcpy(&v, value_.bytes.data(), 8);
      t.constant = std::vector<int64_t>(elementCount(shape), v);
    }
    return {t};
  }
  void run(const RunContext&, const std::vector<const Tensor*>&, const std::vector<Tensor*>& out) const override {
    const size_t elem = value_.bytes.size();
    uint8_t* y = out[0]->as<uint8_t>();
    for (int64_t i = 0; i < out[0]->size(); ++i) std::memcpy(y + i * elem, value_.bytes.data(), elem);
  }

 private:
  AttributeTensor value_;
};

INT8RT_REGISTER_CPU_OP("Shape", engine::factoryOf<ShapeKernel>());
INT8RT_REGISTER_CPU_OP("Constant", engine::factoryOf<ConstantKernel>());
INT8RT_REGISTER_CPU_OP("ConstantOfShape", engine::factoryOf<ConstantOfShapeKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
