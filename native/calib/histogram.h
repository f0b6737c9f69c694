// Histogram of |x| for activation calibration (QUANTIZATION.md). Memory is bounded by the bin
// count, never by the data.
//
// Range rule: bin width is always a power of two, w = 2^k with k the smallest integer such that
// max|x| < bins * w (k >= -126 so 1/w stays a normal float). The first non-zero batch sets k; a
// batch with a larger max raises k, and each +1 merges adjacent bin pairs (exact: with power-of-two
// widths floor(floor(v/w)/2) == floor(v/2w)). So the bins, and every amax method computed from them,
// are a function of the multiset of observed values alone: batch order, batch size and merge()
// grouping change nothing, bit for bit. The cost: the range top is between max and 2*max, so the
// data occupies between half and all of the bins.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"

namespace int8rt::calib {

class Histogram {
 public:
  static constexpr int64_t kDefaultBins = 2048, kMinBins = 128, kMaxBins = int64_t{1} << 20;
  static constexpr int kMinWidthLog2 = -126, kNoRange = -1000;

  explicit Histogram(int64_t bins = kDefaultBins);

  // Adds |x| of every value. NaN / ±Inf: throws ERR_NONFINITE (histogram unchanged) naming `name`,
  // or, with skipNonFinite, leaves them out. Returns how many were skipped.
  int64_t observe(const float* x, int64_t n, bool skipNonFinite, const std::string& name);
  int64_t observe(const uint16_t* halfBits, int64_t n, bool skipNonFinite, const std::string& name);
  // The same for n float32 / float16 values in the memory of CUDA device `device`, counted there
  // (native/cuda/histogram.cu); the bins come out identical to observe() on the same values. Throws
  // ERR_NO_CUDA in a build without CUDA kernels; after a CUDA error the histogram is unchanged.
  int64_t observeDevice(const void* data, DType type, int64_t n, bool skipNonFinite, const std::string& name,
                        int device = 0);

  // Adds other's counts (same bin count required): equal to having observed both data sets here.
  void merge(const Histogram& other);

  // Replaces the state with serialized parts, validating that they are consistent.
  void restore(int widthLog2, double maxAbs, const std::vector<uint64_t>& counts);

  int64_t bins() const { return static_cast<int64_t>(counts_.size()); }
  uint64_t count() const { return count_; }
  double maxAbs() const { return maxAbs_; }
  bool hasRange() const { return widthLog2_ != kNoRange; }  // false until a non-zero value arrives
  int widthLog2() const { return widthLog2_; }
  double width() const;  // 0 without a range
  const std::vector<uint64_t>& counts() const { return counts_; }

  // The width exponent this histogram uses for a given max|x| (kNoRange for 0).
  int widthLog2For(double maxAbs) const;

 private:
  template <class T>
  int64_t observeImpl(const T* x, int64_t n, bool skipNonFinite, const std::string& name);
  void growTo(int widthLog2);
  // The parts of observe shared by the CPU and CUDA paths. checkFinite throws ERR_NONFINITE unless
  // skipping; widthAfter is the width exponent once a batch with this max is in; admitBatch takes in
  // the batch's max and count and, for a batch of zeros only, its bins; false when nothing is left to bin.
  static void checkFinite(int64_t nonFinite, int64_t n, bool skipNonFinite, const std::string& name);
  int widthAfter(double batchMax) const;
  bool admitBatch(double batchMax, int64_t finite);
  void addIndices(const uint32_t* idx, int64_t n, std::vector<uint32_t>& sub, bool interleave);
  void flush(std::vector<uint32_t>& sub);

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  double maxAbs_ = 0;
  int widthLog2_ = kNoRange;
};

}  // namespace int8rt::calib
