// AVX2 + FMA kernels. fp32: 6x16 micro-tile of FMAs. int8: sign-extended to int16 and multiplied with
// vpmaddwd (16 MACs per instruction, exact for every int8 value, unlike vpmaddubsw which saturates).
#include "cpu/gemm_isa_prelude.h"

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#include "cpu/gemm_driver.h"

namespace int8rt::cpu {
namespace {

struct F32Avx2 {
  using In = float;
  using TA = float;
  using TB = float;
  using Acc = float;
  using V = __m256;
  using VA = __m256;
  using VB = __m256;
  static constexpr int kLanes = 8, kGroup = 1, kMcPanels = 12, kNcPanels = 16, kKc = 256;
  static constexpr bool kCompensate = false;
  static float packA(float x) { return x; }
  static float packB(float x) { return x; }
  static V zero() { return _mm256_setzero_ps(); }
  static VB loadB(const float* p) { return _mm256_load_ps(p); }
  static VA broadcastA(const float* p) { return _mm256_broadcast_ss(p); }
  static V madd(V acc, VA a, VB b) { return _mm256_fmadd_ps(a, b, acc); }
  static V load(const float* p) { return _mm256_load_ps(p); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static void store(float* p, V v) { _mm256_store_ps(p, v); }
};

// fp16 operands are widened to fp32 as they are packed (F16C), then multiplied by the fp32 kernel:
// no separate conversion pass, no fp32 copy of B.
struct F16Avx2 : F32Avx2 {
  using In = uint16_t;
  static float packA(uint16_t h) { return halfToFloat(h); }
  static float packB(uint16_t h) { return halfToFloat(h); }
  static void packBGroupRowMajor(const uint16_t* src, int64_t, float* dst, int32_t*) {
    _mm256_store_ps(dst, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src))));
    _mm256_store_ps(dst + 8, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 8))));
  }
};

