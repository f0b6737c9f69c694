// The device passes of calib::Histogram::observeDevice (cuda_api.h): a reduction for max|x| and the
// non-finite count, then the bin counts. Both mirror histogram_scalar.cpp so that the results are the
// CPU's bit for bit: the max is an integer max over |x| bit patterns (non-negative IEEE values order as
// their bits), and a bin is |x| as float times the power of two 2^-widthLog2 (exact), truncated.
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../core/half.h"
#include "cuda_api.h"
#include "cuda_check.cuh"
#include "device_memory.cuh"
#include "gemm_dispatch.cuh"  // requireDevice, DeviceGuard

namespace int8rt::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kVecBytes = 16;                   // one uint4 load: 4 float32 or 8 float16
constexpr int64_t kMaxSharedBins = 12288;       // 48 KiB of uint32 counters: no opt-in needed
constexpr int64_t kMaxPerBlock = int64_t{1} << 31;  // elements per block: keeps uint32 counters exact

// The element types as bit patterns: |x| bits, finiteness of |x| bits, and |x| as a float.
struct F32 {
  using Bits = uint32_t;
  static __device__ uint32_t absBits(uint32_t b) { return b & 0x7fffffffu; }
  static __device__ bool finite(uint32_t a) { return a < 0x7f800000u; }
  static __device__ float value(uint32_t a) { return __uint_as_float(a); }
};
struct F16 {
  using Bits = uint16_t;
  static __device__ uint32_t absBits(uint16_t b) { return b & 0x7fffu; }
  static __device__ bool finite(uint32_t a) { return a < 0x7c00u; }
  static __device__ float value(uint32_t a) { return __half2float(__ushort_as_half(static_cast<unsigned short>(a))); }
};

// Calls f(bits) once for every element. The body from the first 16-byte boundary on is read with
// vector loads in a grid-stride loop; the few elements before it (head) and after the last full
// vector (tail) go to the first threads of the grid, one each.
template <class E, class F>
__device__ __forceinline__ void forEachElement(const typename E::Bits* x, int64_t n, int64_t head, F& f) {
  using Bits = typename E::Bits;
  constexpr int kPer = kVecBytes / sizeof(Bits);
  const int64_t vectors = (n - head) / kPer, tail = n - head - vectors * kPer;
  const uint4* v = reinterpret_cast<const uint4*>(x + head);
  const int64_t tid = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t k = tid; k < vectors; k += stride) {
    const uint4 w = __ldg(v + k);
    Bits e[kPer];
    memcpy(e, &w, sizeof w);
#pragma unroll
    for (int q = 0; q < kPer; ++q) f(e[q]);
  }
  if (tid < head) f(x[tid]);
  else if (tid < head + tail) f(x[head + vectors * kPer + (tid - head)]);
}

