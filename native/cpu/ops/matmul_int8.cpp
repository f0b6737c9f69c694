// int8 Gemm and MatMul (precision 'int8' in the plan, written by lib/build/quantize-layers.ts): B is
// an int8 weight quantized per output column (attribute weightScales), packed once at load; A is
// quantized per tensor (inputScale) into the workspace. The GEMM accumulates in int32 and its own
// epilogue dequantizes with inputScale · weightScales[n], adds the float bias (Gemm's per-column C)
// and Relu; other fused activations run on each finished row. Output is fp32. Shapes are those of
// the fp32 op (same attributes, B's element type aside), so inference is delegated to it.
#include "core/gemm_desc.h"
#include "cpu/gemm.h"
#include "cpu/ops/activation.h"
#include "cpu/ops/quantize_input.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

class Int8GemmBase : public OpKernel {
 public:
  Int8GemmBase(const KernelContext& c, bool transA, bool transB)
      : transA_(transA), transB_(transB), act_(c.attributes.activation()) {
    floatOp_ = (*engine::OpRegistry::cpu().find(c.node.op))(c);  // its weight is not float: it packs nothing
    inputScale_ = c.attributes.getFloat("inputScale", 0.0f);
    weightScales_ = c.attributes.getFloats("weightScales");
    const Tensor* w = c.weights.size() > 1 ? c.weights[1] : nullptr;
    if (!w || w->dtype != DType::Int8 || w->shape.size() != 2 || !(inputScale_ > 0.0f) ||
        weightScales_.size() != size_t(w->shape[transB ? 0 : 1]))
      throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: an int8 " + c.node.op +
                                              " needs a 2-D int8 weight, inputScale and one weight scale per output column");
    GemmDesc d;
    d.inType = DType::Int8;
    d.K = w->shape[transB ? 1 : 0], d.N = w->shape[transB ? 0 : 1], d.M = 1;
    d.transB = transB;
    d.B = w->data;
    if (d.K > 0 && d.N > 0) packed_ = packB(d);
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.size() < 2 || !in[1] || in[1]->dtype != DType::Int8) throw Error(ErrorCode::DType, "input B must be the quantized weight");
    TensorInfo w = *in[1];
    w.dtype = DType::Float32;
    std::vector<const TensorInfo*> asFloat = in;
    asFloat[1] = &w;
    return floatOp_->inferShapes(asFloat);
  }

  size_t workspaceBytes(const std::vector<const TensorInfo*>& in, const std::vector<TensorInfo>&) const override {
    return static_cast<size_t>(elementCount(in[0]->shape));
  }

 protected:
  // Y[m, n] = act(inputScale · weightScales[n] · Σ_k q(A)[m, k] · B[k, n] + bias[n]).
  void multiply(const RunContext& ctx, const Tensor& a, const Tensor& b, const float* bias, float* y, int64_t m, int64_t n,
                int64_t k) const {
    if (m == 0 || n == 0) return;
    int8_t* aq = static_cast<int8_t*>(ctx.workspace);
    quantizeInput(a.as<float>(), aq, a.size(), inputScale_);
    GemmDesc d;
    d.inType = DType::Int8;
    d.M = m, d.N = n, d.K = k;
    d.transA = transA_, d.transB = transB_;
    d.A = aq, d.B = b.data, d.C = y;
    d.bias = bias;
    d.scaleA = inputScale_;
    d.scaleB = weightScales_.data();
    d.relu = act_.type == Act::Relu;
    const RowEpilogue rows{activateRow, &act_};
    const bool epilogue = act_.type != Act::None && !d.relu;
    gemmPacked(d, nullptr, packed_ ? &*packed_ : nullptr, epilogue ? &rows : nullptr);
  }

  bool transA_, transB_;
  FusedActivation act_;

 private:
  std::unique_ptr<OpKernel> floatOp_;
  float inputScale_ = 0.0f;
  std::vector<float> weightScales_;
  std::optional<PackedB> packed_;
};

// Gemm with alpha = 1 and no C or a per-column C with beta = 1 (what the builder quantizes).
class Int8GemmKernel : public Int8GemmBase {
 public:
  explicit Int8GemmKernel(const KernelContext& c)
      : Int8GemmBase(c, c.attributes.getInt("transA", 0) != 0, c.attributes.getInt("transB", 0) != 0) {
    if (c.attributes.getFloat("alpha", 1.0f) != 1.0f || c.attributes.getFloat("beta", 1.0f) != 1.0f)
      throw Error(ErrorCode::UnsupportedOp, "an int8 Gemm needs alpha = beta = 1");
  }

  void run(const RunContext& ctx, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Tensor &a = *in[0], &b = *in[1];
    const Tensor* c = in.size() > 2 ? in[2] : nullptr;
    const int64_t m = out[0]->shape[0], n = out[0]->shape[1], k = a.shape[transA_ ? 0 : 1];
    if (c && !(c->size() == n && (c->shape.size() == 1 || c->shape[0] == 1)))
      throw Error(ErrorCode::UnsupportedOp, "an int8 Gemm takes a per-column C only, not " + shapeString(c->shape));
    multiply(ctx, a, b, c ? c->as<float>() : nullptr, out[0]->as<float>(), m, n, k);
  }
};

// MatMul with a 2-D weight: A's batch dims fold into M.
class Int8MatMulKernel : public Int8GemmBase {
 public:
  explicit Int8MatMulKernel(const KernelContext& c) : Int8GemmBase(c, false, false) {}

  void run(const RunContext& ctx, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Tensor &a = *in[0], &b = *in[1];
    const int64_t k = a.shape.back(), n = b.shape[1];
    multiply(ctx, a, b, nullptr, out[0]->as<float>(), k == 0 ? 0 : a.size() / k, n, k);
  }
};

}  // namespace

INT8RT_REGISTER_CPU_OP("Gemm:int8", engine::factoryOf<Int8GemmKernel>());
INT8RT_REGISTER_CPU_OP("MatMul:int8", engine::factoryOf<Int8MatMulKernel>());

}  // namespace int8rt::cpu::ops
