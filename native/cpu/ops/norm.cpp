// Normalizations over float32: BatchNormalization (inference form, when the graph pass could not
// fold it into a Conv), LayerNormalization (with its optional Mean / InvStdDev outputs),
// InstanceNormalization and LRN (across channels).
#include <cmath>

#include "cpu/ops/broadcast.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

void requireChannelVector(const TensorInfo* t, int64_t c, const char* what) {
  requireFloat(t, what);
  if (elementCount(t->shape) != c) shapeError(std::string(what) + " must hold one value per channel (" + std::to_string(c) + ")");
}

class BatchNormKernel : public OpKernel {
 public:
  explicit BatchNormKernel(const KernelContext& c) : eps_(c.attributes.getFloat("epsilon", 1e-5f)) {
    if (c.attributes.getInt("training_mode", 0) != 0)
      throw Error(ErrorCode::UnsupportedOp, "BatchNormalization in training mode is not supported (inference only)");
  }
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.empty() ? nullptr : in[0], "X");
    if (in.size() < 5) shapeError("BatchNormalization needs X, scale, B, mean and var");
    const int64_t c = in[0]->shape.size() > 1 ? in[0]->shape[1] : 1;
    for (size_t i = 1; i < 5; ++i) requireChannelVector(in[i], c, "a BatchNormalization parameter");
    return {TensorInfo{DType::Float32, in[0]->shape, {}}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Shape& s = in[0]->shape;
    const int64_t c = s.size() > 1 ? s[1] : 1, inner = product(s, 2, s.size()), planes = in[0]->size() / std::max<int64_t>(inner, 1);
    std::vector<float> a(c), b(c);
    for (int64_t k = 0; k < c; ++k) {
      a[k] = in[1]->as<float>()[k] / std::sqrt(in[4]->as<float>()[k] + eps_);
      b[k] = in[2]->as<float>()[k] - in[3]->as<float>()[k] * a[k];
    }
    const float* x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    parallelRange(planes, std::max<int64_t>(1, 8192 / std::max<int64_t>(inner, 1)), [&](int64_t lo, int64_t hi) {
      for (int64_t p = lo; p < hi; ++p)
        for (int64_t i = 0; i < inner; ++i) y[p * inner + i] = x[p * inner + i] * a[p % c] + b[p % c];
    });
  }

 private:
  float eps_;
};

class LayerNormKernel : public OpKernel {
 public:
  explicit LayerNormKernel(const KernelContext& c)
      : axis_(c.attributes.getInt("axis", -1)), eps_(c.attributes.getFloat("epsilon", 1e-5f)) {}

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.empty() ? nullptr : in[0], "X");
    requireFloat(in.size() > 1 ? in[1] : nullptr, "Scale");
    const Shape& x = in[0]->shape;
    const int64_t axis = normalizeAxis(axis_, static_cast<int64_t>(x.size()));
    const Shape norm(x.begin() + axis, x.end());
    for (size_t i = 1; i < 3 && i < in.size(); ++i)
      if (in[i] && broadcastShapes(norm, in[i]->shape) != norm) shapeError("Scale/B do not broadcast to the normalized dims " + shapeString(norm));
    Shape stat(x.begin(), x.begin() + axis);
    stat.resize(x.size(), 1);
    return {TensorInfo{DType::Float32, x, {}}, TensorInfo{DType::Float32, stat, {}}, TensorInfo{DType::Float32, stat, {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Shape& x = in[0]->shape;
    const int64_t axis = normalizeAxis(axis_, static_cast<int64_t>(x.size()));
    const Shape norm(x.begin() + axis, x.end());
    const int64_t n = elementCount(norm), rows = product(x, 0, axis);
    // Where each normalized element reads Scale and B (they may broadcast).
    auto offsets = [&](const Tensor* t) {
      std::vector<int64_t> o(n, 0);
      if (!t) return o;
      const BroadcastRows br(norm, {t->shape});
      for (int64_t r = 0; r < br.rows(); ++r)
        for (int64_t i = 0; i < br.inner(); ++i) o[r * br.inner() + i] = br.offset(0, r) + i * br.innerStride(0);
      return o;
    };
    const Tensor* bias = in.size() > 2 ? in[2] : nullptr;
    const std::vector<int64_t> so = offsets(in[1]), bo = offsets(bias);
    const float *src = in[0]->as<float>(), *scale = in[1]->as<float>(), *b = bias ? bias->as<float>() : nullptr;
    float* y = out[0]->as<float>();
    float* mean = out.size() > 1 && out[1] ? out[1]->as<float>() : nullptr;
    float* inv = out.size() > 2 && out[2] ? out[2]->as<float>() : nullptr;
    parallelRange(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(n, 1)), [&](int64_t lo, int64_t hi) {
      for (int64_t r = lo; r < hi; ++r) {
        const float* xr = src + r * n;
        double m = 0, v = 0;
        for (int64_t i = 0; i < n; ++i) m += xr[i];
        m /= static_cast<double>(n);
        for (int64_t i = 0; i < n; ++i) v += (xr[i] - m) * (xr[i] - m);
        const float is = static_cast<float>(1.0 / std::sqrt(v / static_cast<double>(n) + eps_));
        for (int64_t i = 0; i < n; ++i) {
          const float z = (xr[i] - static_cast<float>(m)) * is * scale[so[i]];
          y[r * n + i] = b ? z + b[bo[i]] : z;
        }
        if (mean) mean[r] = static_cast<float>(m);
        if (inv) inv[r] = is;
      }
    });
  }

 private:
  int64_t axis_;
  float eps_;
};

