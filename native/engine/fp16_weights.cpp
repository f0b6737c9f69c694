#include "engine/fp16_weights.h"

#include "core/half.h"

namespace int8rt::engine {

void widenFp16Weights(const Plan& plan, std::vector<Tensor>& weights, std::vector<TensorInfo>& info,
                      std::vector<std::unique_ptr<AlignedBuffer>>& storage) {
  for (const NodeDesc& n : plan.nodes) {
    if (n.precision != "fp16") continue;
    for (int v : n.inputs) {
      if (v < 0 || plan.weightOfValue[v] < 0 || weights[v].dtype != DType::Float16) continue;
      Tensor& t = weights[v];
      storage.push_back(std::make_unique<AlignedBuffer>());
      float* wide = storage.back()->get<float>(static_cast<size_t>(t.size()));
      halfToFloatN(static_cast<const uint16_t*>(t.data), wide, t.size());
      t.dtype = info[v].dtype = DType::Float32;
      t.data = wide;
    }
  }
}

}  // namespace int8rt::engine
