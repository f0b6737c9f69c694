// The sliding-window geometry shared by Conv and the pools: kernel, strides, dilations and pads per
// spatial dim, with auto_pad (SAME_UPPER / SAME_LOWER / VALID) and ceil_mode resolved against the
// actual input size.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cpu/ops/op_util.h"
#include "engine/attributes.h"

namespace int8rt::cpu::ops {

struct WindowAttrs {
  std::vector<int64_t> kernel, strides, dilations, pads;  // pads: begins then ends (ONNX order)
  std::string autoPad = "NOTSET";
  bool ceilMode = false;

  // kernel: from the attribute, or (Conv) from the weight dims when the attribute is absent.
  static WindowAttrs read(const engine::Attributes& a, size_t spatial, std::vector<int64_t> kernel = {}) {
    WindowAttrs w;
    w.kernel = a.getInts("kernel_shape", std::move(kernel));
    w.strides = a.getInts("strides", std::vector<int64_t>(spatial, 1));
    w.dilations = a.getInts("dilations", std::vector<int64_t>(spatial, 1));
    w.pads = a.getInts("pads", std::vector<int64_t>(2 * spatial, 0));
    w.autoPad = a.getString("auto_pad", "NOTSET");
    w.ceilMode = a.getInt("ceil_mode", 0) != 0;
    if (w.kernel.size() != spatial || w.strides.size() != spatial || w.dilations.size() != spatial || w.pads.size() != 2 * spatial)
      throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: node '" + a.node() + "' has kernel/stride/pad lists of the wrong length");
    for (size_t i = 0; i < spatial; ++i)
      if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1)
        throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: node '" + a.node() + "' has a non-positive kernel, stride or dilation");
    if (w.autoPad != "NOTSET" && w.autoPad != "VALID" && w.autoPad != "SAME_UPPER" && w.autoPad != "SAME_LOWER")
      throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: node '" + a.node() + "' has auto_pad '" + w.autoPad + "'");
    return w;
  }
};

// One spatial dim, resolved.
struct Axis {
  int64_t in, out, kernel, stride, dilation, padBegin, padEnd;
};

inline std::vector<Axis> resolveWindow(const WindowAttrs& w, const Shape& inSpatial) {
  std::vector<Axis> axes;
  const size_t s = w.kernel.size();
  for (size_t i = 0; i < s; ++i) {
    Axis a{inSpatial[i], 0, w.kernel[i], w.strides[i], w.dilations[i], w.pads[i], w.pads[i + s]};
    const int64_t span = (a.kernel - 1) * a.dilation + 1;
    if (w.autoPad == "VALID") {
      a.padBegin = a.padEnd = 0;
    } else if (w.autoPad == "SAME_UPPER" || w.autoPad == "SAME_LOWER") {
      const int64_t out = (a.in + a.stride - 1) / a.stride;
      const int64_t total = std::max<int64_t>(0, (out - 1) * a.stride + span - a.in);
      a.padBegin = w.autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      a.padEnd = total - a.padBegin;
    }
    const int64_t room = a.in + a.padBegin + a.padEnd - span;
    if (room < 0)
      shapeError("a window of " + std::to_string(span) + " does not fit input size " + std::to_string(a.in) + " with its pads");
    a.out = (w.ceilMode ? (room + a.stride - 1) / a.stride : room / a.stride) + 1;
    // With ceil_mode the last window must still start inside the input or its leading pad.
    if (w.ceilMode && (a.out - 1) * a.stride >= a.in + a.padBegin) --a.out;
    axes.push_back(a);
  }
  return axes;
}

// Inputs are N, C, spatial…; Conv runs 1-D windows as 2-D with a height of 1, the pools run 1-D and
// 2-D windows as 3-D.
inline void requireSpatial(const TensorInfo& x, size_t spatial, const char* what) {
  if (x.shape.size() != spatial + 2)
    shapeError(std::string("input ") + what + " must have rank " + std::to_string(spatial + 2) + " but has dims " + shapeString(x.shape));
}

// 2-D view of the resolved axes: (h, w), with a unit height axis added for 1-D.
inline void as2d(std::vector<Axis>& axes) {
  if (axes.size() == 1) axes.insert(axes.begin(), Axis{1, 1, 1, 1, 1, 0, 0});
}

// 3-D view of the resolved axes: (d, h, w), with unit leading axes added for 1-D and 2-D.
inline void as3d(std::vector<Axis>& axes) {
  while (axes.size() < 3) axes.insert(axes.begin(), Axis{1, 1, 1, 1, 1, 0, 0});
}

}  // namespace int8rt::cpu::ops
