/**
 * ONNX TensorProto → Tensor, for every place the data can live: raw_data (little-endian), the typed
 * repeated fields (float_data, int32_data — which also carries int8/uint8/int16/uint16/bool/float16/
 * bfloat16 —, int64_data, double_data, uint64_data) and external files (the bytes are fetched by
 * the caller, see external-data.ts, and handed in as `external`).
 * Conversions (dtypes.ts): double → float32, bfloat16 → float32, int16/uint16 → int32,
 * uint32/uint64 → int64 (a uint64 above 2^63-1 is refused).
 */
import type { onnx as O } from 'onnx-proto';
import { Int8rtError } from '../errors.js';
import { Tensor, sizeOf, typedArrayFor, type TypedArray } from '../tensor.js';
import { dtypeOfOnnx, onnxTypeName } from './dtypes.js';
import { onnx, toBigInt, toNumber, type LongLike } from './proto.js';

const EXTERNAL = 1;
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes per element in raw_data, by ONNX element type. */
const RAW_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

function parseError(what: string, detail: string): Int8rtError {
  return new Int8rtError('ERR_ONNX_PARSE', `${what}: ${detail}`);
}

/** Decodes a serialized TensorProto (a test_data_set_*\/input_0.pb file). */
export function readTensorProto(bytes: Uint8Array, what = 'tensor'): Tensor {
  if (!(bytes instanceof Uint8Array)) throw parseError(what, 'expected the bytes of a TensorProto');
  let proto: O.TensorProto;
  try {
    proto = onnx.TensorProto.decode(bytes);
  } catch (e) {
    throw parseError(what, `not a valid TensorProto (${(e as Error).message})`);
  }
  return tensorFromProto(proto, what);
}

export function isExternal(p: O.ITensorProto): boolean {
  return p.dataLocation === EXTERNAL;
}

/**
 * Converts a decoded TensorProto. `external` holds the bytes of an EXTERNAL tensor (read by the
 * loader); without it an external tensor is an error.
 */
export function tensorFromProto(p: O.ITensorProto, what: string, external?: Uint8Array): Tensor {
  const name = p.name ? `${what} '${p.name}'` : what;
  const elemType = p.dataType ?? 0;
  const type = dtypeOfOnnx(elemType);
  if (!type) throw new Int8rtError('ERR_DTYPE', `${name} has element type ${onnxTypeName(elemType)}, which int8rt does not support`);
  const dims = (p.dims ?? []).map((d) => toNumber(d as number | LongLike));
  for (const d of dims) if (!Number.isSafeInteger(d) || d < 0) throw parseError(name, `invalid dimension ${d}`);
  const size = sizeOf(dims);
  if (isExternal(p) && !external) throw parseError(name, 'its data is in an external file, which was not read');
  const raw = external ?? (p.rawData && p.rawData.length > 0 ? p.rawData : undefined);
  const data = raw ? fromRaw(raw, elemType, size, name) : fromFields(p, elemType, size, name);
  return new Tensor(type, data, dims);
}

function fromRaw(raw: Uint8Array, elemType: number, size: number, name: string): TypedArray {
  const width = RAW_BYTES[elemType]!;
  if (raw.length !== size * width)
    throw parseError(name, `raw data has ${raw.length} bytes but its dims need ${size} × ${width}`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (elemType) {
    // On little-endian hosts (all int8rt targets) the common types are a plain copy.
    case 1: return LE ? new Float32Array(own(raw)) : mapInto(new Float32Array(size), (i) => view.getFloat32(i * 4, true));
    case 11: return mapInto(new Float32Array(size), (i) => view.getFloat64(i * 8, true));
    case 16: return mapInto(new Float32Array(size), (i) => bf16(view.getUint16(i * 2, true)));
    case 10: return LE ? new Uint16Array(own(raw)) : mapInto(new Uint16Array(size), (i) => view.getUint16(i * 2, true));
    case 2: return Uint8Array.from(raw);
    case 9: return mapInto(new Uint8Array(size), (i) => (raw[i] ? 1 : 0));
    case 3: return new Int8Array(Uint8Array.from(raw).buffer);
    case 4: return mapInto(new Int32Array(size), (i) => view.getUint16(i * 2, true));
    case 5: return mapInto(new Int32Array(size), (i) => view.getInt16(i * 2, true));
    case 6: return LE ? new Int32Array(own(raw)) : mapInto(new Int32Array(size), (i) => view.getInt32(i * 4, true));
    case 12: return mapBig(new BigInt64Array(size), (i) => BigInt(view.getUint32(i * 4, true)));
    case 7: return LE ? new BigInt64Array(own(raw)) : mapBig(new BigInt64Array(size), (i) => view.getBigInt64(i * 8, true));
    default: return mapBig(new BigInt64Array(size), (i) => checkU64(view.getBigUint64(i * 8, true), name));
  }
}

function fromFields(p: O.ITensorProto, elemType: number, size: number, name: string): TypedArray {
  const pick = <T>(field: string, values: T[] | null | undefined): T[] => {
    const v = values ?? [];
    if (v.length !== size) throw parseError(name, `${field} has ${v.length} values but its dims need ${size}`);
    return v;
  };
  switch (elemType) {
    case 1: return Float32Array.from(pick('float_data', p.floatData));
    case 11: return Float32Array.from(pick('double_data', p.doubleData));
    case 7: {
      const v = pick('int64_data', p.int64Data as (number | LongLike)[]);
      return mapBig(new BigInt64Array(size), (i) => toBigInt(v[i]));
    }
    case 12: case 13: {
      const v = pick('uint64_data', p.uint64Data as (number | LongLike)[]);
      return mapBig(new BigInt64Array(size), (i) => checkU64(BigInt.asUintN(64, toBigInt(v[i])), name));
    }
    default: {
      // int32_data carries every narrower type, one value (or bit pattern) per element.
      const v = pick('int32_data', p.int32Data);
      const type = dtypeOfOnnx(elemType)!;
      if (elemType === 16) return mapInto(new Float32Array(size), (i) => bf16(v[i]! & 0xffff));
      if (elemType === 9) return mapInto(new Uint8Array(size), (i) => (v[i] ? 1 : 0));
      const out = typedArrayFor(type, size) as Exclude<TypedArray, BigInt64Array>;
      out.set(v);
      return out;
    }
  }
}

/** A copy in a buffer of its own (Buffer#slice would share Node's pool, and alignment would be off). */
function own(raw: Uint8Array): ArrayBuffer {
  return new Uint8Array(raw).buffer;
}

function bf16(bits: number): number {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, bits << 16);
  return dv.getFloat32(0);
}

function checkU64(v: bigint, name: string): bigint {
  if (v > 0x7fffffffffffffffn) throw new Int8rtError('ERR_DTYPE', `${name} holds the uint64 ${v}, which does not fit int64`);
  return v;
}

function mapInto<T extends Exclude<TypedArray, BigInt64Array>>(out: T, f: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = f(i);
  return out;
}

function mapBig(out: BigInt64Array, f: (i: number) => bigint): BigInt64Array {
  for (let i = 0; i < out.length; i++) out[i] = f(i);
  return out;
}
