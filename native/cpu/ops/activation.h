// The activations, shared by the standalone ops (Relu, Sigmoid, …) and the epilogues of Conv and
// Gemm that have one fused (the `activation` attribute written by lib/graph/passes/fuse-activation.ts).
#pragma once
#include <type_traits>
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "cpu/ops/op_util.h"
#include "engine/attributes.h"

namespace int8rt::cpu::ops {

using engine::FusedActivation;
using Act = FusedActivation::Type;

// NaN propagates through every activation, as in ONNX Runtime: comparisons are written so a NaN
// input falls through to a NaN result.
template <Act A>
inline float activate(float x, float p0, float p1) {
  if constexpr (A == Act::Relu) return x < 0.0f ? 0.0f : x;
  else if constexpr (A == Act::Sigmoid) return 1.0f / (1.0f + std::exp(-x));
  else if constexpr (A == Act::Clip) {
    const float y = x < p0 ? p0 : x;  // min > max gives max everywhere, as the spec says
    return y > p1 ? p1 : y;
  }
  else if constexpr (A == Act::LeakyRelu) return x < 0.0f ? p0 * x : x;
  else if constexpr (A == Act::HardSigmoid) {
    const float y = p0 * x + p1;
    return y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y);
  } else if constexpr (A == Act::HardSwish) {
    const float y = x * (1.0f / 6.0f) + 0.5f;
    return x * (y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y));
  } else return x;
}

template <Act A>
inline void activateSpan(const float* in, float* out, int64_t n, float p0, float p1) {
  for (int64_t i = 0; i < n; ++i) out[i] = activate<A>(in[i], p0, p1);
}

// Calls f(std::integral_constant<Act, A>{}) for the activation type of a (not for Act::None): the one
// place that turns the run-time type into a compile-time one.
template <class F>
inline void withActivation(const FusedActivation& a, F&& f) {
  switch (a.type) {
    case Act::None: return;
    case Act::Relu: return f(std::integral_constant<Act, Act::Relu>{});
    case Act::Sigmoid: return f(std::integral_constant<Act, Act::Sigmoid>{});
    case Act::Clip: return f(std::integral_constant<Act, Act::Clip>{});
    case Act::LeakyRelu: return f(std::integral_constant<Act, Act::LeakyRelu>{});
    case Act::HardSigmoid: return f(std::integral_constant<Act, Act::HardSigmoid>{});
    case Act::HardSwish: return f(std::integral_constant<Act, Act::HardSwish>{});
  }
}

// out[i] = act(in[i]) (in == out allowed).
inline void activateSpan(const FusedActivation& a, const float* in, float* out, int64_t n) {
  if (a.type == Act::None) {
    if (in != out) std::copy(in, in + n, out);
    return;
  }
  withActivation(a, [&](auto act) { activateSpan<decltype(act)::value>(in, out, n, a.p0, a.p1); });
}

// row[i] = act(row[i] + b): the bias add and the activation in one pass (the same operations per element
// as adding b in one loop and activating in a second).
inline void biasActivateSpan(const FusedActivation& a, float* row, int64_t n, float b) {
  if (a.type == Act::None) {
    for (int64_t i = 0; i < n; ++i) row[i] += b;
    return;
  }
  withActivation(a, [&](auto act) {
    for (int64_t i = 0; i < n; ++i) row[i] = activate<decltype(act)::value>(row[i] + b, a.p0, a.p1);
  });
}

// A GEMM row epilogue (cpu::RowEpilogue) applying the fused activation; ctx is the FusedActivation.
inline void activateRow(const void* ctx, float* row, int64_t, int64_t, int64_t count) {
  activateSpan(*static_cast<const FusedActivation*>(ctx), row, row, count);
}

// The channel-major epilogue of Conv: data is [channels, inner] rows; row c gets + bias[c], then act.
inline void biasActivateRows(float* data, int64_t rows, int64_t inner, const float* bias, int64_t channels,
                             const FusedActivation& a) {
  if (!bias && a.type == Act::None) return;
  parallelRange(rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(inner, 1)), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      float* row = data + r * inner;
      if (bias) {
        const float b = bias[r % channels];
        for (int64_t i = 0; i < inner; ++i) row[i] += b;
      }
      activateSpan(a, row, row, inner);
    }
  });
}

}  // namespace int8rt::cpu::ops
