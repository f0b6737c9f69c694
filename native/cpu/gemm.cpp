#include "cpu/gemm.h"

#include <vector>

#include "core/cpu_features.h"
#include "core/half.h"
#include "core/thread_pool.h"

namespace int8rt::cpu {

namespace {

void dispatch(const GemmDesc& d) {
  switch (activeIsa()) {
    case Isa::Avx512Vnni: return gemmAvx512Vnni(d);
    case Isa::Avx512: return gemmAvx512(d);
    case Isa::AvxVnni: return gemmAvxVnni(d);
    case Isa::Avx2: return gemmAvx2(d);
    case Isa::Scalar: return gemmScalar(d);
  }
}

// fp16 operands are widened to fp32 (F16C) and multiplied in fp32: CPUs here lack fp16 FMA.
void gemmHalf(const GemmDesc& d) {
  std::vector<float> a(d.M * d.K), b(d.K * d.N);
  ThreadPool::global().parallelFor(2, [&](int64_t which) {
    if (which == 0) halfToFloatN(static_cast<const uint16_t*>(d.A), a.data(), d.M * d.K);
    else halfToFloatN(static_cast<const uint16_t*>(d.B), b.data(), d.K * d.N);
  });
  GemmDesc f = d;
  f.inType = DType::Float32;
  f.A = a.data();
  f.B = b.data();
  dispatch(f);
}

}  // namespace

void gemm(const GemmDesc& d) {
  if (d.inType == DType::Float16) return gemmHalf(d);
  dispatch(d);
}

}  // namespace int8rt::cpu
