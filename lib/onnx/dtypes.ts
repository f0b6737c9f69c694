/**
 * ONNX TensorProto.DataType → int8rt DType. Types int8rt has no dtype for are widened where that
 * is exact (int16/uint16 → int32, uint32 → int64) or converted where models use them only for
 * weights and constants (double → float32, bfloat16 → float32). Anything else is refused.
 */
import type { DType } from '../tensor.js';

export const ONNX_TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED', 1: 'FLOAT', 2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64', 8: 'STRING',
  9: 'BOOL', 10: 'FLOAT16', 11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64', 14: 'COMPLEX64', 15: 'COMPLEX128',
  16: 'BFLOAT16', 17: 'FLOAT8E4M3FN', 18: 'FLOAT8E4M3FNUZ', 19: 'FLOAT8E5M2', 20: 'FLOAT8E5M2FNUZ', 21: 'UINT4',
  22: 'INT4', 23: 'FLOAT4E2M1',
};

const MAP: Record<number, DType> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'int32', 5: 'int32', 6: 'int32', 7: 'int64', 9: 'bool',
  10: 'float16', 11: 'float32', 12: 'int64', 13: 'int64', 16: 'float32',
};

/** The DType for an ONNX element type, or undefined where int8rt has none. */
export function dtypeOfOnnx(elemType: number): DType | undefined {
  return MAP[elemType];
}

export function onnxTypeName(elemType: number): string {
  return ONNX_TYPE_NAMES[elemType] ?? `type ${elemType}`;
}

/** DType → ONNX element type (for Cast targets and for writing models back). */
export const ONNX_OF_DTYPE: Record<DType, number> = {
  float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10,
};
