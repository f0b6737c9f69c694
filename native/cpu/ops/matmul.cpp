// Gemm and MatMul (batched, numpy-broadcast batch dims) on cpu::gemm. A constant B (the weights) is
// packed once at load; Gemm's bias and fused activation run in the GEMM's epilogue.
#include <cstring>
#include <optional>

#include "core/gemm_desc.h"
#include "cpu/gemm.h"
#include "cpu/ops/activation.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

// op(B) [k, n] packed at load when B is a weight, else nothing (packed per call).
std::optional<PackedB> packWeight(const Tensor* w, int64_t k, int64_t n, bool tb) {
  if (!w || w->dtype != DType::Float32 || k == 0 || n == 0) return std::nullopt;
  GemmDesc d;
  d.K = k, d.N = n, d.M = 1;
  d.transB = tb;
  d.B = w->as<float>();
  return packB(d);
}

void sgemm(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k, bool ta, bool tb,
           const float* bias, const FusedActivation& act, const std::optional<PackedB>& packed = std::nullopt) {
  const bool relu = act.type == Act::Relu;
  if (m == 0 || n == 0) return;
  if (k == 0) {  // an empty sum: the epilogue alone
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        const float v = bias ? bias[j] : 0.0f;
        c[i * n + j] = v;
      }
    activateSpan(act, c, c, m * n);
    return;
  }
  GemmDesc d;
  d.M = m, d.N = n, d.K = k;
  d.transA = ta, d.transB = tb;
  d.A = a, d.B = b, d.C = c;
  d.bias = bias;
  d.relu = relu;
  const RowEpilogue rows{activateRow, &act};
  gemmPacked(d, nullptr, packed ? &*packed : nullptr, act.type != Act::None && !relu ? &rows : nullptr);
}