// int8 via int16 pairs: A broadcasts (a[k], a[k+1]) as one 32-bit lane, B holds (b[k][n], b[k+1][n]).
struct S8Avx2 {
  using In = int8_t;
  using TA = int16_t;
  using TB = int16_t;
  using Acc = int32_t;
  using V = __m256i;
  using VA = __m256i;
  using VB = __m256i;
  static constexpr int kLanes = 8, kGroup = 2, kMcPanels = 12, kNcPanels = 16, kKc = 512;
  static constexpr bool kCompensate = false;
  static int16_t packA(int8_t x) { return x; }
  static int16_t packB(int8_t x) { return x; }
  // 16 columns x 2 k of a [K,N] B: interleave the two rows byte-wise, then sign-extend to int16.
  static void packBGroupRowMajor(const int8_t* src, int64_t kStride, int16_t* dst, int32_t*) {
    __m128i r0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
    __m128i r1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + kStride));
    _mm256_store_si256(reinterpret_cast<__m256i*>(dst), _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(r0, r1)));
    _mm256_store_si256(reinterpret_cast<__m256i*>(dst + 16), _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(r0, r1)));
  }
  // A full 6-row panel of a [M,K] A, 16 k at a time: widen each row to int16, then transpose the 6 x 8
  // (k-pair) dwords into [8][6].
  static int64_t packAPanelRowMajor(const int8_t* src, int64_t rowStride, int64_t fullK, int16_t* dst) {
    int64_t k = 0;
    for (; k + 16 <= fullK; k += 16) {
      alignas(32) int32_t t[6][8];
      for (int i = 0; i < 6; ++i)
        _mm256_store_si256(reinterpret_cast<__m256i*>(t[i]),
                           _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i * rowStride + k))));
      for (int g = 0; g < 8; ++g)
        for (int i = 0; i < 6; ++i) std::memcpy(dst + (g * 6 + i) * 2, &t[i][g], 4);
      dst += 96;
    }
    return k;
  }
  static V zero() { return _mm256_setzero_si256(); }

  // The 6x16 tile needs all 16 ymm registers (12 accumulators, 2 of B, the A broadcast and one product);
  // GCC spills at that pressure, so the k loop is written out in assembly, unrolled by two k-groups, and
  // the tile is added into (accumulate) or stored to c directly.
  static void kernel(int64_t kgroups, const int16_t* a, const int16_t* b, int32_t* c, int64_t ldc, bool accumulate) {
    int64_t half = kgroups >> 1;
    const int64_t odd = kgroups & 1;
    const int64_t ldcBytes = ldc * 4;
    int64_t acc = accumulate ? 1 : 0;
    __asm__ volatile(
        "vpxor %%ymm0, %%ymm0, %%ymm0\n\t"
        "vpxor %%ymm1, %%ymm1, %%ymm1\n\t"
        "vpxor %%ymm2, %%ymm2, %%ymm2\n\t"
        "vpxor %%ymm3, %%ymm3, %%ymm3\n\t"
        "vpxor %%ymm4, %%ymm4, %%ymm4\n\t"
        "vpxor %%ymm5, %%ymm5, %%ymm5\n\t"
        "vpxor %%ymm6, %%ymm6, %%ymm6\n\t"
        "vpxor %%ymm7, %%ymm7, %%ymm7\n\t"
        "vpxor %%ymm8, %%ymm8, %%ymm8\n\t"
        "vpxor %%ymm9, %%ymm9, %%ymm9\n\t"
        "vpxor %%ymm10, %%ymm10, %%ymm10\n\t"
        "vpxor %%ymm11, %%ymm11, %%ymm11\n\t"
#define INT8RT_ROW(off, c0, c1)                          \
        "vpbroadcastd " #off "(%[a]), %%ymm14\n\t"      \
        "vpmaddwd %%ymm12, %%ymm14, %%ymm15\n\t"        \
        "vpaddd %%ymm15, %%" #c0 ", %%" #c0 "\n\t"      \
        "vpmaddwd %%ymm13, %%ymm14, %%ymm15\n\t"        \
        "vpaddd %%ymm15, %%" #c1 ", %%" #c1 "\n\t"
#define INT8RT_STEP(ao, bo)                              \
        "vmovdqa " #bo "(%[b]), %%ymm12\n\t"            \
        "vmovdqa " #bo "+32(%[b]), %%ymm13\n\t"         \
        INT8RT_ROW(ao+0, ymm0, ymm1)                     \
        INT8RT_ROW(ao+4, ymm2, ymm3)                     \
        INT8RT_ROW(ao+8, ymm4, ymm5)                     \
        INT8RT_ROW(ao+12, ymm6, ymm7)                    \
        INT8RT_ROW(ao+16, ymm8, ymm9)                    \
        INT8RT_ROW(ao+20, ymm10, ymm11)
        "test %[k], %[k]\n\t"
        "jz 2f\n\t"
        ".p2align 5\n\t"
        "1:\n\t"
        INT8RT_STEP(0, 0)
        INT8RT_STEP(24, 64)
        "add $48, %[a]\n\t"
        "sub $-128, %[b]\n\t"
        "dec %[k]\n\t"
        "jnz 1b\n\t"
        "2:\n\t"
        "test %[odd], %[odd]\n\t"
        "jz 3f\n\t"
        INT8RT_STEP(0, 0)
        "3:\n\t"
#undef INT8RT_STEP
#undef INT8RT_ROW
        "test %[acc], %[acc]\n\t"
        "jz 4f\n\t"
#define INT8RT_ADD(c0, c1)                               \
        "vpaddd (%[c]), %%" #c0 ", %%" #c0 "\n\t"       \
        "vpaddd 32(%[c]), %%" #c1 ", %%" #c1 "\n\t"     \
        "vmovdqu %%" #c0 ", (%[c])\n\t"                 \
        "vmovdqu %%" #c1 ", 32(%[c])\n\t"               \
        "add %[ldc], %[c]\n\t"
        INT8RT_ADD(ymm0, ymm1)
        INT8RT_ADD(ymm2, ymm3)
        INT8RT_ADD(ymm4, ymm5)
        INT8RT_ADD(ymm6, ymm7)
        INT8RT_ADD(ymm8, ymm9)
        INT8RT_ADD(ymm10, ymm11)
#undef INT8RT_ADD
        "jmp 5f\n\t"
        "4:\n\t"
#define INT8RT_ST(c0, c1)                                \
        "vmovdqu %%" #c0 ", (%[c])\n\t"                 \
        "vmovdqu %%" #c1 ", 32(%[c])\n\t"               \
        "add %[ldc], %[c]\n\t"
        INT8RT_ST(ymm0, ymm1)
        INT8RT_ST(ymm2, ymm3)
        INT8RT_ST(ymm4, ymm5)
        INT8RT_ST(ymm6, ymm7)
        INT8RT_ST(ymm8, ymm9)
        INT8RT_ST(ymm10, ymm11)
#undef INT8RT_ST
        "5:\n\t"
        "vzeroupper\n\t"
        : [a] "+r"(a), [b] "+r"(b), [k] "+r"(half), [c] "+r"(c)
        : [odd] "r"(odd), [acc] "r"(acc), [ldc] "r"(ldcBytes)
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
          "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
  }

  static VB loadB(const int16_t* p) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(p)); }
  static VA broadcastA(const int16_t* p) {
    int32_t pair;
    std::memcpy(&pair, p, 4);
    return _mm256_set1_epi32(pair);
  }
  static V madd(V acc, VA a, VB b) { return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b)); }
  static V load(const int32_t* p) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(p)); }
  static V add(V a, V b) { return _mm256_add_epi32(a, b); }
  static void store(int32_t* p, V v) { _mm256_store_si256(reinterpret_cast<__m256i*>(p), v); }
};

// The driver for an input type: f(driver) with the GemmDriver instantiation that handles it.
template <class F>
void withDriver(DType t, F&& f) {
  if (t == DType::Int8) f(GemmDriver<S8Avx2, 6, 2>{});
  else if (t == DType::Float16) f(GemmDriver<F16Avx2, 6, 2>{});
  else f(GemmDriver<F32Avx2, 6, 2>{});
}

}  // namespace

void gemmAvx2(const GemmDesc& d, const Prepacked& p) {
  withDriver(d.inType, [&](auto drv) { decltype(drv)::run(d, p); });
}

void packAvx2(const GemmDesc& d, bool isA, PackedMatrix& out) {
  withDriver(d.inType, [&](auto drv) { decltype(drv)::pack(d, isA, out); });
}

}  // namespace int8rt::cpu

#pragma GCC pop_options
