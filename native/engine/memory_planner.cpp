#include "engine/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace int8rt::engine {

namespace {
size_t align64(size_t n) { return (n + 63) / 64 * 64; }
}  // namespace

std::vector<size_t> planArena(const std::vector<LiveRange>& ranges, size_t* arenaBytes) {
  std::vector<size_t> order(ranges.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ranges[a].bytes > ranges[b].bytes; });

  std::vector<size_t> offsets(ranges.size(), 0);
  std::vector<size_t> placed;
  size_t total = 0;
  for (size_t i : order) {
    const LiveRange& r = ranges[i];
    const size_t need = align64(std::max<size_t>(r.bytes, 1));
    // The blocks already placed that are alive at the same time, by offset.
    std::vector<size_t> clash;
    for (size_t j : placed)
      if (ranges[j].first <= r.last && r.first <= ranges[j].last) clash.push_back(j);
    std::sort(clash.begin(), clash.end(), [&](size_t a, size_t b) { return offsets[a] < offsets[b]; });
    size_t offset = 0;
    for (size_t j : clash) {
      if (offsets[j] >= offset + need) break;  // the gap before block j fits
      offset = std::max(offset, offsets[j] + align64(std::max<size_t>(ranges[j].bytes, 1)));
    }
    offsets[i] = offset;
    total = std::max(total, offset + need);
    placed.push_back(i);
  }
  *arenaBytes = total;
  return offsets;
}

}  // namespace int8rt::engine
