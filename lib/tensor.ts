/** Tensor: a typed array with an element type and dims, shaped like onnxruntime's Tensor. */
import { Int8rtError, invalid } from './errors.js';

export type DType = 'float32' | 'float16' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool';

/** The order matches native/core/dtype.h. */
export const DTYPES: readonly DType[] = ['float32', 'float16', 'int8', 'uint8', 'int32', 'int64', 'bool'];

export type TypedArray = Float32Array | Uint16Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

const ARRAY_OF: Record<DType, { new (n: number): TypedArray; name: string }> = {
  float32: Float32Array,
  float16: Uint16Array, // IEEE half bits
  int8: Int8Array,
  uint8: Uint8Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
};

/** Anything shaped {type, data, dims} — an int8rt Tensor or an onnxruntime-node Tensor. */
export interface TensorLike {
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
}

export function dtypeCode(type: DType): number {
  return DTYPES.indexOf(type);
}

export function isDType(type: unknown): type is DType {
  return typeof type === 'string' && (DTYPES as readonly string[]).includes(type);
}

export function typedArrayFor(type: DType, size: number): TypedArray {
  return new ARRAY_OF[type](size);
}

export function checkDims(dims: unknown, name: string): number[] {
  if (!Array.isArray(dims)) throw invalid('an array of dimensions', `${name}.dims`, dims, 'ERR_SHAPE');
  for (const d of dims) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
      throw invalid('non-negative integer dimensions', `${name}.dims`, d, 'ERR_SHAPE');
  }
  return dims.slice();
}

export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export class Tensor {
  readonly type: DType;
  readonly data: TypedArray;
  readonly dims: readonly number[];
  readonly size: number;

  constructor(type: DType, data: TypedArray | readonly number[] | readonly bigint[], dims: readonly number[]) {
    if (!isDType(type)) throw invalid(`one of ${DTYPES.join(', ')}`, 'type', type, 'ERR_DTYPE');
    const shape = checkDims(dims, 'tensor');
    const size = sizeOf(shape);
    const ctor = ARRAY_OF[type];
    let array: TypedArray;
    if (Array.isArray(data)) {
      array = new ctor(data.length);
      if (type === 'int64') (array as BigInt64Array).set((data as (number | bigint)[]).map((x) => BigInt(x)));
      else (array as Exclude<TypedArray, BigInt64Array>).set(data as number[]);
    } else if (data instanceof ctor) {
      array = data;
    } else {
      throw invalid(`a ${ctor.name} (or a number array) for a ${type} tensor`, 'data', data, 'ERR_DTYPE');
    }
    if (array.length !== size)
      throw new Int8rtError('ERR_SHAPE', `Tensor data has ${array.length} elements but dims [${shape.join(', ')}] need ${size}`);
    this.type = type;
    this.data = array;
    this.dims = Object.freeze(shape);
    this.size = size;
  }
}

/** Accepts an int8rt Tensor or anything shaped like one (an onnxruntime-node Tensor) as input `name`. */
export function asTensor(value: unknown, name: string): Tensor {
  if (value instanceof Tensor) return value;
  if (value && typeof value === 'object' && 'type' in value && 'data' in value && 'dims' in value) {
    const t = value as TensorLike;
    if (!isDType(t.type)) throw invalid(`a tensor of type ${DTYPES.join(' | ')}`, name, t.type, 'ERR_DTYPE');
    try {
      return new Tensor(t.type, t.data as TypedArray, t.dims);
    } catch (e) {
      if (e instanceof Int8rtError) throw new Int8rtError(e.code, `${name}: ${e.message}`);
      throw e;
    }
  }
  throw invalid('a Tensor (or {type, data, dims})', name, value);
}
