// Dropout at inference: the output is the input and the optional mask is all true. Training mode
// (a true training_mode input) would need random masks: refused.
#include <cstring>

#include "cpu/ops/op_util.h"
#include "engine/op_registry.h"

namespace int8rt::cpu::ops {

namespace {

using engine::KernelContext;
using engine::OpKernel;
using engine::RunContext;

class DropoutKernel : public OpKernel {
 public:
  explicit DropoutKernel(const KernelContext& c) : trainingWeight_(c.weights.size() > 2 ? c.weights[2] : nullptr) {
    if (c.attributes.getInt("is_test", 1) == 0) throw Error(ErrorCode::UnsupportedOp, "Dropout in training mode (is_test 0) is not supported");
  }
  std::vector<TensorInfo> inferShapes(const std::vector<const TensorInfo*>& in) const override {
    if (in.empty() || !in[0]) shapeError("the data input is missing");
    if (in.size() > 2 && in[2] && !trainingWeight_) throw Error(ErrorCode::UnsupportedOp, "a Dropout training_mode computed at run time is not supported");
    if (trainingWeight_ && trainingWeight_->as<uint8_t>()[0]) throw Error(ErrorCode::UnsupportedOp, "Dropout in training mode is not supported");
    return {TensorInfo{in[0]->dtype, in[0]->shape, in[0]->constant}, TensorInfo{DType::Bool, in[0]->shape, {}}};
  }
  void run(const RunContext&, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const override {
    if (in[0]->bytes()) std::memcpy(out[0]->data, in[0]->data, in[0]->bytes());
    if (out.size() > 1 && out[1] && out[1]->size()) std::memset(out[1]->data, 1, out[1]->bytes());
  }

 private:
  const Tensor* trainingWeight_;
};

INT8RT_REGISTER_CPU_OP("Dropout", engine::factoryOf<DropoutKernel>());

}  // namespace

}  // namespace int8rt::cpu::ops
