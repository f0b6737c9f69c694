// amax (the clipping threshold, scale = amax / 127) from a |x| histogram, by the methods of
// QUANTIZATION.md. The *From functions take raw bins (counts, bin width) so they can be tested alone.
#pragma once
#include <cstdint>
#include <vector>

#include "calib/histogram.h"

namespace int8rt::calib {

enum class AmaxMethod : int { Max = 0, Entropy = 1, Percentile = 2, Mse = 3 };

// Throws ERR_INVALID_ARG for an empty histogram or a percentile outside (0, 100]. A histogram of
// zeros only gives 0 for every method.
double amax(const Histogram& h, AmaxMethod method, double percentile = 99.99);

// Candidates of entropy and mse: end bins i = 128 .. one past the highest occupied bin (at least
// 128), amax = i * width (the upper edge of bin i-1).
// Entropy (TensorRT EntropyCalibration2). Ties: the largest i wins (last minimum, as
// pytorch-quantization).
double entropyAmaxFrom(const std::vector<uint64_t>& counts, double width);
// The upper edge of the first bin at which the cumulative count reaches p% of the total.
double percentileAmaxFrom(const std::vector<uint64_t>& counts, double width, double percentile);
// Mse: minimizes Σ count·(q(centre) − centre)². Ties: the smallest i wins (first minimum, as
// pytorch-quantization).
double mseAmaxFrom(const std::vector<uint64_t>& counts, double width);

}  // namespace int8rt::calib
