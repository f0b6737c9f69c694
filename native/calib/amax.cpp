#include "calib/amax.h"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "core/error.h"

namespace int8rt::calib {

namespace {

constexpr int64_t kLevels = 128;         // |q| in 0..127: 128 levels of magnitude (int8, symmetric)
constexpr int64_t kTableMaxWidth = 64;   // entropy: cache level terms while levels are this narrow
constexpr double kRoundMagic = 6755399441055744.0;  // 1.5 * 2^52: (t + M) - M rounds half to even

// Level terms M·ln(M / nonEmpty) for ranges [s, s + width), filled on demand as s grows. Candidates
// i in [128w, 128w + 127] use widths w and w + 1; the w + 1 table carries over to the next block.
struct LevelTable {
  int64_t width = -1;
  std::vector<double> u;
};

// The last candidate end bin: one past the highest occupied bin (at least 128). The bins above it
// are empty only because the range was rounded up to a power-of-two width; a histogram over exactly
// [0, max] (pytorch-quantization's) has no candidates there either.
int64_t lastCandidate(const std::vector<uint64_t>& counts) {
  int64_t top = static_cast<int64_t>(counts.size());
  while (top > kLevels && counts[top - 1] == 0) --top;
  return top;
}

}  // namespace

// KL(P‖Q) = Σ p ln p − Σ p ln q, each from prefix sums:
//  Σ p ln p: p_j = b_j / T, with the outliers (mass of bins ≥ i) added to bin i-1;
//  Σ p ln q: q is constant M_L / (n_L·S) over the n_L non-empty bins of level L (S = Σ_{j<i} b_j), so
//            level L contributes P_L·ln(M_L / n_L) − P_L·ln S, and Σ P_L = 1.
// Level L of candidate i holds bins j with floor(j·128 / i) == L, i.e. [ceil(L·i/128), ceil((L+1)·i/128));
// its width is floor(i/128) or one more, so for narrow levels the terms come from two tables.
double entropyAmaxFrom(const std::vector<uint64_t>& counts, double width) {
  const int64_t n = static_cast<int64_t>(counts.size());
  if (n < kLevels) throw Error(ErrorCode::InvalidArg, "entropy calibration needs at least 128 bins");
  std::vector<double> b(counts.begin(), counts.end());
  b[0] = b[1];  // the spike of exact zeros (after a ReLU) must not dominate
  std::vector<double> cum(n + 1, 0.0), xlogx(n + 1, 0.0);
  std::vector<int64_t> nonEmpty(n + 1, 0);
  for (int64_t j = 0; j < n; ++j) {
    cum[j + 1] = cum[j] + b[j];  // exact: integer counts < 2^53
    xlogx[j + 1] = xlogx[j] + (b[j] > 0 ? b[j] * std::log(b[j]) : 0.0);
    nonEmpty[j + 1] = nonEmpty[j] + (b[j] > 0);
  }
  const double total = cum[n];
  if (!(total > 0)) return static_cast<double>(n) * width;
  const double logTotal = std::log(total);

  auto levelTerm = [&](int64_t s, int64_t e) {
    double m = cum[e] - cum[s];
    return m > 0 ? m * std::log(m / static_cast<double>(nonEmpty[e] - nonEmpty[s])) : 0.0;
  };
  auto fill = [&](LevelTable& t, int64_t upTo) {
    for (int64_t s = static_cast<int64_t>(t.u.size()); s <= upTo; ++s) t.u.push_back(levelTerm(s, s + t.width));
  };
  LevelTable narrow, wide;  // widths w and w + 1

  const int64_t stop = lastCandidate(counts);
  double best = std::numeric_limits<double>::infinity();
  int64_t bestI = stop;
  for (int64_t i = kLevels; i <= stop; ++i) {
    const double outliers = total - cum[i], last = b[i - 1];
    if (last == 0 && outliers > 0) continue;  // P has mass where Q has none: infinite divergence
    const double pLast = last + outliers;
    const double selfTerm = (xlogx[i - 1] + (pLast > 0 ? pLast * std::log(pLast) : 0.0)) / total - logTotal;

    double cross = 0;
    const int64_t w = i / kLevels;
    if (w < kTableMaxWidth) {
      if (narrow.width != w) {
        if (wide.width == w) std::swap(narrow, wide);
        else narrow = LevelTable{w, {}};
        wide = LevelTable{w + 1, {}};
      }
      fill(narrow, i - w);
      if (i % kLevels) fill(wide, i - w - 1);
      const double* tab[2] = {narrow.u.data(), wide.u.data()};  // indexed, not branched on
      double acc[4] = {0, 0, 0, 0};  // independent sums: no serial add chain
      for (int64_t l = 0; l < kLevels; l += 4) {
        for (int64_t q = 0; q < 4; ++q) {
          const int64_t s = ((l + q) * i + kLevels - 1) / kLevels, e = ((l + q + 1) * i + kLevels - 1) / kLevels;
          acc[q] += tab[e - s - w][s];
        }
      }
      cross = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    } else {
      int64_t s = 0;
      for (int64_t l = 0; l < kLevels; ++l) {
        int64_t e = ((l + 1) * i + kLevels - 1) / kLevels;
        cross += levelTerm(s, e);
        s = e;
      }
    }
    if (outliers > 0) {  // the outliers' P mass sits in the last level, bin i-1 (non-empty here)
      const int64_t s = ((kLevels - 1) * i + kLevels - 1) / kLevels;
      cross += outliers * std::log((cum[i] - cum[s]) / static_cast<double>(nonEmpty[i] - nonEmpty[s]));
    }
    const double kl = selfTerm - (cross / total - std::log(cum[i]));
    if (kl <= best) {  // ties: the last minimum, as pytorch-quantization
      best = kl;
      bestI = i;
    }
  }
  return static_cast<double>(bestI) * width;
}

double percentileAmaxFrom(const std::vector<uint64_t>& counts, double width, double percentile) {
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  // The number of values that must lie at or below amax; a product that misses an integer by
  // rounding noise only (99.99% of 10^6) is snapped to it.
  const double x = percentile / 100.0 * static_cast<double>(total), r = std::nearbyint(x);
  double need = std::fabs(x - r) <= x * 1e-14 ? r : std::ceil(x);
  if (need < 1) need = 1;
  double cum = 0;
  for (size_t j = 0; j < counts.size(); ++j) {
    cum += static_cast<double>(counts[j]);
    if (cum >= need) return static_cast<double>(j + 1) * width;
  }
  return static_cast<double>(counts.size()) * width;
}

// In units of width/254 the error of centre j = (j + ½)·width under amax = i·width is an integer:
//  j < i:  e = 127(2j+1) − r·2i, r = round_half_even(127(2j+1) / 2i) ≤ 127 (|e| is the same
//          whichever way an exact tie rounds, so the reciprocal multiply cannot change the result);
//  j ≥ i:  clipped to 127, e = 127(2j+1−2i); summed exactly from 128-bit suffix sums.
double mseAmaxFrom(const std::vector<uint64_t>& counts, double width) {
  using I128 = __int128;
  const int64_t n = static_cast<int64_t>(counts.size());
  if (n < kLevels) throw Error(ErrorCode::InvalidArg, "mse calibration needs at least 128 bins");
  std::vector<double> c(counts.begin(), counts.end());
  std::vector<I128> s0(n + 1, 0), s1(n + 1, 0), s2(n + 1, 0);  // suffix Σc, Σc(2j+1), Σc(2j+1)²
  for (int64_t j = n - 1; j >= 0; --j) {
    const I128 cj = counts[j], odd = 2 * j + 1;
    s0[j] = s0[j + 1] + cj;
    s1[j] = s1[j + 1] + cj * odd;
    s2[j] = s2[j + 1] + cj * odd * odd;
  }
  std::vector<double> mv(n);  // 127(2j+1), the centres in units of width/254
  for (int64_t j = 0; j < n; ++j) mv[j] = 127.0 * static_cast<double>(2 * j + 1);
  const int64_t stop = lastCandidate(counts);
  double best = std::numeric_limits<double>::infinity();
  int64_t bestI = stop;
  for (int64_t i = kLevels; i <= stop; ++i) {
    const double d = 2.0 * static_cast<double>(i), invD = 1.0 / d;
    double acc[4] = {0, 0, 0, 0};  // independent sums: no serial add chain
    int64_t j = 0;
    auto term = [&](int64_t k) {
      const double r = (mv[k] * invD + kRoundMagic) - kRoundMagic;
      const double e = mv[k] - r * d;
      return c[k] * e * e;
    };
    for (; j + 4 <= i; j += 4)
      for (int q = 0; q < 4; ++q) acc[q] += term(j + q);
    for (; j < i; ++j) acc[0] += term(j);
    const I128 di = 2 * i;
    const I128 clipped = s2[i] - 2 * di * s1[i] + di * di * s0[i];
    const double err = (acc[0] + acc[1]) + (acc[2] + acc[3]) + 16129.0 * static_cast<double>(clipped);
    if (err < best) {  // ties: the first minimum, as pytorch-quantization (np.argmin)
      best = err;
      bestI = i;
    }
  }
  return static_cast<double>(bestI) * width;
}

double amax(const Histogram& h, AmaxMethod method, double percentile) {
  if (method == AmaxMethod::Percentile && !(percentile > 0 && percentile <= 100))
    throw Error(ErrorCode::InvalidArg,
                "Expected a percentile in (0, 100] for percentile but received " + std::to_string(percentile));
  if (h.count() == 0)
    throw Error(ErrorCode::InvalidArg, "Cannot compute amax of an empty histogram: observe() some data first");
  if (method == AmaxMethod::Max) return h.maxAbs();
  if (!h.hasRange()) return 0;  // only zeros seen: every method agrees on 0
  switch (method) {
    case AmaxMethod::Entropy: return entropyAmaxFrom(h.counts(), h.width());
    case AmaxMethod::Percentile: return percentileAmaxFrom(h.counts(), h.width(), percentile);
    case AmaxMethod::Mse: return mseAmaxFrom(h.counts(), h.width());
    case AmaxMethod::Max: break;
  }
  throw Error(ErrorCode::InvalidArg, "unknown amax method");
}

}  // namespace int8rt::calib
