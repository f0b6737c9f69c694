// withDeviceCopy (cuda_api.h): host data → a scoped device buffer, for callers that start on the host.
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda_api.h"
#include "cuda_check.cuh"
#include "device_memory.cuh"
#include "gemm_dispatch.cuh"  // requireDevice, DeviceGuard

namespace int8rt::cuda {

void withDeviceCopy(const void* host, size_t bytes, int device, const std::function<void(const void*)>& fn) {
  requireDevice(device, "withDeviceCopy");
  DeviceGuard guard(device);
  // cudaMalloc returns 256-byte aligned memory; shifting by the host offset keeps the alignment class.
  const size_t offset = reinterpret_cast<uintptr_t>(host) % 16;
  DeviceAllocation buffer(bytes + offset, "cudaMalloc (device copy)");
  char* dst = static_cast<char*>(buffer.get()) + offset;
  if (bytes) {
    CUDA_CHECK(cudaMemcpyAsync(dst, host, bytes, cudaMemcpyHostToDevice, cudaStreamPerThread), "cudaMemcpyAsync (device copy)");
    CUDA_CHECK(cudaStreamSynchronize(cudaStreamPerThread), "cudaStreamSynchronize (device copy)");
  }
  fn(dst);
}

}  // namespace int8rt::cuda
