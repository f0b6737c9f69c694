#include "cpu/gemm.h"

#include "core/cpu_features.h"

namespace int8rt::cpu {

namespace {

void runOn(Isa isa, const GemmDesc& d, const Prepacked& p) {
  switch (isa) {
    case Isa::Avx512Vnni: return gemmAvx512Vnni(d, p);
    case Isa::Avx512: return gemmAvx512(d, p);
    case Isa::AvxVnni: return gemmAvxVnni(d, p);
    case Isa::Avx2: return gemmAvx2(d, p);
    case Isa::Scalar: return gemmScalar(d, p);
  }
}

void packOn(Isa isa, const GemmDesc& d, bool isA, PackedMatrix& out) {
  out.isa = isa;
  out.inType = d.inType;
  out.rows = isA ? d.M : d.K;
  out.cols = isA ? d.K : d.N;
  out.data = std::make_unique<AlignedBuffer>();
  switch (isa) {
    case Isa::Avx512Vnni: return packAvx512Vnni(d, isA, out);
    case Isa::Avx512: return packAvx512(d, isA, out);
    case Isa::AvxVnni: return packAvxVnni(d, isA, out);
    case Isa::Avx2: return packAvx2(d, isA, out);
    case Isa::Scalar: return packScalar(d, isA, out);
  }
}

bool fits(const PackedMatrix* p, Isa isa, DType t, int64_t rows, int64_t cols) {
  return p && p->data && p->isa == isa && p->inType == t && p->rows == rows && p->cols == cols;
}

}  // namespace

// fp16 inputs are widened to fp32 while packed and multiplied in fp32: these CPUs lack fp16 FMA.
void gemm(const GemmDesc& d) { runOn(activeIsa(), d, {}); }

PackedA packA(const GemmDesc& d) {
  PackedA p;
  packOn(activeIsa(), d, true, p);
  return p;
}

PackedB packB(const GemmDesc& d) {
  PackedB p;
  packOn(activeIsa(), d, false, p);
  return p;
}

void gemmPacked(const GemmDesc& d, const PackedA* a, const PackedB* b, const RowEpilogue* epilogue, int64_t ldc) {
  const Isa isa = activeIsa();
  Prepacked p;
  if (fits(a, isa, d.inType, d.M, d.K)) p.a = a;
  if (fits(b, isa, d.inType, d.K, d.N)) p.b = b;
  if (epilogue && epilogue->fn && d.outType == DType::Float32) p.epilogue = epilogue;
  p.ldc = ldc > d.N ? ldc : 0;
  runOn(isa, d, p);
}

}  // namespace int8rt::cpu