// Y = act(alpha · op(A)·op(B) + beta · C), C broadcast to [M, N].
class GemmKernel : public OpKernel {
 public:
  explicit GemmKernel(const KernelContext& c)
      : transA_(c.attributes.getInt("transA", 0) != 0), transB_(c.attributes.getInt("transB", 0) != 0),
        alpha_(c.attributes.getFloat("alpha", 1.0f)), beta_(c.attributes.getFloat("beta", 1.0f)),
        act_(c.attributes.activation()) {
    const Tensor* w = c.weights.size() > 1 ? c.weights[1] : nullptr;
    if (w && w->shape.size() == 2) packed_ = packWeight(w, w->shape[transB_ ? 1 : 0], w->shape[transB_ ? 0 : 1], transB_);
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.size() > 0 ? in[0] : nullptr, "A");
    requireFloat(in.size() > 1 ? in[1] : nullptr, "B");
    requireRank(*in[0], 2, "A");
    requireRank(*in[1], 2, "B");
    const int64_t m = in[0]->shape[transA_ ? 1 : 0], k = in[0]->shape[transA_ ? 0 : 1];
    const int64_t kb = in[1]->shape[transB_ ? 1 : 0], n = in[1]->shape[transB_ ? 0 : 1];
    if (k != kb) shapeError("A " + shapeString(in[0]->shape) + " and B " + shapeString(in[1]->shape) + " disagree on K");
    if (in.size() > 2 && in[2]) {
      requireFloat(in[2], "C");
      const Shape out{m, n};
      if (broadcastShapes(in[2]->shape, out) != out) shapeError("C " + shapeString(in[2]->shape) + " does not broadcast to " + shapeString(out));
    }
    return {TensorInfo{DType::Float32, {m, n}, {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Tensor &a = *in[0], &b = *in[1];
    const Tensor* c = in.size() > 2 ? in[2] : nullptr;
    float* y = out[0]->as<float>();
    const int64_t m = out[0]->shape[0], n = out[0]->shape[1], k = a.shape[transA_ ? 0 : 1];
    // The common case (a per-column bias, alpha = beta = 1) is one fused GEMM.
    const bool perColumn = c && c->size() == n && (c->shape.size() == 1 || c->shape[0] == 1);
    const bool simple = alpha_ == 1.0f && (!c || (perColumn && beta_ == 1.0f));
    if (simple) return sgemm(a.as<float>(), b.as<float>(), y, m, n, k, transA_, transB_, c ? c->as<float>() : nullptr, act_, packed_);
    sgemm(a.as<float>(), b.as<float>(), y, m, n, k, transA_, transB_, nullptr, FusedActivation{}, packed_);
    const float* pc = c ? c->as<float>() : nullptr;
    // C broadcast: its row/column strides are 0 along dims of size 1.
    const int64_t cr = c && c->shape.size() == 2 && c->shape[0] != 1 ? (c->shape[1] == 1 ? 1 : n) : 0;
    const int64_t cc = c && !c->shape.empty() && c->shape.back() != 1 ? 1 : 0;
    parallelRange(m, std::max<int64_t>(1, 4096 / std::max<int64_t>(n, 1)), [&](int64_t s, int64_t e) {
      for (int64_t i = s; i < e; ++i) {
        float* row = y + i * n;
        for (int64_t j = 0; j < n; ++j) row[j] = alpha_ * row[j] + (pc ? beta_ * pc[i * cr + j * cc] : 0.0f);
        activateSpan(act_, row, row, n);
      }
    });
  }

 private:
  bool transA_, transB_;
  float alpha_, beta_;
  FusedActivation act_;
  std::optional<PackedB> packed_;
};

// MatMul: numpy matmul semantics (1-D operands promoted, batch dims broadcast).
class MatMulKernel : public OpKernel {
 public:
  explicit MatMulKernel(const KernelContext& c) {
    const Tensor* w = c.weights.size() > 1 ? c.weights[1] : nullptr;
    if (w && !w->shape.empty() && w->shape.size() <= 2)
      packed_ = packWeight(w, w->shape[0], w->shape.size() == 2 ? w->shape[1] : 1, false);
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.size() > 0 ? in[0] : nullptr, "A");
    requireFloat(in.size() > 1 ? in[1] : nullptr, "B");
    const Shape &a = in[0]->shape, &b = in[1]->shape;
    if (a.empty() || b.empty()) shapeError("MatMul operands must have rank >= 1");
    const int64_t k = a.back(), kb = b.size() == 1 ? b[0] : b[b.size() - 2];
    if (k != kb) shapeError("A " + shapeString(a) + " and B " + shapeString(b) + " disagree on K");
    Shape batchA(a.begin(), a.end() - std::min<size_t>(a.size(), 2)), batchB(b.begin(), b.end() - std::min<size_t>(b.size(), 2));
    Shape out = broadcastShapes(batchA, batchB);
    if (a.size() >= 2) out.push_back(a[a.size() - 2]);
    if (b.size() >= 2) out.push_back(b.back());
    return {TensorInfo{DType::Float32, out, {}}};
  }

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Tensor &a = *in[0], &b = *in[1];
    const int64_t k = a.shape.back();
    const int64_t m = a.shape.size() >= 2 ? a.shape[a.shape.size() - 2] : 1;
    const int64_t n = b.shape.size() >= 2 ? b.shape.back() : 1;
    float* y = out[0]->as<float>();
    const float* pa = a.as<float>();
    const float* pb = b.as<float>();
    // B shared by every batch: fold A's batch into M, one GEMM.
    if (b.shape.size() <= 2) return sgemm(pa, pb, y, product(a.shape, 0, a.shape.size() - 1), n, k, false, false, nullptr, kNone, packed_);

    const Shape batchA(a.shape.begin(), a.shape.end() - std::min<size_t>(a.shape.size(), 2));
    const Shape batchB(b.shape.begin(), b.shape.end() - 2);
    const Shape batch = broadcastShapes(batchA, batchB);
    const int64_t batches = elementCount(batch);
    const size_t r = batch.size();
    // Per batch dim: how far one step moves in A, B (0 along broadcast dims).
    std::vector<int64_t> stepA(r, 0), stepB(r, 0);
    int64_t sa = m * k, sb = k * n;
    for (size_t i = r; i-- > 0;) {
      const size_t ia = i + batchA.size() - r, ib = i + batchB.size() - r;
      if (i >= r - batchA.size()) { if (batchA[ia] != 1) stepA[i] = sa; sa *= batchA[ia]; }
      if (i >= r - batchB.size()) { if (batchB[ib] != 1) stepB[i] = sb; sb *= batchB[ib]; }
    }
    for (int64_t t = 0; t < batches; ++t) {
      int64_t offA = 0, offB = 0, rest = t;
      for (size_t i = r; i-- > 0;) {
        const int64_t idx = rest % batch[i];
        rest /= batch[i];
        offA += idx * stepA[i];
        offB += idx * stepB[i];
      }
      sgemm(pa + offA, pb + offB, y + t * m * n, m, n, k, false, false, nullptr, kNone);
    }
  }

 private:
  static constexpr FusedActivation kNone{};
  std::optional<PackedB> packed_;
};

INT8RT_REGISTER_CPU_OP("Gemm", engine::factoryOf<GemmKernel>());
INT8RT_REGISTER_CPU_OP("MatMul", engine::factoryOf<MatMulKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
