// Histogram::observeDevice: the CPU path's range rule around the two CUDA passes of cuda_api.h. The
// batch is binned at the width it will end with before anything here changes, so a CUDA failure leaves
// the histogram as it was.
#include <string>
#include <vector>

#include "calib/histogram.h"
#include "core/error.h"
#if INT8RT_HAVE_CUDA
#include "cuda/cuda_api.h"
#endif

namespace int8rt::calib {

int64_t Histogram::observeDevice(const void* data, DType type, int64_t n, bool skipNonFinite, const std::string& name,
                                 int device) {
#if INT8RT_HAVE_CUDA
  const cuda::DeviceAbsMax scan = cuda::deviceAbsMax(data, type, n, device);
  checkFinite(scan.nonFinite, n, skipNonFinite, name);
  const int64_t finite = n - scan.nonFinite;
  std::vector<uint64_t> batch(counts_.size(), 0);
  if (scan.maxAbs > 0) {
    cuda::deviceBinCounts(data, type, n, widthAfter(scan.maxAbs), bins(), batch.data(), device);
    // Every finite value lies below the range top, so all of them must have landed in a bin.
    uint64_t binned = 0;
    for (uint64_t c : batch) binned += c;
    if (binned != static_cast<uint64_t>(finite))
      throw Error(ErrorCode::Internal, "observeDevice: the device binned " + std::to_string(binned) + " of " +
                                           std::to_string(finite) + " finite values");
  }
  if (admitBatch(scan.maxAbs, finite))
    for (size_t j = 0; j < counts_.size(); ++j) counts_[j] += batch[j];
  return scan.nonFinite;
#else
  (void)data, (void)type, (void)n, (void)skipNonFinite, (void)name, (void)device;
  throw Error(ErrorCode::NoCuda, "this build of int8rt has no CUDA kernels (nvcc was not found when it was built)");
#endif
}

}  // namespace int8rt::calib
