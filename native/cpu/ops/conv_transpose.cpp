// ConvTranspose (1-D to 3-D, groups, strides, dilations, pads, output_padding, output_shape,
// auto_pad) with a fused bias/activation. Per image and group, one GEMM computes every (output channel,
// kernel tap) row of contributions from all input channels, col = Wᵀ·X; col2im then adds each tap's row
// into its strided place in the output plane (one task per plane, so no two tasks write one element).
#include <array>

#include "cpu/gemm.h"
#include "cpu/ops/activation.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

constexpr size_t kMaxSpatial = 3;

struct Geometry {
  int64_t n = 0, c = 0, m = 0, groups = 1;
  std::array<int64_t, kMaxSpatial> in{1, 1, 1}, out{1, 1, 1}, k{1, 1, 1}, stride{1, 1, 1}, dil{1, 1, 1}, padBegin{0, 0, 0};
};

class ConvTransposeKernel : public OpKernel {
 public:
  explicit ConvTransposeKernel(const KernelContext& c)
      : groups_(c.attributes.getInt("group", 1)), strides_(c.attributes.getInts("strides")),
        dilations_(c.attributes.getInts("dilations")), pads_(c.attributes.getInts("pads")),
        outputPadding_(c.attributes.getInts("output_padding")), outputShape_(c.attributes.getInts("output_shape")),
        kernelShape_(c.attributes.getInts("kernel_shape")), autoPad_(c.attributes.getString("auto_pad", "NOTSET")),
        act_(c.attributes.activation()) {
    const Tensor* w = c.weights.size() > 1 ? c.weights[1] : nullptr;
    if (w && w->dtype == DType::Float32) packWeights(*w);
  }

