#include "core/half.h"

#include "core/cpu_features.h"

namespace int8rt {

void halfToFloatF16c(const uint16_t* in, float* out, int64_t n);  // half_f16c.cpp
void floatToHalfF16c(const float* in, uint16_t* out, int64_t n);

void halfToFloatScalarN(const uint16_t* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = halfToFloat(in[i]);
}

void floatToHalfScalarN(const float* in, uint16_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = floatToHalf(in[i]);
}

void halfToFloatN(const uint16_t* in, float* out, int64_t n) {
  if (isaIncludes(activeIsa(), Isa::Avx2)) return halfToFloatF16c(in, out, n);
  halfToFloatScalarN(in, out, n);
}

void floatToHalfN(const float* in, uint16_t* out, int64_t n) {
  if (isaIncludes(activeIsa(), Isa::Avx2)) return floatToHalfF16c(in, out, n);
  floatToHalfScalarN(in, out, n);
}

}  // namespace int8rt
