// CPU GEMM: fp32, fp16 (converted, fp32 compute) and int8 (int32 accumulate), dispatched at run
// time to the best kernel the CPU has. Multithreaded on the project thread pool.
//
// Weights can be packed once into the active kernel's layout (packA / packB) and reused by many calls
// (gemmPacked), and fp32 outputs can get more epilogue work per row segment while it is still in cache.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/cpu_features.h"
#include "core/gemm_desc.h"

namespace int8rt::cpu {

// Runs d on the CPU. Arguments are assumed validated (lib/gemm.ts checks them before native work).
void gemm(const GemmDesc& d);

// One operand (op(A) [M,K] or op(B) [K,N]) packed for the kernel of `isa`, dtype and dims as packed.
struct PackedMatrix {
  Isa isa = Isa::Scalar;
  DType inType = DType::Float32;
  int64_t rows = 0, cols = 0;             // op(A): M x K; op(B): K x N
  std::unique_ptr<AlignedBuffer> data;
  std::vector<int32_t> colSum;            // op(B) for the u8s8 kernels: sum_k B[k][n] (int8 compensation)
};
struct PackedA : PackedMatrix {};
struct PackedB : PackedMatrix {};

PackedA packA(const GemmDesc& d);  // packs op(d.A) with d.M, d.K, d.transA, d.inType
PackedB packB(const GemmDesc& d);  // packs op(d.B) with d.K, d.N, d.transB, d.inType

// Called on each finished fp32 row segment C[m][n0 .. n0+count) after d.bias and d.relu, from the GEMM's
// worker threads (so it must not start parallel work of its own).
struct RowEpilogue {
  void (*fn)(const void* ctx, float* row, int64_t m, int64_t n0, int64_t count) = nullptr;
  const void* ctx = nullptr;
};

// What gemmPacked may use in place of packing d.A / d.B per call.
struct Prepacked {
  const PackedMatrix* a = nullptr;
  const PackedMatrix* b = nullptr;
  const RowEpilogue* epilogue = nullptr;  // fp32 output only
  int64_t ldc = 0;                        // row stride of C in elements (0: d.N)
};

// d with either operand pre-packed (nullptr: packed per call from d.A / d.B as gemm does). A packing
// whose ISA, dtype or dims no longer fit (setCpuIsa after packing) is ignored, so keep d.A / d.B valid.
// ldc: C's row stride in elements, 0 for d.N (a column block of a wider C).
void gemmPacked(const GemmDesc& d, const PackedA* a, const PackedB* b, const RowEpilogue* epilogue = nullptr,
                int64_t ldc = 0);

// The per-ISA implementations (gemm_<isa>.cpp). Each takes Float32, Float16 or Int8 inputs; `pack`
// fills out.data (and out.colSum) for operand A (isA) or B of d.
void gemmScalar(const GemmDesc& d, const Prepacked& p = {});
void gemmAvx2(const GemmDesc& d, const Prepacked& p = {});
void gemmAvxVnni(const GemmDesc& d, const Prepacked& p = {});
void gemmAvx512(const GemmDesc& d, const Prepacked& p = {});
void gemmAvx512Vnni(const GemmDesc& d, const Prepacked& p = {});
void packScalar(const GemmDesc& d, bool isA, PackedMatrix& out);
void packAvx2(const GemmDesc& d, bool isA, PackedMatrix& out);
void packAvxVnni(const GemmDesc& d, bool isA, PackedMatrix& out);
void packAvx512(const GemmDesc& d, bool isA, PackedMatrix& out);
void packAvx512Vnni(const GemmDesc& d, bool isA, PackedMatrix& out);

}  // namespace int8rt::cpu