template <class T>
__device__ __forceinline__ T warpSum(T v) {
#pragma unroll
  for (int o = 16; o; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

struct AbsMaxOut {
  unsigned int maxBits;          // |x| bits of the largest finite value
  unsigned long long nonFinite;
};

template <class E>
__global__ void __launch_bounds__(kThreads) absMaxKernel(const typename E::Bits* x, int64_t n, int64_t head, AbsMaxOut* out) {
  uint32_t best = 0, bad = 0;  // bad < kMaxPerBlock per thread
  auto f = [&](typename E::Bits b) {
    const uint32_t a = E::absBits(b);
    const bool ok = E::finite(a);
    best = ok && a > best ? a : best;
    bad += !ok;
  };
  forEachElement<E>(x, n, head, f);
#pragma unroll
  for (int o = 16; o; o >>= 1) best = max(best, __shfl_xor_sync(0xffffffffu, best, o));
  bad = warpSum(bad);
  __shared__ uint32_t warpBest[kThreads / 32], warpBad[kThreads / 32];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) warpBest[warp] = best, warpBad[warp] = bad;
  __syncthreads();
  if (threadIdx.x == 0) {
    unsigned long long blockBad = 0;
    for (int w = 0; w < kThreads / 32; ++w) best = max(best, warpBest[w]), blockBad += warpBad[w];
    if (best) atomicMax(&out->maxBits, best);
    if (blockBad) atomicAdd(&out->nonFinite, blockBad);
  }
}

// Exactly histogram_scalar.cpp's binOf: `v` is |x| (NaN / Inf compare false and land in the discard slot).
__device__ __forceinline__ uint32_t binOf(float v, float invWidth, uint32_t nbins) {
  const float a = __fmul_rn(v, invWidth);  // never contracted into anything else
  return a < static_cast<float>(nbins) ? static_cast<uint32_t>(a) : nbins;
}

// Privatized: each block counts in shared memory (kShared) and adds its non-zero bins to the 64-bit
// global counts at the end; histograms too large for shared memory count straight into global memory.
// Bin 0 is counted in a register: after a ReLU it holds most values, and same-address atomics serialize.
template <class E, bool kShared>
__global__ void __launch_bounds__(kThreads)
    binKernel(const typename E::Bits* x, int64_t n, int64_t head, float invWidth, uint32_t nbins, unsigned long long* counts) {
  extern __shared__ uint32_t blockCounts[];
  if constexpr (kShared) {
    for (uint32_t j = threadIdx.x; j < nbins; j += blockDim.x) blockCounts[j] = 0;
    __syncthreads();
  }
  uint32_t zeros = 0;
  auto f = [&](typename E::Bits b) {
    const uint32_t j = binOf(E::value(E::absBits(b)), invWidth, nbins);
    if (j == 0) ++zeros;
    else if (j < nbins) {
      if constexpr (kShared) atomicAdd(&blockCounts[j], 1u);
      else atomicAdd(&counts[j], 1ull);
    }
  };
  forEachElement<E>(x, n, head, f);
  zeros = warpSum(zeros);
  if constexpr (kShared) {
    if (threadIdx.x % 32 == 0 && zeros) atomicAdd(&blockCounts[0], zeros);
    __syncthreads();
    for (uint32_t j = threadIdx.x; j < nbins; j += blockDim.x)
      if (blockCounts[j]) atomicAdd(&counts[j], static_cast<unsigned long long>(blockCounts[j]));
  } else {
    if (threadIdx.x % 32 == 0 && zeros) atomicAdd(&counts[0], static_cast<unsigned long long>(zeros));
  }
}

void checkData(const void* data, DType type, int64_t n, const char* what) {
  if (type != DType::Float32 && type != DType::Float16)
    throw Error(ErrorCode::DType, std::string(what) + ": Expected float32 or float16 data");
  if (n < 0) throw Error(ErrorCode::InvalidArg, std::string(what) + ": Expected a non-negative element count");
  if (n > 0 && (data == nullptr || reinterpret_cast<uintptr_t>(data) % dtypeSize(type) != 0))
    throw Error(ErrorCode::InvalidArg, std::string(what) + ": Expected an element-aligned device pointer");
}

// Elements before the first 16-byte boundary (all of them when there is none).
int64_t headElements(const void* data, DType type, int64_t n) {
  const size_t misalign = reinterpret_cast<uintptr_t>(data) % kVecBytes;
  return std::min<int64_t>(n, static_cast<int64_t>((kVecBytes - misalign) % kVecBytes / dtypeSize(type)));
}

// Enough blocks to fill the device a few times over; more only if a block would see over 2^31 elements.
unsigned gridFor(int64_t n, DType type, int device) {
  int sms = 0;
  CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute");
  const int64_t perVectorPass = int64_t{kThreads} * (kVecBytes / static_cast<int64_t>(dtypeSize(type)));
  int64_t blocks = std::min<int64_t>((n + perVectorPass - 1) / perVectorPass, 4 * int64_t{std::max(sms, 1)});
  blocks = std::max({blocks, (n + kMaxPerBlock - 1) / kMaxPerBlock, int64_t{1}});
  return static_cast<unsigned>(blocks);
}

}  // namespace

