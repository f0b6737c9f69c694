// IEEE 754 half precision <-> float32. float->half rounds to nearest even; half->float is exact.
// NaNs keep sign and payload and come out quiet (what F16C does), so both paths agree bit for bit.
#pragma once
#include <cstdint>
#include <cstring>

namespace int8rt {

inline float halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, bits;
  if (exp == 0) {
    float mag = static_cast<float>(mant) * 5.9604644775390625e-8f;  // mant * 2^-24, exact
    std::memcpy(&bits, &mag, 4);
    bits |= sign;
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13) | (mant ? 0x400000u : 0u);
  } else {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline uint16_t floatToHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  uint32_t sign = (bits >> 16) & 0x8000u, mag = bits & 0x7fffffffu;
  if (mag >= 0x7f800000u)  // Inf, NaN (quiet bit forced, top payload bits kept)
    return static_cast<uint16_t>(sign | 0x7c00u | (mag > 0x7f800000u ? 0x200u | ((mag >> 13) & 0x3ffu) : 0u));
  if (mag >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // >= 65520 rounds to Inf
  if (mag < 0x38800000u) {
    // Below 2^-14: subnormal half. Adding 0.5 (2^-1) puts the half's mantissa in the float's low bits,
    // and the float adder rounds to nearest even for us.
    float m;
    std::memcpy(&m, &mag, 4);
    m += 0.5f;
    uint32_t r;
    std::memcpy(&r, &m, 4);
    return static_cast<uint16_t>(sign | (r - 0x3f000000u));
  }
  // Normal: rebias the exponent and round the 13 dropped bits to nearest even.
  uint32_t odd = (mag >> 13) & 1u;
  mag += (static_cast<uint32_t>(15 - 127) << 23) + 0xfffu + odd;
  return static_cast<uint16_t>(sign | (mag >> 13));
}

// Bulk conversions, F16C when the CPU has it (and the active ISA allows it).
void halfToFloatN(const uint16_t* in, float* out, int64_t n);
void floatToHalfN(const float* in, uint16_t* out, int64_t n);
// The portable versions, always available (tests compare both).
void halfToFloatScalarN(const uint16_t* in, float* out, int64_t n);
void floatToHalfScalarN(const float* in, uint16_t* out, int64_t n);

}  // namespace int8rt
