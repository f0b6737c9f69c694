// Collects the |x| histograms of chosen activations while an fp32 engine runs calibration samples
// (lib/calibrate/calibrate.ts). Activations are binned in place from the executor's buffers, so
// memory is bounded by (watched values × bins) whatever the data set.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "calib/histogram.h"
#include "engine/executor.h"
#include "engine/run_observer.h"

namespace int8rt::calib {

class Calibrator : private engine::RunObserver {
 public:
  struct Watch {
    int value;         // plan value index (a float32 value that is not a weight)
    std::string name;  // for error messages (ERR_NONFINITE names the tensor)
  };

  // Throws ERR_INVALID_ARG for an unknown, repeated, weight or non-float32 value, or a bad bin count.
  Calibrator(std::shared_ptr<engine::Executor> executor, std::vector<Watch> watches, int64_t bins, bool skipNonFinite);

  // Runs one sample and adds every watched value to its histogram. Runs of one calibrator never
  // overlap (its histograms are not thread-safe); runs of the same executor without it may.
  void run(const std::vector<engine::HostInput>& inputs);

  size_t size() const { return watches_.size(); }
  Histogram histogram(size_t i) const;  // a copy, taken between runs
  int64_t skipped(size_t i) const;      // non-finite values left out (skipNonFinite only)

 private:
  bool watches(int value) const override;
  void observe(int value, const engine::Tensor& t) override;

  std::shared_ptr<engine::Executor> executor_;
  std::vector<Watch> watches_;
  std::vector<int> slotOfValue_;  // per plan value: index into watches_, or -1
  std::vector<Histogram> histograms_;
  std::vector<int64_t> skipped_;
  bool skipNonFinite_;
  mutable std::mutex mutex_;
};

}  // namespace int8rt::calib
