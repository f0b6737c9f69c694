// amax dispatch and the percentile method (entropy: amax_entropy.cpp, mse: amax_mse.cpp).
#include "calib/amax.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace int8rt::calib {

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
