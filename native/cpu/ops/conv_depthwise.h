// Depthwise Conv (groups == input channels, any channel multiplier): y = act(bias + window · kernel),
// one output plane per (image, output channel). Dispatched on the active ISA.
#pragma once
#include "cpu/ops/conv_geometry.h"
#include "engine/attributes.h"

namespace int8rt::cpu::ops {

void depthwiseConv(const float* x, const float* wt, const float* bias, float* y, const ConvGeometry& g,
                   const engine::FusedActivation& act);
// The per-ISA kernels, for depthwiseConv.
void depthwiseConvScalar(const float* x, const float* wt, const float* bias, float* y, const ConvGeometry& g,
                         const engine::FusedActivation& act);
void depthwiseConvAvx2(const float* x, const float* wt, const float* bias, float* y, const ConvGeometry& g,
                       const engine::FusedActivation& act);

}  // namespace int8rt::cpu::ops
