// Internals of gemm_dispatch.cu shared with gemm_bench.cu: the checks, the epilogue set-up and the launch on
// operands that are already on the device. gemm() adds host↔device copies around them; benchmarkGemm()
// times them alone.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

#include "../core/gemm_desc.h"
#include "cuda_check.cuh"
#include "gemm_kernels.cuh"

namespace int8rt::cuda {

// Dimension and type checks (not the host pointers). Throws Shape / DType.
void validateDesc(const GemmDesc& d);

// Throws NoCuda when there is no usable device, InvalidArg when `device` is out of range. `what` starts the
// message ("gemm", "benchmarkGemm").
void requireDevice(int device, const char* what);

// d's epilogue writing to device memory C, without bias or per-column scales (the caller adds those).
Epilogue scalarEpilogue(const GemmDesc& d, void* C);

// Device scratch the launch needs to bring each operand to the Tensor Core layout; 0 when the operand is
// used as stored (always 0 for float32).
struct PackBytes {
  size_t a = 0, b = 0;
};
PackBytes packBytes(const GemmDesc& d);

// Enqueues C = e(op(A) · op(B)) on stream s. A and B are device memory laid out as d says (d.A, d.B, d.C are
// not used); packA / packB hold at least packBytes(d) (nullptr where that is 0).
void launchResident(const GemmDesc& d, const void* A, const void* B, void* packA, void* packB, const Epilogue& e,
                    cudaStream_t s);

// Makes `device` current for the calling thread and restores the previous one afterwards.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device) {
    if (cudaGetDevice(&prev_) != cudaSuccess) {
      (void)cudaGetLastError();
      prev_ = -1;
    }
    if (prev_ != device) CUDA_CHECK(cudaSetDevice(device), "cudaSetDevice");
  }
  ~DeviceGuard() {
    if (prev_ >= 0) (void)cudaSetDevice(prev_);
  }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int prev_ = -1;
};

}  // namespace int8rt::cuda
