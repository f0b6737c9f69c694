// int8 Conv (precision 'int8' in the plan, written by lib/build/quantize-layers.ts): the weight is
// int8 per output channel (attribute weightScales), the float input is quantized per tensor
// (inputScale) into the workspace, unfolded as int8 and multiplied by the int8 GEMM (int32
// accumulation) with the weights packed once at load. The GEMM dequantizes by inputScale; the row
// epilogue applies the channel's weight scale, the float bias and the fused activation, so the
// output is fp32 ("int8 compute, float between layers"). Depthwise convs are not built int8.
#include <cmath>

#include "cpu/ops/conv_kernel.h"
#include "cpu/ops/quantize_input.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::RunContext;

size_t align64(size_t n) { return (n + 63) / 64 * 64; }

struct Int8ConvEpilogue {
  const float* weightScale;  // the group's first channel
  const float* bias;         // the group's first channel, or nullptr
  const FusedActivation* act;
};

void int8ConvRowEpilogue(const void* ctx, float* row, int64_t m, int64_t, int64_t count) {
  const Int8ConvEpilogue& e = *static_cast<const Int8ConvEpilogue*>(ctx);
  const float s = e.weightScale[m], b = e.bias ? e.bias[m] : 0.0f;
  for (int64_t i = 0; i < count; ++i) row[i] = std::fma(row[i], s, b);
  activateSpan(*e.act, row, row, count);
}

class Int8ConvKernel : public ConvKernel {
 public:
  explicit Int8ConvKernel(const KernelContext& c) : ConvKernel(c, DType::Int8) {
    inputScale_ = c.attributes.getFloat("inputScale", 0.0f);
    weightScales_ = c.attributes.getFloats("weightScales");
    const Tensor* w = c.weights.size() > 1 ? c.weights[1] : nullptr;
    if (!w || w->dtype != DType::Int8 || !(inputScale_ > 0.0f) || weightScales_.size() != size_t(w->shape[0]))
      throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: an int8 Conv needs an int8 weight, inputScale and one weight scale per output channel");
    if (groups_ > 1 && w->shape[1] == 1) throw Error(ErrorCode::UnsupportedOp, "depthwise convolutions are not built int8");
    const int64_t m = w->shape[0], k = elementCount(w->shape) / std::max<int64_t>(m, 1), mg = m / groups_;
    for (int64_t grp = 0; grp < groups_ && k > 0 && m % groups_ == 0; ++grp) {
      GemmDesc d;
      d.inType = DType::Int8;
      d.M = mg, d.K = k, d.N = 1;
      d.A = w->as<int8_t>() + grp * mg * k;
      packed_.push_back(packA(d));
    }
  }

  // The quantized image, then its unfolded group.
  size_t workspaceBytes(const std::vector<const TensorInfo*>& in, const std::vector<TensorInfo>&) const override {
    const ConvGeometry g = geometry(in[0]->shape, in[1]->shape);
    const size_t image = align64(static_cast<size_t>(g.c * g.h * g.w));
    return image + (g.pointwise() ? 0 : static_cast<size_t>(g.kernelSize() * g.oh * g.ow));
  }

  void run(const RunContext& ctx, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const ConvGeometry g = geometry(in[0]->shape, in[1]->shape);
    if (out[0]->size() == 0) return;
    const float* x = in[0]->as<float>();
    const int8_t* w = in[1]->as<int8_t>();
    const float* bias = in.size() > 2 && in[2] ? in[2]->as<float>() : nullptr;
    float* y = out[0]->as<float>();
    const int64_t k = g.kernelSize(), ohw = g.oh * g.ow, image = g.c * g.h * g.w;
    int8_t* xq = static_cast<int8_t*>(ctx.workspace);
    int8_t* col = xq + align64(static_cast<size_t>(image));
    for (int64_t n = 0; n < g.n; ++n) {
      quantizeInput(x + n * image, xq, image, inputScale_);
      for (int64_t grp = 0; grp < g.groups; ++grp) {
        const int8_t* xg = xq + grp * g.cg * g.h * g.w;
        if (!g.pointwise()) im2col(xg, col, g);
        GemmDesc d;
        d.inType = DType::Int8;
        d.M = g.mg, d.N = ohw, d.K = k;
        d.A = w + grp * g.mg * k;
        d.B = g.pointwise() ? xg : col;
        d.C = y + (n * g.m + grp * g.mg) * ohw;
        d.scaleBScalar = inputScale_;  // the per-row weight scale is the epilogue's
        const Int8ConvEpilogue e{weightScales_.data() + grp * g.mg, bias ? bias + grp * g.mg : nullptr, &act_};
        const RowEpilogue rows{int8ConvRowEpilogue, &e};
        gemmPacked(d, packed_.size() == size_t(g.groups) ? &packed_[grp] : nullptr, nullptr, &rows);
      }
    }
  }

 private:
  float inputScale_ = 0.0f;
  std::vector<float> weightScales_;
  std::vector<PackedA> packed_;
};

}  // namespace

INT8RT_REGISTER_CPU_OP("Conv:int8", engine::factoryOf<Int8ConvKernel>());

}  // namespace int8rt::cpu::ops
