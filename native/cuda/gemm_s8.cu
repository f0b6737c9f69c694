// int8 × int8 → int32 Tensor Core GEMM (mma.sync m16n8k32), with the fused dequantize / requantize epilogue.
#include "gemm_tc.cuh"

namespace int8rt::cuda {

void launchGemmS8(const TcOperands& op, const Epilogue& e, DType outType, cudaStream_t stream) {
  switch (outType) {
    case DType::Int32: return tc::launchTc<ptx::MmaS8, int32_t>(op, e, stream);
    case DType::Float32: return tc::launchTc<ptx::MmaS8, float>(op, e, stream);
    case DType::Float16: return tc::launchTc<ptx::MmaS8, __half>(op, e, stream);
    case DType::Int8: return tc::launchTc<ptx::MmaS8, int8_t>(op, e, stream);
    default: throw Error(ErrorCode::DType, "gemm: int8 inputs need outType int32, float32, float16 or int8");
  }
}

}  // namespace int8rt::cuda
