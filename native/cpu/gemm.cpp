#include "cpu/gemm.h"

#include "core/cpu_features.h"

namespace int8rt::cpu {

// fp16 inputs are widened to fp32 while packed and multiplied in fp32: these CPUs lack fp16 FMA.
void gemm(const GemmDesc& d) {
  switch (activeIsa()) {
    case Isa::Avx512Vnni: return gemmAvx512Vnni(d);
    case Isa::Avx512: return gemmAvx512(d);
    case Isa::AvxVnni: return gemmAvxVnni(d);
    case Isa::Avx2: return gemmAvx2(d);
    case Isa::Scalar: return gemmScalar(d);
  }
}

}  // namespace int8rt::cpu
