// AVX-512 kernels (F, BW, VL, DQ): fp32 12x32 micro-tile of FMAs; int8 through int16 pairs and
// vpmaddwd (exact) for CPUs without VNNI. Same driver and packing scheme as gemm_avx2.cpp, wider.
#include "cpu/gemm_isa_prelude.h"

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")
#include "cpu/gemm_driver.h"

namespace int8rt::cpu {
namespace {

struct F32Avx512 {
  using In = float;
  using TA = float;
  using TB = float;
  using Acc = float;
  using V = __m512;
  using VA = __m512;
  using VB = __m512;
  static constexpr int kLanes = 16, kGroup = 1, kMcPanels = 6, kNcPanels = 8, kKc = 256;
  static constexpr bool kCompensate = false;
  static float packA(float x) { return x; }
  static float packB(float x) { return x; }
  static V zero() { return _mm512_setzero_ps(); }
  static VB loadB(const float* p) { return _mm512_load_ps(p); }
  static VA broadcastA(const float* p) { return _mm512_set1_ps(*p); }
  static V madd(V acc, VA a, VB b) { return _mm512_fmadd_ps(a, b, acc); }
  static V load(const float* p) { return _mm512_load_ps(p); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static void store(float* p, V v) { _mm512_store_ps(p, v); }
};

// fp16 widened to fp32 while packing (see gemm_avx2.cpp).
struct F16Avx512 : F32Avx512 {
  using In = uint16_t;
  static float packA(uint16_t h) { return halfToFloat(h); }
  static float packB(uint16_t h) { return halfToFloat(h); }
  static __m512 widen(const uint16_t* p) {  // masked form: GCC 12 warns on the unmasked intrinsic
    return _mm512_maskz_cvtph_ps(0xffff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static void packBGroupRowMajor(const uint16_t* src, int64_t, float* dst, int32_t*) {
    _mm512_store_ps(dst, widen(src));
    _mm512_store_ps(dst + 16, widen(src + 16));
  }
};

struct S8Avx512 {
  using In = int8_t;
  using TA = int16_t;
  using TB = int16_t;
  using Acc = int32_t;
  using V = __m512i;
  using VA = __m512i;
  using VB = __m512i;
  static constexpr int kLanes = 16, kGroup = 2, kMcPanels = 6, kNcPanels = 8, kKc = 512;
  static constexpr bool kCompensate = false;
  static int16_t packA(int8_t x) { return x; }
  static int16_t packB(int8_t x) { return x; }
  static V zero() { return _mm512_setzero_si512(); }
  static VB loadB(const int16_t* p) { return _mm512_load_si512(p); }
  static VA broadcastA(const int16_t* p) {
    int32_t pair;
    std::memcpy(&pair, p, 4);
    return _mm512_set1_epi32(pair);
  }
  static V madd(V acc, VA a, VB b) { return _mm512_add_epi32(acc, _mm512_madd_epi16(a, b)); }
  static V load(const int32_t* p) { return _mm512_load_si512(p); }
  static V add(V a, V b) { return _mm512_add_epi32(a, b); }
  static void store(int32_t* p, V v) { _mm512_store_si512(p, v); }
};

// The driver for an input type: f(driver) with the GemmDriver instantiation that handles it.
template <class F>
void withDriver(DType t, F&& f) {
  if (t == DType::Int8) f(GemmDriver<S8Avx512, 6, 2>{});
  else if (t == DType::Float16) f(GemmDriver<F16Avx512, 12, 2>{});
  else f(GemmDriver<F32Avx512, 12, 2>{});
}

}  // namespace

void gemmAvx512(const GemmDesc& d, const Prepacked& p) {
  withDriver(d.inType, [&](auto drv) { decltype(drv)::run(d, p); });
}

void packAvx512(const GemmDesc& d, bool isA, PackedMatrix& out) {
  withDriver(d.inType, [&](auto drv) { decltype(drv)::pack(d, isA, out); });
}

}  // namespace int8rt::cpu

#pragma GCC pop_options
