/** int8rt: fast int8 / fp16 inference for Node.js. The public API (see API.md). */
export { Int8rtError, type ErrorCode } from './errors.js';
export { Tensor, type DType, type TypedArray, type TensorLike } from './tensor.js';
export { backends, availableCpuIsas, setCpuIsa, type Backends, type CudaDevice, type Device } from './backends.js';
export { gemm, gemmSync, type GemmOptions } from './gemm.js';
export { halfToFloat, floatToHalf } from './half.js';
export {
  Histogram,
  DEFAULT_BINS,
  DEFAULT_PERCENTILE,
  type AmaxMethod,
  type AmaxOptions,
  type HistogramOptions,
  type HistogramJSON,
  type ObserveOptions,
} from './calibrate/histogram.js';
export { channelAmax } from './calibrate/channel-amax.js';
export {
  writeTensorRTCache,
  readTensorRTCache,
  tensorRTVersion,
  tensorRT8Version,
  tensorRT10Version,
  parseTensorRTVersion,
  DEFAULT_TENSORRT_VERSION,
  TENSORRT_ALGORITHMS,
  type CalibrationCache,
  type TensorRTVersion,
} from './calibrate/trt-cache.js';
export { loadOnnx, type LoadOptions } from './onnx/load.js';
export { readTensorProto } from './onnx/tensor-proto.js';
export { inferShapes } from './onnx/shape-inference.js';
export type { Model, NodeInfo, TensorInfo, Dim, AttributeValue, FusedActivation, ActivationType } from './onnx/ir.js';
export { optimize, PASSES, type Pass } from './graph/optimize.js';
export { foldConstants } from './graph/passes/fold-constants.js';
export { foldBatchNorm } from './graph/passes/fold-batchnorm.js';
export { fuseBias } from './graph/passes/fuse-bias.js';
export { fuseActivation } from './graph/passes/fuse-activation.js';
export { removeIdentity } from './graph/passes/remove-identity.js';
export { eliminateDead } from './graph/passes/eliminate-dead.js';
export { Engine, type EngineLoadOptions, type LayerInfo } from './engine.js';
export { buildEngine, type BuildOptions } from './build/build-engine.js';
export { writePlan, readPlan, PLAN_VERSION, type Plan, type PlanGraph, type LayerPrecision } from './build/plan.js';
export { exportQDQ, exportQDQBytes, toQDQ, type ExportQDQOptions, type QDQSummary } from './export/export-qdq.js';
export { encodeModel } from './export/model-writer.js';
export { calibrate, type CalibrateOptions, type Feeds } from './calibrate/calibrate.js';
export { Calibration, type CalibrationAmaxOptions, type CalibrationJSON, type TensorRTCacheOptions } from './calibrate/calibration.js';
export { calibrationTensors } from './calibrate/calibration-tensors.js';