class InstanceNormKernel : public OpKernel {
 public:
  explicit InstanceNormKernel(const KernelContext& c) : eps_(c.attributes.getFloat("epsilon", 1e-5f)) {}
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.empty() ? nullptr : in[0], "input");
    if (in[0]->shape.size() < 2 || in.size() < 3) shapeError("InstanceNormalization needs input [N, C, …], scale and B");
    requireChannelVector(in[1], in[0]->shape[1], "scale");
    requireChannelVector(in[2], in[0]->shape[1], "B");
    return {TensorInfo{DType::Float32, in[0]->shape, {}}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Shape& s = in[0]->shape;
    const int64_t c = s[1], inner = product(s, 2, s.size()), planes = s[0] * c;
    const float *x = in[0]->as<float>(), *scale = in[1]->as<float>(), *b = in[2]->as<float>();
    float* y = out[0]->as<float>();
    parallelRange(planes, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t p = lo; p < hi; ++p) {
        const float* xp = x + p * inner;
        double m = 0, v = 0;
        for (int64_t i = 0; i < inner; ++i) m += xp[i];
        m /= static_cast<double>(inner);
        for (int64_t i = 0; i < inner; ++i) v += (xp[i] - m) * (xp[i] - m);
        const float a = static_cast<float>(scale[p % c] / std::sqrt(v / static_cast<double>(inner) + eps_));
        const float shift = b[p % c] - static_cast<float>(m) * a;
        for (int64_t i = 0; i < inner; ++i) y[p * inner + i] = xp[i] * a + shift;
      }
    });
  }

 private:
  float eps_;
};

class LrnKernel : public OpKernel {
 public:
  explicit LrnKernel(const KernelContext& c)
      : size_(c.attributes.getInt("size", 0)), alpha_(c.attributes.getFloat("alpha", 1e-4f)),
        beta_(c.attributes.getFloat("beta", 0.75f)), bias_(c.attributes.getFloat("bias", 1.0f)) {
    if (size_ <= 0) shapeError("LRN needs a positive size");
  }
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.empty() ? nullptr : in[0], "X");
    if (in[0]->shape.size() < 2) shapeError("LRN needs input [N, C, …]");
    return {TensorInfo{DType::Float32, in[0]->shape, {}}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Shape& s = in[0]->shape;
    const int64_t c = s[1], inner = product(s, 2, s.size());
    const int64_t before = (size_ - 1) / 2, after = size_ - 1 - before;
    const float *x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    parallelRange(s[0] * c, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t p = lo; p < hi; ++p) {
        const int64_t n = p / c, ch = p % c;
        const int64_t c0 = std::max<int64_t>(0, ch - before), c1 = std::min<int64_t>(c - 1, ch + after);
        for (int64_t i = 0; i < inner; ++i) {
          float sq = 0;
          for (int64_t k = c0; k <= c1; ++k) {
            const float v = x[(n * c + k) * inner + i];
            sq += v * v;
          }
          y[p * inner + i] = x[p * inner + i] / std::pow(bias_ + alpha_ / static_cast<float>(size_) * sq, beta_);
        }
      }
    });
  }

 private:
  int64_t size_;
  float alpha_, beta_, bias_;
};

INT8RT_REGISTER_CPU_OP("BatchNormalization", engine::factoryOf<BatchNormKernel>());
INT8RT_REGISTER_CPU_OP("LayerNormalization", engine::factoryOf<LayerNormKernel>());
INT8RT_REGISTER_CPU_OP("InstanceNormalization", engine::factoryOf<InstanceNormKernel>());
INT8RT_REGISTER_CPU_OP("LRN", engine::factoryOf<LrnKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
