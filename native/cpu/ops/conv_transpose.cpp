// ConvTranspose (1-D to 3-D, groups, strides, dilations, pads, output_padding, output_shape,
// auto_pad) with a fused bias/activation. Direct scatter form: each output channel plane is owned by
// one task, which adds every input pixel's contribution into it, so no two tasks write one element.
#include <array>

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
        act_(c.attributes.activation()) {}

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

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    const Geometry g = geometry(in[0]->shape, in[1]->shape);
    const float *x = in[0]->as<float>(), *w = in[1]->as<float>();
    const float* bias = in.size() > 2 && in[2] ? in[2]->as<float>() : nullptr;
    float* y = out[0]->as<float>();
    const int64_t cg = g.c / g.groups, mg = g.m / g.groups;
    const int64_t inPlane = g.in[0] * g.in[1] * g.in[2], outPlane = g.out[0] * g.out[1] * g.out[2];
    const int64_t kSize = g.k[0] * g.k[1] * g.k[2];
    parallelRange(g.n * g.m, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const int64_t n = p / g.m, oc = p % g.m, grp = oc / mg, ocg = oc % mg;
        float* yp = y + p * outPlane;
        std::fill(yp, yp + outPlane, bias ? bias[oc] : 0.0f);
        for (int64_t ic = grp * cg; ic < (grp + 1) * cg; ++ic) {
          const float* xp = x + (n * g.c + ic) * inPlane;
          const float* wp = w + (ic * mg + ocg) * kSize;
          for (int64_t iz = 0; iz < g.in[0]; ++iz)
            for (int64_t iy = 0; iy < g.in[1]; ++iy)
              for (int64_t ix = 0; ix < g.in[2]; ++ix) {
                const float v = xp[(iz * g.in[1] + iy) * g.in[2] + ix];
                for (int64_t kz = 0; kz < g.k[0]; ++kz) {
                  const int64_t oz = iz * g.stride[0] - g.padBegin[0] + kz * g.dil[0];
                  if (oz < 0 || oz >= g.out[0]) continue;
                  for (int64_t ky = 0; ky < g.k[1]; ++ky) {
                    const int64_t oy = iy * g.stride[1] - g.padBegin[1] + ky * g.dil[1];
                    if (oy < 0 || oy >= g.out[1]) continue;
                    float* row = yp + (oz * g.out[1] + oy) * g.out[2];
                    const float* wr = wp + (kz * g.k[1] + ky) * g.k[2];
                    for (int64_t kx = 0; kx < g.k[2]; ++kx) {
                      const int64_t ox = ix * g.stride[2] - g.padBegin[2] + kx * g.dil[2];
                      if (ox >= 0 && ox < g.out[2]) row[ox] += v * wr[kx];
                    }
                  }
                }
              }
        }
        activateSpan(act_, yp, yp, outPlane);
      }
    });
  }

 private:
  int64_t groups_;
  std::vector<int64_t> strides_, dilations_, pads_, outputPadding_, outputShape_, kernelShape_;
  std::string autoPad_;
  FusedActivation act_;
};

INT8RT_REGISTER_CPU_OP("ConvTranspose", engine::factoryOf<ConvTransposeKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