DeviceAbsMax deviceAbsMax(const void* data, DType type, int64_t n, int device) {
  checkData(data, type, n, "deviceAbsMax");
  DeviceAbsMax result;
  if (n == 0) return result;
  requireDevice(device, "deviceAbsMax");
  DeviceGuard guard(device);
  const cudaStream_t s = cudaStreamPerThread;
  DeviceAllocation out(sizeof(AbsMaxOut), "cudaMalloc (histogram max)");
  auto* dOut = static_cast<AbsMaxOut*>(out.get());
  CUDA_CHECK(cudaMemsetAsync(dOut, 0, sizeof(AbsMaxOut), s), "cudaMemsetAsync (histogram max)");
  const unsigned grid = gridFor(n, type, device);
  const int64_t head = headElements(data, type, n);
  if (type == DType::Float32) absMaxKernel<F32><<<grid, kThreads, 0, s>>>(static_cast<const uint32_t*>(data), n, head, dOut);
  else absMaxKernel<F16><<<grid, kThreads, 0, s>>>(static_cast<const uint16_t*>(data), n, head, dOut);
  CUDA_CHECK_LAUNCH("histogram max kernel");
  AbsMaxOut h{};
  CUDA_CHECK(cudaMemcpyAsync(&h, dOut, sizeof h, cudaMemcpyDeviceToHost, s), "cudaMemcpyAsync (histogram max)");
  CUDA_CHECK(cudaStreamSynchronize(s), "histogram max kernel");
  result.nonFinite = static_cast<int64_t>(h.nonFinite);
  if (type == DType::Float32) {
    float f;
    std::memcpy(&f, &h.maxBits, 4);
    result.maxAbs = f;
  } else {
    result.maxAbs = halfToFloat(static_cast<uint16_t>(h.maxBits));
  }
  return result;
}

void deviceBinCounts(const void* data, DType type, int64_t n, int widthLog2, int64_t bins, uint64_t* counts, int device) {
  checkData(data, type, n, "deviceBinCounts");
  // 2^-widthLog2 must be a normal float for the scaling to be exact; bins must be exact as a float.
  if (widthLog2 < -126 || widthLog2 > 126)
    throw Error(ErrorCode::InvalidArg, "deviceBinCounts: Expected widthLog2 in [-126, 126] but received " + std::to_string(widthLog2));
  if (bins < 1 || bins > (int64_t{1} << 24) || counts == nullptr)
    throw Error(ErrorCode::InvalidArg, "deviceBinCounts: Expected 1 to 2^24 bins and a counts array");
  if (n == 0) return;
  requireDevice(device, "deviceBinCounts");
  DeviceGuard guard(device);
  const cudaStream_t s = cudaStreamPerThread;
  DeviceAllocation dCounts(static_cast<size_t>(bins) * sizeof(unsigned long long), "cudaMalloc (histogram counts)");
  auto* c = static_cast<unsigned long long*>(dCounts.get());
  CUDA_CHECK(cudaMemsetAsync(c, 0, static_cast<size_t>(bins) * sizeof(unsigned long long), s), "cudaMemsetAsync (histogram counts)");

  const unsigned grid = gridFor(n, type, device);
  const int64_t head = headElements(data, type, n);
  const float inv = std::ldexp(1.0f, -widthLog2);
  const uint32_t nb = static_cast<uint32_t>(bins);
  const bool shared = bins <= kMaxSharedBins;
  const size_t smem = shared ? static_cast<size_t>(bins) * sizeof(uint32_t) : 0;
  const auto* x32 = static_cast<const uint32_t*>(data);
  const auto* x16 = static_cast<const uint16_t*>(data);
  if (type == DType::Float32 && shared) binKernel<F32, true><<<grid, kThreads, smem, s>>>(x32, n, head, inv, nb, c);
  else if (type == DType::Float32) binKernel<F32, false><<<grid, kThreads, 0, s>>>(x32, n, head, inv, nb, c);
  else if (shared) binKernel<F16, true><<<grid, kThreads, smem, s>>>(x16, n, head, inv, nb, c);
  else binKernel<F16, false><<<grid, kThreads, 0, s>>>(x16, n, head, inv, nb, c);
  CUDA_CHECK_LAUNCH("histogram bin kernel");

  std::vector<unsigned long long> host(static_cast<size_t>(bins));
  CUDA_CHECK(cudaMemcpyAsync(host.data(), c, host.size() * sizeof(unsigned long long), cudaMemcpyDeviceToHost, s),
             "cudaMemcpyAsync (histogram counts)");
  CUDA_CHECK(cudaStreamSynchronize(s), "histogram bin kernel");
  for (size_t j = 0; j < host.size(); ++j) counts[j] += host[j];
}

}  // namespace int8rt::cuda
