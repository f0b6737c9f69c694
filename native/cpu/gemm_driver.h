// The blocked, packed, multithreaded GEMM driver shared by every CPU kernel (fp32 and int8, every ISA).
//
// An ISA supplies `Ops`: its vector types, how A and B elements are packed (A broadcast in groups of
// kGroup consecutive k; B in panels of NR columns, kGroup k per column), and one multiply-accumulate.
// The driver does the rest the classic way (Goto/BLIS): pack A into MR-row panels and B into NR-column
// panels (k-grouped, zero-padded), then split C into MC x NC tiles over the thread pool; each tile walks
// K in KC blocks so an A block stays in L2 and a B panel in L1 while the register-blocked micro-kernel
// sweeps it. Per-tile accumulators live in a thread-local buffer until the epilogue writes C.
//
// Compiled once per ISA (included after `#pragma GCC target` in gemm_<isa>.cpp): internal linkage only.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <type_traits>

#include "core/aligned_buffer.h"
#include "core/gemm_desc.h"
#include "core/thread_pool.h"
#include "cpu/gemm.h"
#include "cpu/gemm_epilogue.h"

namespace int8rt::cpu {
namespace {

// acc[MR][NR] (+)= A-panel · B-panel over kgroups groups of Ops::kGroup k.
template <class Ops, int MR, int NV>
inline void microKernel(int64_t kgroups, const typename Ops::TA* a, const typename Ops::TB* b,
                        typename Ops::Acc* c, int64_t ldc, bool accumulate) {
  using V = typename Ops::V;
  constexpr int W = Ops::kLanes, G = Ops::kGroup, NR = NV * W;
  V acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int j = 0; j < NV; ++j) acc[i][j] = Ops::zero();
  for (int64_t k = 0; k < kgroups; ++k) {
    typename Ops::VB bv[NV];
#pragma GCC unroll 8
    for (int j = 0; j < NV; ++j) bv[j] = Ops::loadB(b + j * W * G);
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      typename Ops::VA av = Ops::broadcastA(a + i * G);
#pragma GCC unroll 8
      for (int j = 0; j < NV; ++j) acc[i][j] = Ops::madd(acc[i][j], av, bv[j]);
    }
    a += MR * G;
    b += NR * G;
  }
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int j = 0; j < NV; ++j) {
      typename Ops::Acc* p = c + i * ldc + j * W;
      Ops::store(p, accumulate ? Ops::add(acc[i][j], Ops::load(p)) : acc[i][j]);
    }
}

// Element (m, k) of op(A) and (k, n) of op(B) in the caller's layout.
template <class T>
inline T elemA(const GemmDesc& d, int64_t m, int64_t k) {
  return static_cast<const T*>(d.A)[d.transA ? k * d.M + m : m * d.K + k];
}
template <class T>
inline T elemB(const GemmDesc& d, int64_t k, int64_t n) {
  return static_cast<const T*>(d.B)[d.transB ? n * d.K + k : k * d.N + n];
}

// An Ops may provide packBGroupRowMajor(src, kStride, dst, sums): a vectorized packBGroup for B in
// [K,N] layout, the most common one.
template <class O, class = void>
struct HasFastPackB : std::false_type {};
template <class O>
struct HasFastPackB<O, std::void_t<decltype(&O::packBGroupRowMajor)>> : std::true_type {};

// An Ops may also provide its own register-blocked kernel(kgroups, a, b, c, ldc, accumulate) where the
// compiler's register allocation of microKernel falls short.
template <class O, class = void>
struct HasKernel : std::false_type {};
template <class O>
struct HasKernel<O, std::void_t<decltype(&O::kernel)>> : std::true_type {};

// An Ops may provide packAPanelRowMajor(src, rowStride, fullK, dst): packs k in [0, done) of a full MR-row
// A panel in [M,K] layout (vectorized) and returns done; the generic loop packs the rest.
template <class O, class = void>
struct HasFastPackA : std::false_type {};
template <class O>
struct HasFastPackA<O, std::void_t<decltype(&O::packAPanelRowMajor)>> : std::true_type {};

template <class Ops, int MR, int NV>
struct GemmDriver {
  using In = typename Ops::In;  // float or int8_t
  using TA = typename Ops::TA;
  using TB = typename Ops::TB;
  using Acc = typename Ops::Acc;
  static constexpr int G = Ops::kGroup, NR = NV * Ops::kLanes;
  static constexpr int64_t kMcPanels = Ops::kMcPanels, kNcPanels = Ops::kNcPanels, KC = Ops::kKc;

