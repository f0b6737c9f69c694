// CPU GEMM: fp32, fp16 (converted, fp32 compute) and int8 (int32 accumulate), dispatched at run
// time to the best kernel the CPU has. Multithreaded on the project thread pool.
#pragma once
#include "core/gemm_desc.h"

namespace int8rt::cpu {

// Runs d on the CPU. Arguments are assumed validated (lib/gemm.ts checks them before native work).
void gemm(const GemmDesc& d);

// The per-ISA implementations (gemm_<isa>.cpp). Each takes Float32, Float16 or Int8 inputs.
void gemmScalar(const GemmDesc& d);
void gemmAvx2(const GemmDesc& d);
void gemmAvxVnni(const GemmDesc& d);
void gemmAvx512(const GemmDesc& d);
void gemmAvx512Vnni(const GemmDesc& d);

}  // namespace int8rt::cpu
