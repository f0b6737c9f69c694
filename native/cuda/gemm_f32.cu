// fp32 GEMM on the CUDA cores (no TF32: results stay within fp32 rounding of the CPU reference).
//
// Block tile 128×128×8, 256 threads, each computing an 8×8 sub-tile as two 4-row × two 4-column quads
// (rows ty·4 and 64 + ty·4, cols tx·4 and 64 + tx·4) so a warp's float4 reads of shared memory are
// conflict-free. Both operands are staged K-major in shared memory (As[k][m], Bs[k][n]); the next k-tile is
// fetched into registers while the current one is computed (double buffer, one barrier per k-tile). The
// kernel reads A and B in the caller's layout, picking for each operand the thread mapping that keeps the
// global loads coalesced along its contiguous dimension.
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda_check.cuh"
#include "gemm_epilogue.cuh"
#include "gemm_kernels.cuh"

namespace int8rt::cuda {
namespace {

constexpr int BM = 128, BN = 128, BK = 8, THREADS = 256;

// Loads this thread's 4 elements of a (128 × BK) operand tile: element (i, k) of the operand, i along M (or
// N), sits at src[i·strideI + k·strideK]. kContig: K is the contiguous dimension (thread → one i, 4 k's);
// otherwise i is (thread → one k, 4 consecutive i's). Out-of-range elements read as 0.
struct TileLoader {
  int i, k;  // first element of this thread in the tile
  bool kContig;

  __device__ TileLoader(bool kc, int tid) : kContig(kc) {
    if (kc) {
      i = tid >> 1;
      k = (tid & 1) * 4;
    } else {
      i = (tid & 31) * 4;
      k = tid >> 5;
    }
  }

  __device__ __forceinline__ void load(float (&r)[4], const float* __restrict__ src, int64_t strideI,
                                       int64_t strideK, int i0, int k0, int extentI, int K) const {
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int ii = i0 + i + (kContig ? 0 : j), kk = k0 + k + (kContig ? j : 0);
      r[j] = (ii < extentI && kk < K) ? __ldg(src + ii * strideI + kk * strideK) : 0.0f;
    }
  }

  __device__ __forceinline__ void store(float (*tile)[BM], const float (&r)[4]) const {
    if (kContig) {
#pragma unroll
      for (int j = 0; j < 4; ++j) tile[k + j][i] = r[j];
    } else {
      *reinterpret_cast<float4*>(&tile[k][i]) = make_float4(r[0], r[1], r[2], r[3]);
    }
  }
};

template <typename OutT>
__global__ void __launch_bounds__(THREADS) gemmF32Kernel(const F32Operands op, const Epilogue e) {
  __shared__ __align__(16) float As[2][BK][BM];
  __shared__ __align__(16) float Bs[2][BK][BN];

  const int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4;
  const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;

  // A(m,k): transA → A[k·M + m] (M contiguous), else A[m·K + k]. B(k,n): transB → B[n·K + k], else B[k·N + n].
  const int64_t aStrideM = op.transA ? 1 : op.K, aStrideK = op.transA ? op.M : 1;
  const int64_t bStrideN = op.transB ? op.K : 1, bStrideK = op.transB ? 1 : op.N;
  const TileLoader la(!op.transA, tid), lb(op.transB, tid);

  float acc[8][8];
#pragma unroll
  for (int i = 0; i < 8; ++i)
#pragma unroll
    for (int j = 0; j < 8; ++j) acc[i][j] = 0.0f;

  const int kTiles = (op.K + BK - 1) / BK;
  float ra[4], rb[4];
  if (kTiles > 0) {
    la.load(ra, op.A, aStrideM, aStrideK, m0, 0, op.M, op.K);
    lb.load(rb, op.B, bStrideN, bStrideK, n0, 0, op.N, op.K);
    la.store(As[0], ra);
    lb.store(Bs[0], rb);
  }
  __syncthreads();

  for (int kt = 0; kt < kTiles; ++kt) {
    const int cur = kt & 1;
    const bool more = kt + 1 < kTiles;
    if (more) {  // global loads for the next tile overlap the math below
      la.load(ra, op.A, aStrideM, aStrideK, m0, (kt + 1) * BK, op.M, op.K);
      lb.load(rb, op.B, bStrideN, bStrideK, n0, (kt + 1) * BK, op.N, op.K);
    }
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      const float4 a0 = *reinterpret_cast<const float4*>(&As[cur][k][ty * 4]);
      const float4 a1 = *reinterpret_cast<const float4*>(&As[cur][k][64 + ty * 4]);
      const float4 b0 = *reinterpret_cast<const float4*>(&Bs[cur][k][tx * 4]);
      const float4 b1 = *reinterpret_cast<const float4*>(&Bs[cur][k][64 + tx * 4]);
      const float a[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
      const float b[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
      for (int i = 0; i < 8; ++i)
#pragma unroll
        for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    if (more) {  // the other buffer was last read before the previous barrier
      la.store(As[cur ^ 1], ra);
      lb.store(Bs[cur ^ 1], rb);
    }
    __syncthreads();
  }

  // Epilogue: row i of the sub-tile is m0 + (i < 4 ? ty·4 + i : 64 + ty·4 + i - 4), likewise for columns.
#pragma unroll
  for (int j = 0; j < 8; ++j) {
    const int n = n0 + (j < 4 ? tx * 4 + j : 64 + tx * 4 + j - 4);
    if (n >= e.N) continue;
    const EpiColumn c = epiColumn(e, n, false);
#pragma unroll
    for (int i = 0; i < 8; ++i) {
      const int m = m0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + i - 4);
      if (m < e.M) static_cast<OutT*>(e.C)[static_cast<int64_t>(m) * e.N + n] = EpiOut<OutT>::apply(acc[i][j], c, e);
    }
  }
}

template <typename OutT>
void launchF32(const F32Operands& op, const Epilogue& e, cudaStream_t stream) {
  const int tilesM = (op.M + BM - 1) / BM, tilesN = (op.N + BN - 1) / BN;
  if (tilesM > 65535) throw Error(ErrorCode::Shape, "gemm: M too large for the CUDA fp32 kernel");
  gemmF32Kernel<OutT><<<dim3(tilesN, tilesM), THREADS, 0, stream>>>(op, e);
  CUDA_CHECK_LAUNCH("gemm fp32 kernel launch");
}

}  // namespace

void launchGemmF32(const F32Operands& op, const Epilogue& e, DType outType, cudaStream_t stream) {
  if (op.M <= 0 || op.N <= 0) return;
  switch (outType) {
    case DType::Float32: return launchF32<float>(op, e, stream);
    case DType::Float16: return launchF32<__half>(op, e, stream);
    case DType::Int8: return launchF32<int8_t>(op, e, stream);
    default: throw Error(ErrorCode::DType, "gemm: float32 inputs need outType float32, float16 or int8");
  }
}

}  // namespace int8rt::cuda
