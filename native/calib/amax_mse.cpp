// mse amax: the candidate minimizing Σ count·(q(centre) − centre)², computed exactly in integers.
//
// In units of width/254 bin j's centre is m_j = 127(2j+1) and candidate i (amax = i·width) has
// step d = 2i, so the error of bin j is e_j = m_j − r_j·d with r_j = min(127, round(m_j / d)): an
// integer. (An exact half-way m_j / d gives the same |e_j| whichever way it rounds.) Expanding,
//   Σ c·e² = Σ c·m² − 2d·Σ c·r·m + d²·Σ c·r²,
// and r_j counts the level boundaries b_1..b_127 at or below j (b_L = first bin that rounds to ≥ L),
// so Σ c·r·m = Σ_L (suffix Σ c·m from b_L) and Σ c·r² = Σ_L (2L−1)·(suffix Σ c from b_L).
// Each candidate costs 127 prefix-sum lookups instead of a pass over its i bins. Everything is
// unsigned 128-bit arithmetic modulo 2^128: the result, at most total·i² < 2^104, is exact even where
// an intermediate wraps, so candidates compare exactly (ties: the first minimum, as np.argmin in
// pytorch-quantization).
#include "calib/amax.h"
#include "calib/amax_candidates.h"
#include "core/error.h"

namespace int8rt::calib {

namespace {

using U128 = unsigned __int128;

// For each candidate i, Σ_L suffix(c·m from b_L) and Σ_L (2L−1)·suffix(c from b_L) as sums of prefix
// values; Sum is uint64_t when those sums cannot exceed 64 bits (then the loop needs no carries).
template <class Sum>
struct LevelSums {
  Sum cm, c;
};

template <class Sum>
LevelSums<Sum> levelSums(const Sum* p1, const uint64_t* p0, int64_t i) {
  // b_L = ceil(((2L−1)·i − 127) / 254): bin j rounds to ≥ L when 127(2j+1) ≥ (L − ½)·2i.
  // (2L−1)·i + 126 < 2^28 for the at most 2^20 bins, so the division is 32-bit.
  const uint32_t step = static_cast<uint32_t>(2 * i);
  uint32_t num = static_cast<uint32_t>(253 * i + 126);
  // Walking L down from 127, tail = Σ_{K≥L} p0[b_K] and Σ_L tail_L = Σ_L L·p0[b_L], so
  // Σ (2L−1)·p0[b_L] = 2·Σ tail − tail_1, with no multiply.
  Sum cm = 0, tail = 0, sumTail = 0;
  for (int64_t l = kLevels - 1; l >= 1; --l, num -= step) {
    const uint32_t b = num / 254;
    cm += p1[b];
    tail += p0[b];
    sumTail += tail;
  }
  return {cm, 2 * sumTail - tail};
}

template <class Sum>
int64_t bestCandidate(const Sum* p1, const uint64_t* p0, int64_t n, U128 cm2, int64_t stop) {
  const U128 allCm = static_cast<U128>(kLevels - 1) * p1[n], allC = static_cast<U128>(16129) * p0[n];
  U128 best = ~U128{0};
  int64_t bestI = stop;
  for (int64_t i = kLevels; i <= stop; ++i) {
    const LevelSums<Sum> s = levelSums(p1, p0, i);
    const U128 d = static_cast<U128>(2 * i);
    const U128 err = cm2 - 2 * d * (allCm - s.cm) + d * d * (allC - s.c);
    if (err < best) {
      best = err;
      bestI = i;
    }
  }
  return bestI;
}

}  // namespace

double mseAmaxFrom(const std::vector<uint64_t>& counts, double width) {
  const int64_t n = static_cast<int64_t>(counts.size());
  if (n < kLevels) throw Error(ErrorCode::InvalidArg, "mse calibration needs at least 128 bins");
  std::vector<uint64_t> p0(n + 1, 0);  // prefix Σc (the total fits: Histogram keeps count() in 64 bits)
  std::vector<U128> p1(n + 1, 0);      // prefix Σc·m
  U128 cm2 = 0;                        // Σc·m²
  for (int64_t j = 0; j < n; ++j) {
    const uint64_t m = static_cast<uint64_t>(127 * (2 * j + 1));
    const U128 cm = static_cast<U128>(counts[j]) * m;
    p0[j + 1] = p0[j] + counts[j];
    p1[j + 1] = p1[j] + cm;
    cm2 += cm * m;
  }
  const int64_t stop = lastCandidate(counts);
  // The level sums are at most 127·p1[n] and 127²·p0[n]: 64 bits suffice for typical histograms.
  constexpr U128 k64 = ~uint64_t{0};
  if (p1[n] <= k64 / (kLevels - 1) && p0[n] <= k64 / 16129) {
    std::vector<uint64_t> p1narrow(p1.begin(), p1.end());
    return static_cast<double>(bestCandidate(p1narrow.data(), p0.data(), n, cm2, stop)) * width;
  }
  return static_cast<double>(bestCandidate(p1.data(), p0.data(), n, cm2, stop)) * width;
}

}  // namespace int8rt::calib
