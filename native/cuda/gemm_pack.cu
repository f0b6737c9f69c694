// Brings a Tensor Core operand into the canonical layout the mma kernels read: [rows, ld] K-contiguous with
// ld a multiple of 16 bytes and zeros in the K padding. Used only when the caller's layout is transposed or
// K·elemSize is not a multiple of 16; the aligned, canonical case is read in place.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "cuda_check.cuh"
#include "gemm_kernels.cuh"

namespace int8rt::cuda {
namespace {

constexpr int kMaxGridY = 65535;

// Row-major [rows, K] → [rows, ld]: a copy with zero padding. One block row per grid-y step, threads along K.
template <typename T>
__global__ void padRowsKernel(const T* __restrict__ src, T* __restrict__ dst, int rows, int K, int ld) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= ld) return;
  for (int r = blockIdx.y; r < rows; r += gridDim.y)
    dst[static_cast<int64_t>(r) * ld + c] = c < K ? src[static_cast<int64_t>(r) * K + c] : T(0);
}

// [K, rows] row-major → [rows, ld]: 32×32 tiles through shared memory so both the reads (along rows) and the
// writes (along K) are coalesced; the +1 column keeps the transposed reads off a single bank.
constexpr int TILE = 32, TILE_ROWS = 8;

template <typename T>
__global__ void transposeKernel(const T* __restrict__ src, T* __restrict__ dst, int rows, int K, int ld) {
  __shared__ T tile[TILE][TILE + 1];  // [k][r]
  const int r0 = blockIdx.x * TILE;
  const int tilesK = (ld + TILE - 1) / TILE;
  for (int tk = blockIdx.y; tk < tilesK; tk += gridDim.y) {
    const int k0 = tk * TILE;
#pragma unroll
    for (int i = 0; i < TILE; i += TILE_ROWS) {
      const int k = k0 + threadIdx.y + i, r = r0 + threadIdx.x;
      tile[threadIdx.y + i][threadIdx.x] = (k < K && r < rows) ? src[static_cast<int64_t>(k) * rows + r] : T(0);
    }
    __syncthreads();
#pragma unroll
    for (int i = 0; i < TILE; i += TILE_ROWS) {
      const int r = r0 + threadIdx.y + i, k = k0 + threadIdx.x;
      if (r < rows && k < ld) dst[static_cast<int64_t>(r) * ld + k] = tile[threadIdx.x][threadIdx.y + i];
    }
    __syncthreads();  // the tile is reused by the next grid-y step
  }
}

template <typename T>
void launchPack(const void* src, void* dst, int rows, int K, int ld, bool transposed, cudaStream_t stream) {
  const T* s = static_cast<const T*>(src);
  T* d = static_cast<T*>(dst);
  if (transposed) {
    const dim3 grid((rows + TILE - 1) / TILE, std::min((ld + TILE - 1) / TILE, kMaxGridY));
    transposeKernel<T><<<grid, dim3(TILE, TILE_ROWS), 0, stream>>>(s, d, rows, K, ld);
  } else {
    const dim3 grid((ld + 255) / 256, std::min(rows, kMaxGridY));
    padRowsKernel<T><<<grid, 256, 0, stream>>>(s, d, rows, K, ld);
  }
  CUDA_CHECK_LAUNCH("gemm operand pack launch");
}

}  // namespace

void launchPackOperand(const void* src, void* dst, int rows, int K, int ldElems, bool transposed, int elemBytes,
                       cudaStream_t stream) {
  if (rows <= 0 || ldElems <= 0) return;
  if (elemBytes == 1)
    launchPack<uint8_t>(src, dst, rows, K, ldElems, transposed, stream);
  else if (elemBytes == 2)
    launchPack<uint16_t>(src, dst, rows, K, ldElems, transposed, stream);
  else
    throw Error(ErrorCode::Internal, "gemm pack: unsupported element size");
}

}  // namespace int8rt::cuda
