// The sizes of one Conv call in its 2-D view (1-D convs get a unit height), shared by the Conv kernel
// and its per-ISA depthwise kernels.
#pragma once
#include <cstdint>

#include "cpu/ops/window.h"

namespace int8rt::cpu::ops {

struct ConvGeometry {
  int64_t n, c, h, w, m, cg, mg, groups, oh, ow;
  Axis y, x;
  int64_t kernelSize() const { return cg * y.kernel * x.kernel; }
  bool pointwise() const {
    return y.kernel == 1 && x.kernel == 1 && y.stride == 1 && x.stride == 1 && y.padBegin == 0 && x.padBegin == 0 &&
           y.padEnd == 0 && x.padEnd == 0;
  }
  bool depthwise() const { return groups == c && cg == 1 && groups > 1; }
};

}  // namespace int8rt::cpu::ops
