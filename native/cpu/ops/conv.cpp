// Conv (1-D and 2-D, groups, strides, pads, dilations, auto_pad) with the bias and a fused activation
// applied in its epilogue. Regular convs: im2col into the workspace, then one GEMM per group with the
// weights as A, packed once at load, and bias + activation done by the GEMM on each output row segment
// (pointwise convs skip im2col). Depthwise convs: a direct kernel, where a GEMM would be skinny.
#include "cpu/ops/conv_kernel.h"
#include "cpu/ops/conv_depthwise.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

using engine::KernelContext;
using engine::RunContext;

namespace {

// The most floats of unfolded input per GEMM (4 MiB): blocks of whole output rows up to this size.
constexpr int64_t kIm2colBlock = int64_t(1) << 20;

// The GEMM's row epilogue: row m of a group's output is channel m of that group.
struct ConvEpilogue {
  const float* bias;  // the group's first channel, or nullptr
  const FusedActivation* act;
};

void convRowEpilogue(const void* ctx, float* row, int64_t m, int64_t, int64_t count) {
  const ConvEpilogue& e = *static_cast<const ConvEpilogue*>(ctx);
  if (e.bias) biasActivateSpan(*e.act, row, count, e.bias[m]);
  else activateSpan(*e.act, row, row, count);
}

}  // namespace

ConvKernel::ConvKernel(const KernelContext& c, DType weightType)
    : attrs_(c.attributes), act_(c.attributes.activation()), weightType_(weightType) {
  groups_ = c.attributes.getInt("group", 1);
  if (groups_ < 1) throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: group must be >= 1");
  const Tensor* w = c.weights.size() > 1 ? c.weights[1] : nullptr;
  if (w && (w->shape.size() < 3 || w->shape.size() > 4))
    throw Error(ErrorCode::UnsupportedOp, "only 1-D and 2-D convolutions are implemented (weight dims " + shapeString(w->shape) + ")");
  if (w && w->dtype == DType::Float32 && weightType == DType::Float32) packWeights(*w);
}

ConvGeometry ConvKernel::geometry(const Shape& x, const Shape& w) const {
  const size_t spatial = x.size() - 2;
  WindowAttrs wa = WindowAttrs::read(attrs_, spatial, Shape(w.begin() + 2, w.end()));
  for (size_t i = 0; i < spatial; ++i)
    if (wa.kernel[i] != w[2 + i]) shapeError("kernel_shape disagrees with the weight dims " + shapeString(w));
  std::vector<Axis> axes = resolveWindow(wa, Shape(x.begin() + 2, x.end()));
  as2d(axes);
  ConvGeometry g{};
  g.n = x[0], g.c = x[1], g.m = w[0], g.cg = w[1], g.groups = groups_;
  g.y = axes[0], g.x = axes[1];
  g.h = g.y.in, g.w = g.x.in, g.oh = g.y.out, g.ow = g.x.out;
  if (g.c != g.cg * groups_ || g.m % groups_ != 0)
    shapeError("input channels " + std::to_string(g.c) + " and weight dims " + shapeString(w) + " do not fit group " + std::to_string(groups_));
  g.mg = g.m / groups_;
  return g;
}

std::vector<TensorInfo> ConvKernel::inferShapes(const std::vector<const TensorInfo*>& in) const {
  requireFloat(in.size() > 0 ? in[0] : nullptr, "X");
  if (weightType_ == DType::Float32) requireFloat(in.size() > 1 ? in[1] : nullptr, "W");
  else if (in.size() < 2 || !in[1] || in[1]->dtype != weightType_) throw Error(ErrorCode::DType, "input W must be the quantized weight");
  const Shape &x = in[0]->shape, &w = in[1]->shape;
  if (x.size() < 3 || x.size() > 4) shapeError("input X must have rank 3 or 4 but has dims " + shapeString(x));
  if (w.size() != x.size()) shapeError("W " + shapeString(w) + " and X " + shapeString(x) + " differ in rank");
  if (in.size() > 2 && in[2]) {
    requireFloat(in[2], "B");
    if (in[2]->shape != Shape{w[0]}) shapeError("bias B must have dims [" + std::to_string(w[0]) + "] but has " + shapeString(in[2]->shape));
  }
  ConvGeometry g = geometry(x, w);
  Shape out{g.n, g.m};
  if (x.size() == 4) out.push_back(g.oh);
  out.push_back(g.ow);
  return {TensorInfo{DType::Float32, out, {}}};
}

size_t ConvKernel::workspaceBytes(const std::vector<const TensorInfo*>& in, const std::vector<TensorInfo>&) const {
  ConvGeometry g = geometry(in[0]->shape, in[1]->shape);
  if (g.depthwise() || g.pointwise()) return 0;
  return static_cast<size_t>(g.kernelSize() * g.oh * g.ow) * sizeof(float);
}

void ConvKernel::run(const RunContext& ctx, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const {
  const ConvGeometry g = geometry(in[0]->shape, in[1]->shape);
  const float* x = in[0]->as<float>();
  const float* w = in[1]->as<float>();
  const float* bias = in.size() > 2 && in[2] ? in[2]->as<float>() : nullptr;
  float* y = out[0]->as<float>();
  if (out[0]->size() == 0) return;
  if (g.depthwise()) return depthwiseConv(x, w, bias, y, g, act_);

  const int64_t k = g.kernelSize(), ohw = g.oh * g.ow;
  float* col = static_cast<float*>(ctx.workspace);
  const bool epilogue = bias || act_.type != Act::None;
  // A large unfolded input is done in blocks of output rows, each unfolded and multiplied while it is
  // still in cache rather than written to memory whole and read back by the GEMM.
  const int64_t blockRows = g.pointwise() ? g.oh : std::clamp<int64_t>(kIm2colBlock / std::max<int64_t>(k * g.ow, 1), 1, g.oh);
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      const float* xg = x + (n * g.c + grp * g.cg) * g.h * g.w;
      const ConvEpilogue e{bias ? bias + grp * g.mg : nullptr, &act_};
      const RowEpilogue rows{convRowEpilogue, &e};
      for (int64_t oy0 = 0; oy0 < g.oh; oy0 += blockRows) {
        const int64_t oy1 = std::min(g.oh, oy0 + blockRows);
        const float* b = xg;
        if (!g.pointwise()) {
          im2col(xg, col, g, oy0, oy1);
          b = col;
        }
        GemmDesc d;
        d.M = g.mg, d.N = (oy1 - oy0) * g.ow, d.K = k;
        d.A = w + grp * g.mg * k;
        d.B = b;
        d.C = y + (n * g.m + grp * g.mg) * ohw + oy0 * g.ow;
        gemmPacked(d, packed_.size() == size_t(g.groups) ? &packed_[grp] : nullptr, nullptr, epilogue ? &rows : nullptr, ohw);
      }
    }
  }
}

void ConvKernel::packWeights(const Tensor& w) {
  const int64_t m = w.shape[0], k = elementCount(w.shape) / std::max<int64_t>(m, 1);
  // Nothing to pack for empty or invalid weights, nor for depthwise convs (no GEMM).
  if (m == 0 || k == 0 || m % groups_ != 0 || (groups_ > 1 && w.shape[1] == 1)) return;
  const int64_t mg = m / groups_;
  for (int64_t grp = 0; grp < groups_; ++grp) {
    GemmDesc d;
    d.M = mg, d.K = k, d.N = 1;
    d.A = w.as<float>() + grp * mg * k;
    packed_.push_back(packA(d));
  }
}

namespace {

INT8RT_REGISTER_CPU_OP("Conv", engine::factoryOf<ConvKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