  // A panel: [Kp/G][MR][G], rows past M and k past K zero. Element (i, k) of the panel is at
  // src[i * rowStride + k * kStride] in the caller's layout.
  static void packA(const GemmDesc& d, int64_t m0, int64_t Kp, TA* dst) {
    const int64_t rows = std::min<int64_t>(MR, d.M - m0);
    const In* src = static_cast<const In*>(d.A) + (d.transA ? m0 : m0 * d.K);
    const int64_t rowStride = d.transA ? 1 : d.K, kStride = d.transA ? d.M : 1;
    const int64_t fullK = d.K / G * G;
    if (rows == MR) {  // the common case, without per-element bounds checks
      int64_t kStart = 0;
      if constexpr (HasFastPackA<Ops>::value) {
        if (!d.transA) {
          kStart = Ops::packAPanelRowMajor(src, rowStride, fullK, dst);
          dst += kStart * MR;
        }
      }
      for (int64_t kg = kStart; kg < fullK; kg += G)
        for (int64_t i = 0; i < MR; ++i)
          for (int64_t t = 0; t < G; ++t) *dst++ = Ops::packA(src[i * rowStride + (kg + t) * kStride]);
    } else {
      for (int64_t kg = 0; kg < fullK; kg += G)
        for (int64_t i = 0; i < MR; ++i)
          for (int64_t t = 0; t < G; ++t) *dst++ = Ops::packA(i < rows ? src[i * rowStride + (kg + t) * kStride] : In(0));
    }
    for (int64_t kg = fullK; kg < Kp; kg += G)
      for (int64_t i = 0; i < MR; ++i)
        for (int64_t t = 0; t < G; ++t) {
          const int64_t k = kg + t;
          *dst++ = Ops::packA(i < rows && k < d.K ? src[i * rowStride + k * kStride] : In(0));
        }
  }

  // One k-group of a full B panel: NR columns x G k, from src[t * kStride + j * colStride].
  static inline void packBGroup(const In* src, int64_t kStride, int64_t colStride, TB* dst, int32_t* sums) {
    for (int64_t j = 0; j < NR; ++j)
      for (int64_t t = 0; t < G; ++t) {
        const In v = src[t * kStride + j * colStride];
        if (Ops::kCompensate) sums[j] += static_cast<int32_t>(v);
        dst[j * G + t] = Ops::packB(v);
      }
  }

  // Rows [k0, k1) of B panels p0 .. p0+count-1, each [(k1-k0)/G][NR][G] at dst + i * panelStride, columns
  // past N and k past K zero; adds the column sums the u8s8 kernels need to colSum (indexed by column).
  // The k loop is outside the panel loop so a [K,N] B is read along its rows, one cache line after another.
  static void packB(const GemmDesc& d, int64_t p0, int64_t count, int64_t k0, int64_t k1, TB* dst,
                    int64_t panelStride, int32_t* colSum) {
    const In* src = static_cast<const In*>(d.B);
    const int64_t kStride = d.transB ? 1 : d.N, colStride = d.transB ? d.K : 1;
    const int64_t fullEnd = std::max(k0, std::min(k1, d.K / G * G));
    const int64_t fullPanels = std::min(count, d.N / NR - p0);  // panels with all NR columns inside N
    std::vector<int32_t> sums(Ops::kCompensate ? count * NR : 0);
    for (int64_t kg = k0; kg < fullEnd; kg += G)
      for (int64_t i = 0; i < fullPanels; ++i) {
        const In* from = src + kg * kStride + (p0 + i) * NR * colStride;
        TB* to = dst + i * panelStride + (kg - k0) * NR;
        int32_t* sum = Ops::kCompensate ? sums.data() + i * NR : nullptr;
        if constexpr (HasFastPackB<Ops>::value) {
          if (!d.transB) {
            Ops::packBGroupRowMajor(from, kStride, to, sum);
            continue;
          }
        }
        packBGroup(from, kStride, colStride, to, sum);
      }
    // The ragged parts: k past the last full group, and a last panel that runs past N.
    for (int64_t i = 0; i < count; ++i) {
      const int64_t n0 = (p0 + i) * NR, cols = std::min<int64_t>(NR, d.N - n0);
      for (int64_t kg = i < fullPanels ? fullEnd : k0; kg < k1; kg += G)
        for (int64_t j = 0; j < NR; ++j)
          for (int64_t t = 0; t < G; ++t) {
            const int64_t k = kg + t;
            const In v = j < cols && k < d.K ? src[k * kStride + (n0 + j) * colStride] : In(0);
            if (Ops::kCompensate) sums[i * NR + j] += static_cast<int32_t>(v);
            dst[i * panelStride + (kg - k0) * NR + j * G + t] = Ops::packB(v);
          }
    }
    if (Ops::kCompensate)
      for (int64_t j = 0; j < count * NR && p0 * NR + j < d.N; ++j) colSum[p0 * NR + j] += sums[j];
  }

  // Packs all of op(A) (isA) or op(B) once, in the layout run() reads with Prepacked.
  static void pack(const GemmDesc& d, bool isA, PackedMatrix& out) {
    const int64_t Kp = (d.K + G - 1) / G * G;
    if (isA) {
      const int64_t mPanels = (d.M + MR - 1) / MR;
      TA* dst = out.data->get<TA>(mPanels * MR * Kp);
      ThreadPool::global().parallelFor(mPanels, [&](int64_t p) { packA(d, p * MR, Kp, dst + p * MR * Kp); });
      return;
    }
    const int64_t nPanels = (d.N + NR - 1) / NR;
    TB* dst = out.data->get<TB>(nPanels * NR * Kp);
    if (Ops::kCompensate) out.colSum.assign(nPanels * NR, 0);
    int32_t* colSum = Ops::kCompensate ? out.colSum.data() : nullptr;
    // Chunks of panels own disjoint columns, so their column sums never collide.
    ThreadPool::global().parallelFor((nPanels + kNcPanels - 1) / kNcPanels, [&](int64_t c) {
      const int64_t p0 = c * kNcPanels;
      packB(d, p0, std::min(kNcPanels, nPanels - p0), 0, Kp, dst + p0 * NR * Kp, NR * Kp, colSum);
    });
  }

