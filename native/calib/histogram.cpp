#include "calib/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include "calib/histogram_kernels.h"
#include "core/error.h"
#include "core/half.h"

namespace int8rt::calib {

namespace {

std::string str(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

double valueOfBits(uint32_t bits, float*) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
double valueOfBits(uint32_t bits, uint16_t*) { return halfToFloat(static_cast<uint16_t>(bits)); }

constexpr int64_t kBlock = 2048;          // indices computed per kernel call (8 KiB on the stack)
constexpr int64_t kFlushEvery = 1 << 30;  // elements per uint32 sub-histogram flush (no overflow)

}  // namespace

Histogram::Histogram(int64_t bins) {
  if (bins < kMinBins || bins > kMaxBins)
    throw Error(ErrorCode::InvalidArg, "Expected an integer number of bins in [128, 1048576] for bins but received " +
                                           std::to_string(bins));
  counts_.assign(static_cast<size_t>(bins), 0);
}

double Histogram::width() const { return hasRange() ? std::ldexp(1.0, widthLog2_) : 0.0; }

int Histogram::widthLog2For(double m) const {
  if (!(m > 0)) return kNoRange;
  const double nb = static_cast<double>(bins());
  int k = std::max(std::ilogb(m) - std::ilogb(nb) - 1, kMinWidthLog2);  // low enough to start
  while (!(m < std::ldexp(nb, k))) ++k;                                 // at most ~3 steps
  return k;
}

// Raising the width by 2^shift sends bin j to j >> shift: exact for power-of-two widths.
void Histogram::growTo(int k) {
  if (widthLog2_ != kNoRange && k > widthLog2_) {
    int shift = std::min(k - widthLog2_, 62);
    std::vector<uint64_t> merged(counts_.size(), 0);
    for (size_t j = 0; j < counts_.size(); ++j) merged[j >> shift] += counts_[j];
    counts_.swap(merged);
  }
  // Without a range every value seen so far was 0, which stays in bin 0 at any width.
  widthLog2_ = std::max(widthLog2_, k);
}

void Histogram::flush(std::vector<uint32_t>& sub) {
  const size_t stride = counts_.size() + 1;  // + the discard slot
  for (size_t c = 0; c < 4; ++c)
    for (size_t j = 0; j < counts_.size(); ++j) counts_[j] += sub[c * stride + j];
  std::fill(sub.begin(), sub.end(), 0u);
}

// Four interleaved sub-histograms break the load-increment-store chain when many values share a
// bin (the zeros after a ReLU); small inputs go straight to the counts.
void Histogram::addIndices(const uint32_t* idx, int64_t n, std::vector<uint32_t>& sub, bool interleave) {
  const uint32_t nb = static_cast<uint32_t>(counts_.size());
  if (!interleave) {
    for (int64_t k = 0; k < n; ++k)
      if (idx[k] < nb) ++counts_[idx[k]];
    return;
  }
  uint32_t *s0 = sub.data(), *s1 = s0 + nb + 1, *s2 = s1 + nb + 1, *s3 = s2 + nb + 1;
  int64_t k = 0;
  for (; k + 4 <= n; k += 4) {
    ++s0[idx[k]];
    ++s1[idx[k + 1]];
    ++s2[idx[k + 2]];
    ++s3[idx[k + 3]];
  }
  for (; k < n; ++k) ++s0[idx[k]];
}

void Histogram::checkFinite(int64_t bad, int64_t n, bool skipNonFinite, const std::string& name) {
  if (bad && !skipNonFinite)
    throw Error(ErrorCode::NonFinite, name + " has " + std::to_string(bad) + " non-finite value" + (bad == 1 ? "" : "s") +
                                          " (NaN or ±Inf) among " + std::to_string(n) +
                                          "; pass { skipNonFinite: true } to leave them out");
}

int Histogram::widthAfter(double batchMax) const {
  return batchMax > maxAbs_ ? std::max(widthLog2_, widthLog2For(batchMax)) : widthLog2_;
}

bool Histogram::admitBatch(double batchMax, int64_t finite) {
  if (batchMax > maxAbs_) {
    maxAbs_ = batchMax;
    growTo(widthLog2For(batchMax));
  }
  count_ += static_cast<uint64_t>(finite);
  if (batchMax == 0) {  // only zeros (and skipped values): no need to look again
    counts_[0] += static_cast<uint64_t>(finite);
    return false;
  }
  return true;
}

template <class T>
int64_t Histogram::observeImpl(const T* x, int64_t n, bool skipNonFinite, const std::string& name) {
  const HistogramKernels& kern = histogramKernels();
  int64_t bad = 0;
  uint32_t maxBits;
  if constexpr (std::is_same_v<T, float>) maxBits = kern.scanF32(x, n, &bad);
  else maxBits = kern.scanF16(x, n, &bad);
  checkFinite(bad, n, skipNonFinite, name);
  if (!admitBatch(valueOfBits(maxBits, static_cast<T*>(nullptr)), n - bad)) return bad;

  const float inv = std::ldexp(1.0f, -widthLog2_);  // exact: |k| <= 126
  const uint32_t nb = static_cast<uint32_t>(counts_.size());
  const bool interleave = n >= 8 * static_cast<int64_t>(nb);
  std::vector<uint32_t> sub(interleave ? 4 * (static_cast<size_t>(nb) + 1) : 0, 0u);
  uint32_t idx[kBlock];
  for (int64_t chunk = 0; chunk < n; chunk += kFlushEvery) {
    const int64_t chunkEnd = std::min(n, chunk + kFlushEvery);
    for (int64_t k = chunk; k < chunkEnd; k += kBlock) {
      const int64_t m = std::min(kBlock, chunkEnd - k);
      if constexpr (std::is_same_v<T, float>) kern.indicesF32(x + k, m, inv, nb, idx);
      else kern.indicesF16(x + k, m, inv, nb, idx);
      addIndices(idx, m, sub, interleave);
    }
    if (interleave) flush(sub);
  }
  return bad;
}

int64_t Histogram::observe(const float* x, int64_t n, bool skipNonFinite, const std::string& name) {
  return observeImpl(x, n, skipNonFinite, name);
}

int64_t Histogram::observe(const uint16_t* halfBits, int64_t n, bool skipNonFinite, const std::string& name) {
  return observeImpl(halfBits, n, skipNonFinite, name);
}

void Histogram::merge(const Histogram& other) {
  if (other.bins() != bins())
    throw Error(ErrorCode::InvalidArg, "Cannot merge a histogram of " + std::to_string(other.bins()) +
                                           " bins into one of " + std::to_string(bins()) + " bins");
  Histogram o = other;  // a copy: other may be *this, and its bins may need widening
  const int k = std::max(widthLog2_, o.widthLog2_);
  growTo(k);
  o.growTo(k);
  for (size_t j = 0; j < counts_.size(); ++j) counts_[j] += o.counts_[j];
  count_ += o.count_;
  maxAbs_ = std::max(maxAbs_, o.maxAbs_);
}

void Histogram::restore(int widthLog2, double maxAbs, const std::vector<uint64_t>& counts) {
  auto bad = [](const std::string& why) { throw Error(ErrorCode::InvalidArg, "Invalid histogram state: " + why); };
  if (static_cast<int64_t>(counts.size()) != bins())
    bad(std::to_string(counts.size()) + " counts for " + std::to_string(bins()) + " bins");
  if (!std::isfinite(maxAbs) || maxAbs < 0) bad("max " + str(maxAbs) + " is not a finite non-negative number");
  if (static_cast<double>(static_cast<float>(maxAbs)) != maxAbs) bad("max " + str(maxAbs) + " is not a float32 value");
  if (widthLog2 != widthLog2For(maxAbs))
    bad("widthLog2 " + (widthLog2 == kNoRange ? std::string("null") : std::to_string(widthLog2)) + " does not match max " +
        str(maxAbs) + " (expected " + (widthLog2For(maxAbs) == kNoRange ? std::string("null") : std::to_string(widthLog2For(maxAbs))) + ")");
  uint64_t total = 0;
  for (uint64_t c : counts) {
    if (c > (uint64_t{1} << 53) || total + c < total) bad("count too large");
    total += c;
  }
  // The bin holding max must be occupied and nothing may lie above it.
  size_t top = maxAbs > 0 ? static_cast<size_t>(std::floor(std::ldexp(maxAbs, -widthLog2))) : 0;
  if ((total > 0 || maxAbs > 0) && counts[top] == 0) bad("the bin holding max (" + std::to_string(top) + ") is empty");
  for (size_t j = top + 1; j < counts.size(); ++j)
    if (counts[j]) bad("bin " + std::to_string(j) + " lies above max " + str(maxAbs) + " but holds " + std::to_string(counts[j]));
  counts_ = counts;
  count_ = total;
  maxAbs_ = maxAbs;
  widthLog2_ = widthLog2;
}

}  // namespace int8rt::calib
