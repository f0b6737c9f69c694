// The CUDA backend as the rest of the addon sees it. Plain C++: no CUDA headers here, so code that includes
// this builds without a CUDA toolkit (callers guard their use with INT8RT_HAVE_CUDA).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "../core/dtype.h"
#include "../core/gemm_desc.h"

namespace int8rt::cuda {

struct DeviceInfo {
  std::string name;
  int major = 0;  // compute capability
  int minor = 0;
  size_t memoryBytes = 0;
};

// Every visible device; empty when there is no driver, no device or any other CUDA failure. Never throws.
std::vector<DeviceInfo> devices();

// C = epilogue(op(A) · op(B)) on `device`, exactly as GemmDesc defines it. Synchronous: copies the host
// operands to the device, runs, copies C back. Int8 inputs run on int8 Tensor Cores (int32 accumulate),
// Float16 on fp16 Tensor Cores (fp32 accumulate), Float32 on a plain fp32 SIMT kernel (no TF32).
// Safe to call from several threads at once. Throws int8rt::Error (NoCuda, InvalidArg, DType, Shape,
// Oom, Cuda).
void gemm(const GemmDesc& d, int device = 0);

// Kernel-only timing of gemm(d) for benchmarks: the operands stay on the device, so no host↔device copy is
// timed. Copies d.A / d.B to the device once (random values generated on the device where they are nullptr;
// d.C, bias and scaleB are not used), warms up, then times `iterations` launches (layout packing included
// when d's layout needs it) with CUDA events, the L2 cache flushed before each. Returns the median in
// milliseconds. Throws like gemm(), and InvalidArg for iterations < 1.
double benchmarkGemm(const GemmDesc& d, int iterations, int device = 0);

// The two passes of calib::Histogram::observeDevice over n float32 / float16 values already in device
// memory (`data`, element-aligned, on `device`). Split so that the bin width can be decided on the host,
// by the same rule as the CPU path, between them. Synchronous, on the calling thread's per-thread
// stream. Throw int8rt::Error (NoCuda, InvalidArg, DType, Oom, Cuda).
struct DeviceAbsMax {
  double maxAbs = 0;      // largest finite |x| (0 for none), exactly as stored
  int64_t nonFinite = 0;  // NaN / ±Inf count
};
DeviceAbsMax deviceAbsMax(const void* data, DType type, int64_t n, int device = 0);
// counts[j] += the number of x with floor(|x| · 2^-widthLog2) == j, for j < bins; NaN, ±Inf and values
// at or above bins · 2^widthLog2 are left out. Bit for bit the CPU binning: the scale is a power of two.
void deviceBinCounts(const void* data, DType type, int64_t n, int widthLog2, int64_t bins, uint64_t* counts,
                     int device = 0);

// Calls fn with a device copy of `bytes` bytes of host memory on `device`, freed afterwards (also when fn
// throws). The copy keeps the host address's offset within 16 bytes, so device code sees the same
// alignment as the host data (tests reach unaligned paths through subarrays). For tests and tools
// that start from host data; the engine passes its own device pointers.
void withDeviceCopy(const void* host, size_t bytes, int device, const std::function<void(const void*)>& fn);

}  // namespace int8rt::cuda
