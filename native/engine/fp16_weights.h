// fp16 layers on the CPU are "fp16 storage, fp32 compute": the plan stores their weights as IEEE half
// (half the size on disk and in the plan), and loading widens them to fp32 once, before the kernels
// are made, so every kernel packs and multiplies fp32 as it does for an fp32 layer (these CPUs lack
// fp16 FMA; GPU backends would keep the halves).
#pragma once
#include <memory>
#include <vector>

#include "core/aligned_buffer.h"
#include "engine/plan.h"
#include "engine/tensor.h"

namespace int8rt::engine {

// Widens the float16 weights read by 'fp16' nodes: weights[v] (and info[v]) become float32 views
// of buffers appended to `storage`, which must outlive them.
void widenFp16Weights(const Plan& plan, std::vector<Tensor>& weights, std::vector<TensorInfo>& info,
                      std::vector<std::unique_ptr<AlignedBuffer>>& storage);

}  // namespace int8rt::engine
