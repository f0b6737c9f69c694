// One device allocation owned by a scope: freed on exit, also when an exception unwinds. For the
// short-lived buffers of synchronous calls (the GEMM keeps its own grow-only pool instead).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

#include "cuda_check.cuh"

namespace int8rt::cuda {

class DeviceAllocation {
 public:
  DeviceAllocation(size_t bytes, const char* what) {
    if (bytes) CUDA_CHECK(cudaMalloc(&ptr_, bytes), what);
  }
  ~DeviceAllocation() {
    if (ptr_) (void)cudaFree(ptr_);  // cudaFree waits for queued work that may still use the buffer
  }
  DeviceAllocation(const DeviceAllocation&) = delete;
  DeviceAllocation& operator=(const DeviceAllocation&) = delete;

  void* get() const { return ptr_; }

 private:
  void* ptr_ = nullptr;
};

}  // namespace int8rt::cuda
