// Device enumeration for backends(): a missing driver or GPU is a state to report, not an error.
#include <cuda_runtime.h>

#include "cuda_api.h"

namespace int8rt::cuda {

std::vector<DeviceInfo> devices() {
  std::vector<DeviceInfo> out;
  try {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
      (void)cudaGetLastError();
      return out;
    }
    for (int i = 0; i < count; ++i) {
      cudaDeviceProp p{};
      if (cudaGetDeviceProperties(&p, i) != cudaSuccess) {
        (void)cudaGetLastError();
        continue;
      }
      DeviceInfo d;
      d.name = p.name;
      d.major = p.major;
      d.minor = p.minor;
      d.memoryBytes = p.totalGlobalMem;
      out.push_back(std::move(d));
    }
  } catch (...) {  // only std::bad_alloc is possible here; devices() promises not to throw
    out.clear();
  }
  return out;
}

}  // namespace int8rt::cuda
