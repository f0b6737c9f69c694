/** int8rt: fast int8 / fp16 inference for Node.js. The public API (see API.md). */
export { Int8rtError, type ErrorCode } from './errors.js';
export { Tensor, type DType, type TypedArray, type TensorLike } from './tensor.js';
export { backends, availableCpuIsas, setCpuIsa, type Backends, type CudaDevice, type Device } from './backends.js';
export { gemm, gemmSync, type GemmOptions } from './gemm.js';
export { halfToFloat, floatToHalf } from './half.js';
