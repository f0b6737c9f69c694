#include "cpu/ops/quantize_input.h"

#include <algorithm>
#include <cmath>

#include "core/cpu_features.h"
#include "cpu/ops/op_util.h"

namespace int8rt::cpu::ops {

void quantizeInputScalar(const float* x, int8_t* q, int64_t n, float scale) {
  for (int64_t i = 0; i < n; ++i)  // nearbyint in the default rounding mode: half to even
    q[i] = static_cast<int8_t>(std::clamp(std::nearbyint(x[i] / scale), -127.0f, 127.0f));
}

void quantizeInput(const float* x, int8_t* q, int64_t n, float scale) {
  const bool avx2 = isaIncludes(activeIsa(), Isa::Avx2);
  parallelRange(n, 1 << 14, [&](int64_t begin, int64_t end) {
    if (avx2) quantizeInputAvx2(x + begin, q + begin, end - begin, scale);
    else quantizeInputScalar(x + begin, q + begin, end - begin, scale);
  });
}

}  // namespace int8rt::cpu::ops
