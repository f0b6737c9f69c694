// The u8 x s8 packing shared by the VNNI kernels (gemm_vnni512.cpp, gemm_avxvnni.cpp): A is shifted to
// u8 (x ^ 0x80 = x + 128) when packed, and the driver subtracts 128 * colsum(B) in the epilogue
// (QUANTIZATION.md). Compiled per ISA like gemm_driver.h: internal linkage only.
#pragma once
#include <cstdint>
#include <cstring>

namespace int8rt::cpu {
namespace {

struct U8S8 {
  using In = int8_t;
  using TA = uint8_t;
  using TB = int8_t;
  using Acc = int32_t;
  static constexpr int kGroup = 4, kKc = 1024;
  static constexpr bool kCompensate = true;
  static uint8_t packA(int8_t x) { return static_cast<uint8_t>(x) ^ 0x80u; }
  static int8_t packB(int8_t x) { return x; }
  static int32_t quad(const uint8_t* p) {
    int32_t q;
    std::memcpy(&q, p, 4);
    return q;
  }
};

}  // namespace
}  // namespace int8rt::cpu
