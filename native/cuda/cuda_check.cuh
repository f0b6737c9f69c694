// CUDA status → int8rt::Error. Host code only. Every runtime call in the backend goes through CUDA_CHECK so a
// failure becomes an exception with a stable code, never an abort.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "../core/error.h"

namespace int8rt::cuda {

inline ErrorCode errorCodeFor(cudaError_t e) {
  switch (e) {
    case cudaErrorMemoryAllocation: return ErrorCode::Oom;
    case cudaErrorNoDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorInitializationError:
    case cudaErrorStubLibrary:
      return ErrorCode::NoCuda;
    default: return ErrorCode::Cuda;
  }
}

[[noreturn]] inline void throwCuda(cudaError_t e, const char* what) {
  // Clear the (non-sticky) error so the next call on this thread starts clean; sticky errors stay.
  (void)cudaGetLastError();
  throw Error(errorCodeFor(e), std::string(what) + " failed: " + cudaGetErrorName(e));
}

}  // namespace int8rt::cuda

// `what` names the operation in the message: "cudaMalloc failed: cudaErrorMemoryAllocation".
#define CUDA_CHECK(expr, what)                                          \
  do {                                                                  \
    cudaError_t int8rt_cuda_status_ = (expr);                           \
    if (int8rt_cuda_status_ != cudaSuccess) ::int8rt::cuda::throwCuda(int8rt_cuda_status_, what); \
  } while (0)

// After a kernel launch: reports launch-configuration errors at once (execution errors surface at the sync).
#define CUDA_CHECK_LAUNCH(what) CUDA_CHECK(cudaGetLastError(), what)