  static void run(const GemmDesc& d, const Prepacked& pre) {
    const int64_t Kp = (d.K + G - 1) / G * G;
    const int64_t mPanels = (d.M + MR - 1) / MR, nPanels = (d.N + NR - 1) / NR;
    const int64_t mTiles = (mPanels + kMcPanels - 1) / kMcPanels, nTiles = (nPanels + kNcPanels - 1) / kNcPanels;
    // With a single row of tiles (small M) every B element is used by one tile only: pack it there, block
    // by block, so it stays in cache instead of making a round trip through memory.
    const bool packBInTile = mTiles == 1 && !pre.b;
    thread_local AlignedBuffer packedA, packedB;
    TA* pa = pre.a ? pre.a->data->template get<TA>(0) : packedA.get<TA>(mPanels * MR * Kp);
    TB* pb = pre.b ? pre.b->data->template get<TB>(0) : (packBInTile ? nullptr : packedB.get<TB>(nPanels * NR * Kp));

    EpilogueColumns cols;
    cols.row = pre.epilogue;
    cols.ldc = pre.ldc > 0 ? pre.ldc : d.N;
    if (Ops::kCompensate) {
      if (pre.b) cols.colSum = pre.b->colSum;
      else cols.colSum.assign(nPanels * NR, 0);
    }
    if (d.inType == DType::Int8 && d.outType != DType::Int32) {
      cols.scale.resize(d.N);
      for (int64_t n = 0; n < d.N; ++n) cols.scale[n] = d.columnScale(n);
    }

    ThreadPool& pool = ThreadPool::global();
    const bool small = d.M * d.N * d.K < (int64_t(1) << 18);
    auto forEach = [&](int64_t n, const std::function<void(int64_t)>& fn) {
      if (small) for (int64_t i = 0; i < n; ++i) fn(i);
      else pool.parallelFor(n, fn);
    };
    int32_t* colSum = Ops::kCompensate && !pre.b ? cols.colSum.data() : nullptr;

    const int64_t aChunks = pre.a ? 0 : mPanels;
    const int64_t bChunks = packBInTile || pre.b ? 0 : (nPanels + kNcPanels - 1) / kNcPanels;
    forEach(aChunks + bChunks, [&](int64_t p) {
      if (p < aChunks) return packA(d, p * MR, Kp, pa + p * MR * Kp);
      const int64_t p0 = (p - aChunks) * kNcPanels;
      packB(d, p0, std::min(kNcPanels, nPanels - p0), 0, Kp, pb + p0 * NR * Kp, NR * Kp, colSum);
    });

    forEach(mTiles * nTiles, [&](int64_t t) {
      const int64_t mp0 = (t / nTiles) * kMcPanels, np0 = (t % nTiles) * kNcPanels;
      const int64_t mpCount = std::min(kMcPanels, mPanels - mp0), npCount = std::min(kNcPanels, nPanels - np0);
      const int64_t ldAcc = npCount * NR;
      thread_local AlignedBuffer tile, tileB;
      Acc* acc = tile.get<Acc>(mpCount * MR * ldAcc);
      TB* bBlock = packBInTile ? tileB.get<TB>(npCount * NR * std::min(KC, Kp)) : nullptr;
      for (int64_t k0 = 0; k0 < Kp; k0 += KC) {
        const int64_t kLen = std::min(KC, Kp - k0);
        if (packBInTile) packB(d, np0, npCount, k0, k0 + kLen, bBlock, NR * kLen, colSum);
        for (int64_t jp = 0; jp < npCount; ++jp) {
          const TB* b = packBInTile ? bBlock + jp * NR * kLen : pb + (np0 + jp) * NR * Kp + k0 * NR;
          for (int64_t ip = 0; ip < mpCount; ++ip) {
            const TA* a = pa + (mp0 + ip) * MR * Kp + k0 * MR;
            Acc* c = acc + ip * MR * ldAcc + jp * NR;
            if constexpr (HasKernel<Ops>::value) Ops::kernel(kLen / G, a, b, c, ldAcc, k0 > 0);
            else microKernel<Ops, MR, NV>(kLen / G, a, b, c, ldAcc, k0 > 0);
          }
        }
      }
      const int64_t m0 = mp0 * MR, n0 = np0 * NR;
      storeTile(d, cols, acc, ldAcc, m0, std::min<int64_t>(mpCount * MR, d.M - m0), n0,
                std::min<int64_t>(ldAcc, d.N - n0));
    });
  }
};

}  // namespace
}  // namespace int8rt::cpu
