// AVX-VNNI (VEX, 256-bit: Alder Lake and later) int8 kernel: vpdpbusd on ymm, 6x16 micro-tile.
// fp32 goes to the AVX2 FMA kernel. Kept apart from the AVX-512 file so no EVEX encoding leaks in.
#include "cpu/gemm_isa_prelude.h"

#pragma GCC push_options
#pragma GCC target("avxvnni,avx2,fma,f16c")
#include "cpu/gemm_driver.h"
#include "cpu/gemm_u8s8.h"

namespace int8rt::cpu {
namespace {

struct S8AvxVnni : U8S8 {
  using V = __m256i;
  using VA = __m256i;
  using VB = __m256i;
  static constexpr int kLanes = 8, kMcPanels = 12, kNcPanels = 16;
  static V zero() { return _mm256_setzero_si256(); }
  static VB loadB(const int8_t* p) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(p)); }
  static VA broadcastA(const uint8_t* p) { return _mm256_set1_epi32(quad(p)); }
  static V madd(V acc, VA a, VB b) { return _mm256_dpbusd_avx_epi32(acc, a, b); }
  static V load(const int32_t* p) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(p)); }
  static V add(V a, V b) { return _mm256_add_epi32(a, b); }
  static void store(int32_t* p, V v) { _mm256_store_si256(reinterpret_cast<__m256i*>(p), v); }
};

}  // namespace

// Floating-point inputs use the Avx2 kernels, packed the same way.
void gemmAvxVnni(const GemmDesc& d, const Prepacked& p) {
  if (d.inType == DType::Int8) GemmDriver<S8AvxVnni, 6, 2>::run(d, p);
  else gemmAvx2(d, p);
}

void packAvxVnni(const GemmDesc& d, bool isA, PackedMatrix& out) {
  if (d.inType == DType::Int8) GemmDriver<S8AvxVnni, 6, 2>::pack(d, isA, out);
  else packAvx2(d, isA, out);
}

}  // namespace int8rt::cpu

#pragma GCC pop_options
