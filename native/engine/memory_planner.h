// Places the intermediate tensors of one execution into a single arena. Two tensors may share bytes
// when their lifetimes (producing step .. last reading step) do not overlap. Greedy by size: the
// largest tensors are placed first, each at the lowest 64-aligned offset that fits between the
// tensors already placed whose lifetimes overlap it.
#pragma once
#include <cstddef>
#include <vector>

namespace int8rt::engine {

struct LiveRange {
  size_t bytes = 0;
  int first = 0;  // step that writes it
  int last = 0;   // last step that reads it
};

// Returns one offset per range; *arenaBytes gets the total size.
std::vector<size_t> planArena(const std::vector<LiveRange>& ranges, size_t* arenaBytes);

}  // namespace int8rt::engine
