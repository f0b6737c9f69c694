// The Tensor Core GEMM mainloop shared by the int8 (gemm_s8.cu) and fp16 (gemm_f16.cu) kernels.
//
// Block tile 128×128, K consumed 64 bytes at a time (64 int8 or 32 fp16), 8 warps as 2 (M) × 4 (N), each
// owning a 64×32 output tile = 4×4 mma tiles. A 4-stage cp.async pipeline keeps three k-tiles in flight
// while one is computed; 4 × 16 KiB = 64 KiB of shared memory, so two blocks fit per SM (A100 and H100).
//
// Shared memory holds each stage as A[128 rows][64 B] then B[128 rows][64 B], both K-contiguous. ldmatrix
// reads 8 rows × 16 B at the same K offset; with 64-byte rows those would hit only two distinct 16-byte bank
// groups (4-way conflict). So the 16-byte chunks are XOR-swizzled inside every 128-byte line: chunk j of
// line L is stored at j ^ (L % 8). Any 8 consecutive rows at one K offset then cover all 8 bank groups, for
// the cp.async writes and the ldmatrix reads alike.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <type_traits>

#include "cuda_check.cuh"
#include "gemm_epilogue.cuh"
#include "gemm_kernels.cuh"
#include "tc_ptx.cuh"

namespace int8rt::cuda::tc {

constexpr int BM = 128, BN = 128;
constexpr int BK = 64;  // bytes of K per stage
constexpr int STAGES = 4;
constexpr int THREADS = 256;
constexpr int WARPS_N = 4;
constexpr int WM = 64, WN = 32;                 // warp tile
constexpr int MI = WM / 16, NJ = WN / 8;        // m16 × n8 mma tiles per warp
constexpr int KSTEPS = BK / 32;                 // every mma consumes 32 bytes of K
constexpr int CPR = BK / 16;                    // 16-byte chunks per shared-memory row
constexpr int A_STAGE = BM * BK, B_STAGE = BN * BK;
constexpr int STAGE_BYTES = A_STAGE + B_STAGE;
constexpr int SMEM_BYTES = STAGES * STAGE_BYTES;
constexpr int LOADS = BM * CPR / THREADS;       // 16-byte chunks per thread per operand per stage
constexpr int GROUP_M = 8;                      // raster: 8 M-tiles sweep the N-tiles together (L2 reuse)

static_assert(BM == BN, "A and B stages share the per-thread load offsets");
static_assert((BM / WM) * (BN / WN) * 32 == THREADS, "warp grid must cover the block tile");
static_assert(THREADS % CPR == 0 && (BM * CPR) % THREADS == 0, "each thread copies whole chunks of one K column");
static_assert((STAGES & (STAGES - 1)) == 0, "stage index is kt % STAGES");
// Row moves used as constant offsets (ROW_STEP = THREADS / CPR rows for the copies, 16 rows per mma tile) must
// span whole groups of 8 lines of 128 bytes, i.e. multiples of 64 chunks, so the XOR key does not change.
static_assert(((THREADS / CPR) * CPR) % 64 == 0 && (16 * CPR) % 64 == 0, "row steps must keep the swizzle key");
static_assert(NJ % 2 == 0, "B fragments are loaded two n8 tiles per ldmatrix.x4");

// Byte offset of 16-byte chunk `chunk` of row `row` inside one operand tile (see the header comment).
__device__ __forceinline__ uint32_t swizzle(int row, int chunk) {
  const int lin = row * CPR + chunk;  // linear chunk index; lin / 8 is the 128-byte line
  return static_cast<uint32_t>(((lin & ~7) | ((lin ^ (lin >> 3)) & 7)) << 4);
}

template <class Mma, typename OutT>
__global__ void __launch_bounds__(THREADS, 2) gemmTcKernel(const TcOperands op, const Epilogue e) {
  using Acc = typename Mma::Acc;
  extern __shared__ __align__(128) uint8_t smem[];
  const uint32_t smemBase = ptx::smemAddr(smem);

  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int warpM = warp / WARPS_N, warpN = warp % WARPS_N;

  // Grouped raster order: consecutive blocks walk down GROUP_M tile rows before moving right, so the A and B
  // tiles in use at a time stay in L2.
  const int tilesM = (op.M + BM - 1) / BM, tilesN = (op.N + BN - 1) / BN;
  const int perGroup = GROUP_M * tilesN;
  const int group = blockIdx.x / perGroup, inGroup = blockIdx.x % perGroup;
  const int firstM = group * GROUP_M;
  const int groupRows = min(tilesM - firstM, GROUP_M);
  const int m0 = (firstM + inGroup % groupRows) * BM;
  const int n0 = (inGroup / groupRows) * BN;

  // ---- global → shared copy assignment: chunk c = tid + i·THREADS is row c / CPR, K chunk c % CPR. The
  // i-th chunk lies ROW_STEP rows below the first, in global memory and in the swizzled tile alike (ROW_STEP
  // rows are whole 128-byte lines in multiples of 8, so the XOR key is the same).
  constexpr int ROW_STEP = THREADS / CPR;
  const auto* gA = static_cast<const uint8_t*>(op.A);
  const auto* gB = static_cast<const uint8_t*>(op.B);
  const int ldRow = tid / CPR;
  const int chunkK = (tid % CPR) * 16;  // the same K offset for all of this thread's chunks
  const uint32_t stOff = swizzle(ldRow, tid % CPR);
  const int64_t rowStepBytes = static_cast<int64_t>(ROW_STEP) * op.kBytes;
  const uint8_t* aSrc = gA + static_cast<int64_t>(m0 + ldRow) * op.kBytes + chunkK;
  const uint8_t* bSrc = gB + static_cast<int64_t>(n0 + ldRow) * op.kBytes + chunkK;
  uint32_t aRowOk = 0, bRowOk = 0;  // bit i: chunk i's row exists
#pragma unroll
  for (int i = 0; i < LOADS; ++i) {
    aRowOk |= (m0 + ldRow + i * ROW_STEP < op.M ? 1u : 0u) << i;
    bRowOk |= (n0 + ldRow + i * ROW_STEP < op.N ? 1u : 0u) << i;
  }
  const int kTiles = (op.kBytes + BK - 1) / BK;

  // Out-of-range chunks zero-fill (src-size 0) and point at the operand base, which is always mapped.
  auto loadStage = [&](int stage, int kt) {
    const int kOff = kt * BK;
    const bool kOk = kOff + chunkK < op.kBytes;
    const uint32_t sA = smemBase + stage * STAGE_BYTES + stOff, sB = sA + A_STAGE;
#pragma unroll
    for (int i = 0; i < LOADS; ++i) {
      const bool okA = kOk && ((aRowOk >> i) & 1u), okB = kOk && ((bRowOk >> i) & 1u);
      ptx::cpAsync16(sA + i * ROW_STEP * BK, okA ? aSrc + i * rowStepBytes + kOff : gA, okA ? 16u : 0u);
      ptx::cpAsync16(sB + i * ROW_STEP * BK, okB ? bSrc + i * rowStepBytes + kOff : gB, okB ? 16u : 0u);
    }
  };

  // ---- ldmatrix.x4 addressing (lane l feeds matrix l/8, row l%8).
  // A, per m16 tile: matrices (rows 0-7, K 0-15 B), (rows 8-15, K 0-15), (rows 0-7, K 16-31), (rows 8-15,
  // K 16-31) = a[0..3]. B, per pair of n8 tiles: (n 0-7, K 0-15), (n 0-7, K 16-31), (n 8-15, K 0-15),
  // (n 8-15, K 16-31) = b[j][0], b[j][1], b[j+1][0], b[j+1][1].
  // Moving 16 rows moves 16·CPR chunks = whole 128-byte lines in multiples of 8, which leaves the XOR key
  // unchanged: the offsets of the other mma tiles are the first one's plus a constant.
  const int aRow = warpM * WM + (lane & 7) + ((lane >> 3) & 1) * 8, aChunk = lane >> 4;
  const int bRow = warpN * WN + (lane & 7) + (lane >> 4) * 8, bChunk = (lane >> 3) & 1;
  uint32_t aFragOff[KSTEPS], bFragOff[KSTEPS];
#pragma unroll
  for (int ks = 0; ks < KSTEPS; ++ks) {
    aFragOff[ks] = swizzle(aRow, ks * 2 + aChunk);
    bFragOff[ks] = A_STAGE + swizzle(bRow, ks * 2 + bChunk);
  }

  Acc acc[MI][NJ][4];
#pragma unroll
  for (int mi = 0; mi < MI; ++mi)
#pragma unroll
    for (int nj = 0; nj < NJ; ++nj)
#pragma unroll
      for (int r = 0; r < 4; ++r) acc[mi][nj][r] = Acc(0);

  // ---- pipeline prologue: stages 0 .. STAGES-2 in flight, one commit group each (empty groups included,
  // so the group count per iteration stays uniform for wait_group).
#pragma unroll
  for (int s = 0; s < STAGES - 1; ++s) {
    if (s < kTiles) loadStage(s, s);
    ptx::cpAsyncCommit();
  }

  for (int kt = 0; kt < kTiles; ++kt) {
    // Tile kt has landed once at most STAGES-2 younger groups are pending; the barrier then publishes it to
    // all warps and also guarantees that everyone is done with the stage computed last iteration, which is
    // the one refilled next.
    ptx::cpAsyncWait<STAGES - 2>();
    __syncthreads();
    if (kt + STAGES - 1 < kTiles) loadStage((kt + STAGES - 1) % STAGES, kt + STAGES - 1);
    ptx::cpAsyncCommit();

    const uint32_t stage = smemBase + (kt % STAGES) * STAGE_BYTES;
#pragma unroll
    for (int ks = 0; ks < KSTEPS; ++ks) {
      uint32_t a[MI][4], b[NJ][2];
#pragma unroll
      for (int mi = 0; mi < MI; ++mi) ptx::ldmatrixX4(a[mi], stage + aFragOff[ks] + mi * 16 * BK);
#pragma unroll
      for (int p = 0; p < NJ / 2; ++p) {
        uint32_t t[4];
        ptx::ldmatrixX4(t, stage + bFragOff[ks] + p * 16 * BK);
        b[2 * p][0] = t[0];
        b[2 * p][1] = t[1];
        b[2 * p + 1][0] = t[2];
        b[2 * p + 1][1] = t[3];
      }
#pragma unroll
      for (int mi = 0; mi < MI; ++mi)
#pragma unroll
        for (int nj = 0; nj < NJ; ++nj) Mma::run(acc[mi][nj], a[mi], b[nj][0], b[nj][1]);
    }
  }
  ptx::cpAsyncWait<0>();  // only empty groups can remain; leave nothing in flight at exit

  // ---- epilogue straight from the accumulator fragments: c[0..1] row g, c[2..3] row g+8, cols 2t, 2t+1.
  constexpr bool kIntAcc = std::is_integral<Acc>::value;
  const int rowBase = m0 + warpM * WM + (lane >> 2);
  const int colBase = n0 + warpN * WN + 2 * (lane & 3);
#pragma unroll
  for (int nj = 0; nj < NJ; ++nj) {
    const int n = colBase + nj * 8;
    const EpiColumn c0 = epiColumn(e, n, kIntAcc), c1 = epiColumn(e, n + 1, kIntAcc);
#pragma unroll
    for (int mi = 0; mi < MI; ++mi) {
      const int m = rowBase + mi * 16;
      if (m < e.M) epiStorePair<OutT>(e, m, n, acc[mi][nj][0], acc[mi][nj][1], c0, c1);
      if (m + 8 < e.M) epiStorePair<OutT>(e, m + 8, n, acc[mi][nj][2], acc[mi][nj][3], c0, c1);
    }
  }
}

// Host side: one 1-D grid of tilesM × tilesN blocks (the kernel derives its tile from the grouped raster).
template <class Mma, typename OutT>
void launchTc(const TcOperands& op, const Epilogue& e, cudaStream_t stream) {
  if (op.M <= 0 || op.N <= 0) return;
  const int64_t blocks = static_cast<int64_t>((op.M + BM - 1) / BM) * ((op.N + BN - 1) / BN);
  if (blocks > 0x7fffffff) throw Error(ErrorCode::Shape, "gemm: output too large for one CUDA launch");
  auto kernel = gemmTcKernel<Mma, OutT>;
  CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, SMEM_BYTES),
             "cudaFuncSetAttribute(gemm shared memory)");
  kernel<<<static_cast<unsigned>(blocks), THREADS, SMEM_BYTES, stream>>>(op, e);
  CUDA_CHECK_LAUNCH("gemm kernel launch");
}

}  // namespace int8rt::cuda::tc
