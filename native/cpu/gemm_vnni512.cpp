// AVX-512 VNNI int8 kernel: vpdpbusd multiplies u8 x s8 in groups of four and adds to int32 without
// saturation (64 MACs per instruction), 12x32 micro-tile. fp32 goes to the AVX-512 FMA kernel.
#include "cpu/gemm_isa_prelude.h"

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")
#include "cpu/gemm_driver.h"
#include "cpu/gemm_u8s8.h"

namespace int8rt::cpu {
namespace {

struct S8Vnni512 : U8S8 {
  using V = __m512i;
  using VA = __m512i;
  using VB = __m512i;
  static constexpr int kLanes = 16, kMcPanels = 6, kNcPanels = 8;
  static V zero() { return _mm512_setzero_si512(); }
  static VB loadB(const int8_t* p) { return _mm512_load_si512(p); }
  static VA broadcastA(const uint8_t* p) { return _mm512_set1_epi32(quad(p)); }
  static V madd(V acc, VA a, VB b) { return _mm512_dpbusd_epi32(acc, a, b); }
  static V load(const int32_t* p) { return _mm512_load_si512(p); }
  static V add(V a, V b) { return _mm512_add_epi32(a, b); }
  static void store(int32_t* p, V v) { _mm512_store_si512(p, v); }
};

}  // namespace

// Floating-point inputs use the Avx512 kernels, packed the same way.
void gemmAvx512Vnni(const GemmDesc& d, const Prepacked& p) {
  if (d.inType == DType::Int8) GemmDriver<S8Vnni512, 12, 2>::run(d, p);
  else gemmAvx512(d, p);
}

void packAvx512Vnni(const GemmDesc& d, bool isA, PackedMatrix& out) {
  if (d.inType == DType::Int8) GemmDriver<S8Vnni512, 12, 2>::pack(d, isA, out);
  else packAvx512(d, isA, out);
}

}  // namespace int8rt::cpu

#pragma GCC pop_options
