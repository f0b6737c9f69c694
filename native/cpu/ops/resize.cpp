// Resize (opset 10 to 19), float32, modes nearest and linear (N-linear over the resized axes), with
// the coordinate transformations half_pixel, half_pixel_symmetric, pytorch_half_pixel,
// align_corners, asymmetric and tf_crop_and_resize, every nearest_mode, sizes or scales, axes and
// keep_aspect_ratio_policy. Cubic and antialias are refused when the engine is built.
#include <cmath>

#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

struct ResizePlan {
  Shape out;
  std::vector<float> scale;  // per dim
  std::vector<float> roiStart, roiEnd;
};

class ResizeKernel : public OpKernel {
 public:
  explicit ResizeKernel(const KernelContext& c) : opset10_(c.opset < 11) {
    const engine::Attributes& a = c.attributes;
    mode_ = a.getString("mode", "nearest");
    if (mode_ != "nearest" && mode_ != "linear")
      throw Error(ErrorCode::UnsupportedOp, "Resize mode '" + mode_ + "' is not supported (nearest and linear are)");
    if (a.getInt("antialias", 0) != 0) throw Error(ErrorCode::UnsupportedOp, "Resize with antialias is not supported");
    coord_ = opset10_ ? "asymmetric" : a.getString("coordinate_transformation_mode", "half_pixel");
    nearest_ = opset10_ ? "floor" : a.getString("nearest_mode", "round_prefer_floor");
    extrapolation_ = a.getFloat("extrapolation_value", 0.0f);
    axes_ = a.getInts("axes");
    policy_ = a.getString("keep_aspect_ratio_policy", "stretch");
  }

  std::vector<size_t> floatValueInputs() const override { return opset10_ ? std::vector<size_t>{1} : std::vector<size_t>{1, 2}; }

