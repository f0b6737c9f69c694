// Entropy amax (TensorRT EntropyCalibration2): the candidate whose 128-level quantization Q of the
// reference distribution P has the least KL(P‖Q).
//
// KL(P‖Q) = Σ p ln p − Σ p ln q, each from prefix sums:
//  Σ p ln p: p_j = b_j / T, with the outliers (mass of bins ≥ i) added to bin i-1;
//  Σ p ln q: q is constant M_L / (n_L·S) over the n_L non-empty bins of level L (S = Σ_{j<i} b_j), so
//            level L contributes P_L·ln(M_L / n_L) − P_L·ln S, and Σ P_L = 1.
// Level L of candidate i holds bins j with floor(j·128 / i) == L, i.e. [ceil(L·i/128), ceil((L+1)·i/128)).
// With i = 128w + r that is [L·w + off_r(L), ...) where off_r(L) = ceil(L·r/128), so each level is w or
// w + 1 bins wide and the per-level terms M·ln(M/n) come from a table indexed by (start, width).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "calib/amax.h"
#include "calib/amax_candidates.h"
#include "core/error.h"

namespace int8rt::calib {

namespace {

constexpr int64_t kTableMaxWidth = 64;  // cache level terms while levels are this narrow

// Level terms live in one array, T[2s + (v & 1)] = term of the width-v level starting at bin s: the
// two widths a block of candidates uses (w, w + 1) never share a column, and the w + 1 column carries
// over unchanged to the next block.
//
// levelIndex()[w & 1][r][L] = 2·off_r(L) + column of level L, so the level's entry is T[2·L·w + that]
// (at most 2·127 + 1: a byte).
using LevelIndex = std::array<std::array<std::array<uint8_t, kLevels>, kLevels>, 2>;

LevelIndex makeLevelIndex() {
  LevelIndex t{};
  for (int parity = 0; parity < 2; ++parity)
    for (int64_t r = 0; r < kLevels; ++r)
      for (int64_t l = 0; l < kLevels; ++l) {
        const int64_t off = (l * r + kLevels - 1) / kLevels, next = ((l + 1) * r + kLevels - 1) / kLevels;
        t[parity][r][l] = static_cast<uint8_t>(2 * off + (parity ^ (next - off)));  // next - off: 1 if w + 1 wide
      }
  return t;
}

const LevelIndex& levelIndex() {
  static const LevelIndex t = makeLevelIndex();
  return t;
}

}  // namespace

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

  const int64_t stop = lastCandidate(counts);
  // Tabled candidates (w < kTableMaxWidth) start levels below kLevels·kTableMaxWidth.
  std::vector<double> table(2 * static_cast<size_t>(std::min(n, kLevels * kTableMaxWidth) + 1));
  int64_t colWidth[2] = {-1, -1}, colFilled[2] = {0, 0};  // the width each column holds, entries filled
  // Makes column v & 1 hold width v for every start s <= upTo (computed once per (s, v)).
  auto fill = [&](int64_t v, int64_t upTo) {
    const int c = static_cast<int>(v & 1);
    if (colWidth[c] != v) colWidth[c] = v, colFilled[c] = 0;
    for (int64_t s = colFilled[c]; s <= upTo; ++s) table[2 * s + c] = levelTerm(s, s + v);
    colFilled[c] = std::max(colFilled[c], upTo + 1);
  };

  double best = std::numeric_limits<double>::infinity();
  int64_t bestI = stop;
  for (int64_t i = kLevels; i <= stop; ++i) {
    const double outliers = total - cum[i], last = b[i - 1];
    if (last == 0 && outliers > 0) continue;  // P has mass where Q has none: infinite divergence
    const double pLast = last + outliers;
    const double selfTerm = (xlogx[i - 1] + (pLast > 0 ? pLast * std::log(pLast) : 0.0)) / total - logTotal;

    double cross = 0;
    const int64_t w = i / kLevels, r = i % kLevels;
    if (w < kTableMaxWidth) {
      fill(w, i - w);
      if (r) fill(w + 1, i - w - 1);
      const uint8_t* g = levelIndex()[w & 1][r].data();
      const double* t = table.data();
      double acc[4] = {0, 0, 0, 0};  // independent sums: no serial add chain
      for (int64_t l = 0; l < kLevels; l += 4)
        for (int64_t q = 0; q < 4; ++q) acc[q] += t[2 * (l + q) * w + g[l + q]];
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

}  // namespace int8rt::calib
