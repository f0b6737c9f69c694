// fp16 × fp16 → fp32-accumulate Tensor Core GEMM (mma.sync m16n8k16), with the fused bias / relu /
// requantize epilogue.
#include "gemm_tc.cuh"

namespace int8rt::cuda {

void launchGemmF16(const TcOperands& op, const Epilogue& e, DType outType, cudaStream_t stream) {
  switch (outType) {
    case DType::Float32: return tc::launchTc<ptx::MmaF16, float>(op, e, stream);
    case DType::Float16: return tc::launchTc<ptx::MmaF16, __half>(op, e, stream);
    case DType::Int8: return tc::launchTc<ptx::MmaF16, int8_t>(op, e, stream);
    default: throw Error(ErrorCode::DType, "gemm: float16 inputs need outType float32, float16 or int8");
  }
}

}  // namespace int8rt::cuda
