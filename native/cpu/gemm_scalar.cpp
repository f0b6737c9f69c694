// Portable kernels for CPUs without AVX2. The int8 path uses the same u8 x s8 packing and the
// +128 compensation as the VNNI kernels (QUANTIZATION.md), so that scheme is exercised everywhere.
#include "cpu/gemm_isa_prelude.h"
#include "cpu/gemm_driver.h"
#include "cpu/gemm_u8s8.h"

namespace int8rt::cpu {
namespace {

struct F32Scalar {
  using In = float;
  using TA = float;
  using TB = float;
  using Acc = float;
  using V = float;
  using VA = float;
  using VB = float;
  static constexpr int kLanes = 1, kGroup = 1, kMcPanels = 16, kNcPanels = 64, kKc = 256;
  static constexpr bool kCompensate = false;
  static float packA(float x) { return x; }
  static float packB(float x) { return x; }
  static V zero() { return 0.f; }
  static VB loadB(const float* p) { return *p; }
  static VA broadcastA(const float* p) { return *p; }
  static V madd(V acc, VA a, VB b) { return acc + a * b; }
  static V load(const float* p) { return *p; }
  static V add(V a, V b) { return a + b; }
  static void store(float* p, V v) { *p = v; }
};

struct F16Scalar : F32Scalar {
  using In = uint16_t;
  static float packA(uint16_t h) { return halfToFloat(h); }
  static float packB(uint16_t h) { return halfToFloat(h); }
};

// What one vpdpbusd lane does: four u8 x s8 products summed into an int32.
struct S8Scalar : U8S8 {
  using V = int32_t;
  using VA = const uint8_t*;
  using VB = const int8_t*;
  static constexpr int kLanes = 1, kMcPanels = 16, kNcPanels = 64;
  static V zero() { return 0; }
  static VB loadB(const int8_t* p) { return p; }
  static VA broadcastA(const uint8_t* p) { return p; }
  static V madd(V acc, VA a, VB b) { return acc + a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]; }
  static V load(const int32_t* p) { return *p; }
  static V add(V a, V b) { return a + b; }
  static void store(int32_t* p, V v) { *p = v; }
};

// The driver for an input type: f(driver) with the GemmDriver instantiation that handles it.
template <class F>
void withDriver(DType t, F&& f) {
  if (t == DType::Int8) f(GemmDriver<S8Scalar, 4, 4>{});
  else if (t == DType::Float16) f(GemmDriver<F16Scalar, 4, 4>{});
  else f(GemmDriver<F32Scalar, 4, 4>{});
}

}  // namespace

void gemmScalar(const GemmDesc& d, const Prepacked& p) {
  withDriver(d.inType, [&](auto drv) { decltype(drv)::run(d, p); });
}

void packScalar(const GemmDesc& d, bool isA, PackedMatrix& out) {
  withDriver(d.inType, [&](auto drv) { decltype(drv)::pack(d, isA, out); });
}

}  // namespace int8rt::cpu
