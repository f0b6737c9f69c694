// Quantizes a float activation for an int8 layer (QUANTIZATION.md): q = clamp(round_half_even(x / s),
// -127, 127). x / s is a true division, as in ONNX QuantizeLinear, so q matches Q/DQ models bit for bit.
#pragma once
#include <cstdint>

namespace int8rt::cpu::ops {

// Parallel over n; AVX2 where the CPU has it.
void quantizeInput(const float* x, int8_t* q, int64_t n, float scale);
// The per-ISA bodies, for one contiguous chunk.
void quantizeInputScalar(const float* x, int8_t* q, int64_t n, float scale);
void quantizeInputAvx2(const float* x, int8_t* q, int64_t n, float scale);

}  // namespace int8rt::cpu::ops