  ResizePlan plan(const std::vector<const TensorInfo*>& in) const {
    const Shape& x = in[0]->shape;
    const int64_t r = static_cast<int64_t>(x.size());
    std::vector<int64_t> axes = axes_;
    if (axes.empty())
      for (int64_t i = 0; i < r; ++i) axes.push_back(i);
    for (int64_t& a : axes) a = normalizeAxis(a, r);
    ResizePlan p{x, std::vector<float>(r, 1.0f), std::vector<float>(r, 0.0f), std::vector<float>(r, 1.0f)};
    const TensorInfo* scales = opset10_ ? (in.size() > 1 ? in[1] : nullptr) : (in.size() > 2 ? in[2] : nullptr);
    const TensorInfo* sizes = !opset10_ && in.size() > 3 ? in[3] : nullptr;
    if (scales && elementCount(scales->shape) == 0) scales = nullptr;
    if (sizes && elementCount(sizes->shape) == 0) sizes = nullptr;
    if (!opset10_ && coord_ == "tf_crop_and_resize" && in.size() > 1 && in[1] && elementCount(in[1]->shape) > 0) {
      const std::vector<float>& roi = need(in[1], "roi");
      const size_t k = axes.size();
      if (roi.size() != 2 * k) shapeError("roi needs 2 values per resized axis");
      for (size_t i = 0; i < k; ++i) p.roiStart[axes[i]] = roi[i], p.roiEnd[axes[i]] = roi[i + k];
    }
    if (sizes) {
      if (!sizes->constant) throw Error(ErrorCode::UnsupportedOp, "Resize sizes computed from tensor data at run time are not supported");
      const std::vector<int64_t>& s = *sizes->constant;
      if (s.size() != axes.size()) shapeError("Resize sizes need one value per resized axis");
      if (policy_ == "stretch") {
        for (size_t i = 0; i < axes.size(); ++i) p.out[axes[i]] = s[i], p.scale[axes[i]] = static_cast<float>(s[i]) / static_cast<float>(x[axes[i]]);
      } else {
        // One scale for every axis: the largest that fits (not_larger) or the smallest that covers (not_smaller).
        float sc = policy_ == "not_larger" ? INFINITY : 0.0f;
        for (size_t i = 0; i < axes.size(); ++i) {
          const float f = static_cast<float>(s[i]) / static_cast<float>(x[axes[i]]);
          sc = policy_ == "not_larger" ? std::min(sc, f) : std::max(sc, f);
        }
        for (int64_t a : axes) p.scale[a] = sc, p.out[a] = static_cast<int64_t>(std::round(sc * static_cast<float>(x[a])));
      }
    } else if (scales) {
      const std::vector<float>& s = need(scales, "scales");
      if (s.size() != axes.size()) shapeError("Resize scales need one value per resized axis");
      for (size_t i = 0; i < axes.size(); ++i) {
        if (!(s[i] > 0)) shapeError("Resize scales must be positive");
        p.scale[axes[i]] = s[i];
        p.out[axes[i]] = static_cast<int64_t>(std::floor(static_cast<double>(x[axes[i]]) * s[i]));
      }
    } else {
      shapeError("Resize needs scales or sizes");
    }
    return p;
  }

  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    requireFloat(in.empty() ? nullptr : in[0], "X");
    return {TensorInfo{DType::Float32, plan(in).out, {}}};
  }

  // Input coordinate of output index o along one dim; NaN when outside the tf_crop_and_resize roi.
  // The resized length is lenIn · scale as a real number (not the floored output size), as the spec's
  // formulas use it.
  float source(int64_t o, int64_t lenIn, float lenOut, int64_t outSize, float scale, float roiStart, float roiEnd) const {
    const float x = static_cast<float>(o);
    if (coord_ == "asymmetric") return x / scale;
    if (coord_ == "align_corners") return lenOut == 1 ? 0.0f : x * static_cast<float>(lenIn - 1) / (lenOut - 1);
    if (coord_ == "pytorch_half_pixel") return lenOut > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
    if (coord_ == "half_pixel_symmetric") {
      const float adjustment = static_cast<float>(outSize) / lenOut;
      const float center = static_cast<float>(lenIn) / 2.0f;
      return center * (1.0f - adjustment) + (x + 0.5f) / scale - 0.5f;
    }
    if (coord_ == "tf_crop_and_resize") {
      const float in = lenOut > 1 ? roiStart * static_cast<float>(lenIn - 1) + x * (roiEnd - roiStart) * static_cast<float>(lenIn - 1) / (lenOut - 1)
                                  : 0.5f * (roiStart + roiEnd) * static_cast<float>(lenIn - 1);
      return in < 0 || in > static_cast<float>(lenIn - 1) ? NAN : in;
    }
    if (coord_ == "half_pixel") return (x + 0.5f) / scale - 0.5f;
    throw Error(ErrorCode::UnsupportedOp, "Resize coordinate_transformation_mode '" + coord_ + "' is not supported");
  }

  int64_t nearestIndex(float v, int64_t len) const {
    int64_t i;
    if (nearest_ == "floor") i = static_cast<int64_t>(std::floor(v));
    else if (nearest_ == "ceil") i = static_cast<int64_t>(std::ceil(v));
    else if (nearest_ == "round_prefer_ceil") i = static_cast<int64_t>(std::floor(v + 0.5f));
    else if (nearest_ == "round_prefer_floor") i = v == std::floor(v) + 0.5f ? static_cast<int64_t>(std::floor(v)) : static_cast<int64_t>(std::round(v));
    else throw Error(ErrorCode::UnsupportedOp, "Resize nearest_mode '" + nearest_ + "' is not supported");
    return std::clamp<int64_t>(i, 0, len - 1);
  }

  // Per dim and output index: two source indices and their weights (nearest: one index, weight 1).
  struct Tap { int64_t i0, i1; float w0, w1; bool outside; };

  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    std::vector<TensorInfo> infos(in.size());
    std::vector<const TensorInfo*> ptrs;
    for (size_t i = 0; i < in.size(); ++i) {
      if (!in[i]) { ptrs.push_back(nullptr); continue; }
      infos[i] = TensorInfo{in[i]->dtype, in[i]->shape, {}};
      if (i > 0 && in[i]->dtype == DType::Float32) infos[i].floatValues = std::vector<float>(in[i]->as<float>(), in[i]->as<float>() + in[i]->size());
      if (i > 0 && in[i]->dtype == DType::Int64) infos[i].constant = std::vector<int64_t>(in[i]->as<int64_t>(), in[i]->as<int64_t>() + in[i]->size());
      ptrs.push_back(&infos[i]);
    }
    const ResizePlan p = plan(ptrs);
    const Shape& xs = in[0]->shape;
    const size_t r = xs.size();
    std::vector<std::vector<Tap>> taps(r);
    for (size_t d = 0; d < r; ++d) {
      for (int64_t o = 0; o < p.out[d]; ++o) {
        if (xs[d] == p.out[d] && p.scale[d] == 1.0f && coord_ != "tf_crop_and_resize") {  // untouched dim
          taps[d].push_back({o, o, 1.0f, 0.0f, false});
          continue;
        }
        const float v = source(o, xs[d], static_cast<float>(xs[d]) * p.scale[d], p.out[d], p.scale[d], p.roiStart[d], p.roiEnd[d]);
        if (std::isnan(v)) { taps[d].push_back({0, 0, 0.0f, 0.0f, true}); continue; }
        if (mode_ == "nearest") {
          taps[d].push_back({nearestIndex(v, xs[d]), 0, 1.0f, 0.0f, false});
        } else {
          const float c = std::clamp(v, 0.0f, static_cast<float>(xs[d] - 1));
          const int64_t i0 = static_cast<int64_t>(std::floor(c)), i1 = std::min<int64_t>(i0 + 1, xs[d] - 1);
          const float f = c - static_cast<float>(i0);
          taps[d].push_back({i0, i1, 1.0f - f, f, false});
        }
      }
    }
    std::vector<int64_t> st(r);
    for (size_t d = r, k = 1; d-- > 0;) st[d] = static_cast<int64_t>(k), k *= static_cast<size_t>(xs[d]);
    const float* x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    const int64_t n = out[0]->size();
    if (n == 0) return;
    if (r == 0) { y[0] = x[0]; return; }
    // Separable by rows: the leading dims' corners (offset, weight) are found once per output row, then
    // each element of the row blends at most two taps of the last dim per corner. Zero-weight corners
    // and taps are skipped, as a corner sum would (so an Inf in an unused source never leaks in).
    const int64_t ow = p.out[r - 1], rows = n / ow;
    const std::vector<Tap>& tx = taps[r - 1];
    parallelRange(rows, std::max<int64_t>(1, 4096 / ow), [&](int64_t b, int64_t e) {
      std::vector<std::pair<int64_t, float>> corners, next;
      for (int64_t row = b; row < e; ++row) {
        float* yr = y + row * ow;
        corners.assign(1, {0, 1.0f});
        bool outside = false;
        int64_t rest = row;
        for (size_t d = r - 1; d-- > 0 && !outside;) {
          const Tap& t = taps[d][rest % p.out[d]];
          rest /= p.out[d];
          outside = t.outside;
          next.clear();
          for (const auto& [off, w] : corners) {
            if (t.w0 != 0) next.push_back({off + t.i0 * st[d], w * t.w0});
            if (t.w1 != 0) next.push_back({off + t.i1 * st[d], w * t.w1});
          }
          corners.swap(next);
        }
        if (outside) {
          std::fill(yr, yr + ow, extrapolation_);
          continue;
        }
        for (int64_t o = 0; o < ow; ++o) {
          const Tap& t = tx[o];
          if (t.outside) {
            yr[o] = extrapolation_;
            continue;
          }
          float acc = 0;
          for (const auto& [off, w] : corners) {
            float v = t.w0 * x[off + t.i0];
            if (t.w1 != 0) v += t.w1 * x[off + t.i1];
            acc += w * v;
          }
          yr[o] = acc;
        }
      }
    });
  }

 private:
  static const std::vector<float>& need(const TensorInfo* t, const char* what) {
    if (!t->floatValues) throw Error(ErrorCode::UnsupportedOp, std::string("Resize ") + what + " computed at run time are not supported");
    return *t->floatValues;
  }
  bool opset10_;
  std::string mode_, coord_, nearest_, policy_;
  float extrapolation_;
  std::vector<int64_t> axes_;
};

INT8RT_REGISTER_CPU_OP("Resize", engine::factoryOf<ResizeKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