  Geometry geometry(const Shape& x, const Shape& w) const {
    if (x.size() < 3 || x.size() > 2 + kMaxSpatial) shapeError("ConvTranspose takes 1-D to 3-D inputs, got " + shapeString(x));
    if (w.size() != x.size()) shapeError("weight " + shapeString(w) + " does not match input " + shapeString(x));
    const size_t s = x.size() - 2;
    Geometry g;
    g.n = x[0], g.c = x[1], g.groups = groups_, g.m = w[1] * groups_;
    if (groups_ <= 0 || g.c % groups_ || w[0] != g.c) shapeError("weight " + shapeString(w) + " does not fit input channels " + std::to_string(g.c) + " in " + std::to_string(groups_) + " groups");
    auto at = [s](const std::vector<int64_t>& v, size_t i, int64_t d) { return v.size() >= s ? v[i] : d; };
    for (size_t i = 0; i < s; ++i) {
      g.in[i] = x[2 + i];
      g.k[i] = w[2 + i];
      g.stride[i] = at(strides_, i, 1);
      g.dil[i] = at(dilations_, i, 1);
      const int64_t outPad = at(outputPadding_, i, 0), extent = (g.k[i] - 1) * g.dil[i] + 1;
      const int64_t full = g.stride[i] * (g.in[i] - 1) + outPad + extent;
      int64_t begin = at(pads_, i, 0), end = pads_.size() >= 2 * s ? pads_[s + i] : 0, out;
      const bool same = autoPad_ == "SAME_UPPER" || autoPad_ == "SAME_LOWER";
      if (!outputShape_.empty() || same) {
        // The target size is given (or SAME: input · stride); the pads make up the difference.
        out = !outputShape_.empty() ? outputShape_[outputShape_.size() - s + i] : g.in[i] * g.stride[i];
        const int64_t total = std::max<int64_t>(0, full - out);
        begin = autoPad_ == "SAME_UPPER" ? total / 2 : total - total / 2;
      } else {
        out = full - begin - (autoPad_ == "VALID" ? 0 : end);
        if (autoPad_ == "VALID") begin = 0, out = full;
      }
      if (out <= 0) shapeError("ConvTranspose output would be empty");
      g.out[i] = out;
      g.padBegin[i] = begin;
    }
    return g;
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.empty() ? nullptr : in[0], "X");
    requireFloat(in.size() > 1 ? in[1] : nullptr, "W");
    const Geometry g = geometry(in[0]->shape, in[1]->shape);
    if (in.size() > 2 && in[2] && elementCount(in[2]->shape) != g.m) shapeError("the bias must hold one value per output channel");
    Shape out{g.n, g.m};
    for (size_t i = 0; i + 2 < in[0]->shape.size(); ++i) out.push_back(g.out[i]);
    return {TensorInfo{DType::Float32, out, {}}};
  }

  size_t workspaceBytes(const std::vector<const TensorInfo*>& in, const std::vector<TensorInfo>&) const override {
    const Geometry g = geometry(in[0]->shape, in[1]->shape);
    return static_cast<size_t>(g.m / g.groups * kernelSize(g) * inPlane(g)) * sizeof(float);
  }

  void run(const RunContext& ctx, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Geometry g = geometry(in[0]->shape, in[1]->shape);
    const float *x = in[0]->as<float>(), *w = in[1]->as<float>();
    const float* bias = in.size() > 2 && in[2] ? in[2]->as<float>() : nullptr;
    float* y = out[0]->as<float>();
    float* col = static_cast<float*>(ctx.workspace);
    const int64_t cg = g.c / g.groups, mg = g.m / g.groups, kSize = kernelSize(g), plane = inPlane(g);
    const int64_t outPlane = g.out[0] * g.out[1] * g.out[2];
    for (int64_t n = 0; n < g.n; ++n) {
      for (int64_t grp = 0; grp < g.groups; ++grp) {
        const bool empty = cg == 0 || plane == 0 || mg == 0;
        if (!empty) {
          GemmDesc d;
          d.M = mg * kSize, d.N = plane, d.K = cg;
          d.transA = true;  // W's group block is [cg, mg·kSize]
          d.A = w + grp * cg * mg * kSize;
          d.B = x + (n * g.c + grp * cg) * plane;
          d.C = col;
          gemmPacked(d, packed_.size() == size_t(g.groups) ? &packed_[grp] : nullptr, nullptr);
        }
        parallelRange(mg, std::max<int64_t>(1, 16384 / std::max<int64_t>(outPlane, 1)), [&](int64_t b, int64_t e) {
          for (int64_t ocg = b; ocg < e; ++ocg) {
            const int64_t oc = grp * mg + ocg;
            float* yp = y + (n * g.m + oc) * outPlane;
            std::fill(yp, yp + outPlane, bias ? bias[oc] : 0.0f);
            if (!empty) col2im(col + ocg * kSize * plane, yp, g);
            activateSpan(act_, yp, yp, outPlane);
          }
        });
      }
    }
  }

 private:
  static int64_t kernelSize(const Geometry& g) { return g.k[0] * g.k[1] * g.k[2]; }
  static int64_t inPlane(const Geometry& g) { return g.in[0] * g.in[1] * g.in[2]; }

  // The input indices [lo, hi) whose tap lands inside [0, out): i·stride − pad + tap ≥ 0 and < out.
  static void validRange(int64_t tap, int64_t stride, int64_t in, int64_t out, int64_t& lo, int64_t& hi) {
    lo = tap >= 0 ? 0 : (-tap + stride - 1) / stride;
    hi = out - tap <= 0 ? 0 : std::min<int64_t>(in, (out - tap + stride - 1) / stride);
  }

  // Adds the kSize rows [tap][input pixel] of one output channel into its plane yp.
  static void col2im(const float* col, float* yp, const Geometry& g) {
    const int64_t plane = inPlane(g);
    for (int64_t kz = 0; kz < g.k[0]; ++kz)
      for (int64_t ky = 0; ky < g.k[1]; ++ky)
        for (int64_t kx = 0; kx < g.k[2]; ++kx, col += plane) {
          const int64_t tz = kz * g.dil[0] - g.padBegin[0], ty = ky * g.dil[1] - g.padBegin[1], tx = kx * g.dil[2] - g.padBegin[2];
          int64_t z0, z1, y0, y1, x0, x1;
          validRange(tz, g.stride[0], g.in[0], g.out[0], z0, z1);
          validRange(ty, g.stride[1], g.in[1], g.out[1], y0, y1);
          validRange(tx, g.stride[2], g.in[2], g.out[2], x0, x1);
          for (int64_t iz = z0; iz < z1; ++iz)
            for (int64_t iy = y0; iy < y1; ++iy) {
              const float* src = col + (iz * g.in[1] + iy) * g.in[2];
              float* dst = yp + ((iz * g.stride[0] + tz) * g.out[1] + iy * g.stride[1] + ty) * g.out[2] + tx;
              const int64_t sx = g.stride[2];
              for (int64_t ix = x0; ix < x1; ++ix) dst[ix * sx] += src[ix];
            }
        }
  }

  // One packed op(A) = Wᵀ [mg·kSize, cg] per group, when W is a constant.
  void packWeights(const Tensor& w) {
    if (w.shape.size() < 3 || groups_ <= 0 || w.shape[0] % groups_ != 0) return;
    const int64_t cg = w.shape[0] / groups_, rows = elementCount(w.shape) / std::max<int64_t>(w.shape[0], 1);
    if (cg == 0 || rows == 0) return;
    for (int64_t grp = 0; grp < groups_; ++grp) {
      GemmDesc d;
      d.M = rows, d.K = cg, d.N = 1;
      d.transA = true;
      d.A = w.as<float>() + grp * cg * rows;
      packed_.push_back(packA(d));
    }
  }

  std::vector<PackedA> packed_;
  int64_t groups_;
  std::vector<int64_t> strides_, dilations_, pads_, outputPadding_, outputShape_, kernelShape_;
  std::string autoPad_;
  FusedActivation act_;
};

INT8RT_REGISTER_CPU_OP("ConvTranspose", engine::factoryOf<ConvTransposeKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
