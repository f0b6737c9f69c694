/** Tensor → ONNX TensorProto, the data as little-endian raw_data (the compact form every reader takes). */
import type { onnx as O } from 'onnx-proto';
import { ONNX_OF_DTYPE } from '../onnx/dtypes.js';
import type { Tensor } from '../tensor.js';
import { protoInt64 } from './int64.js';

const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function tensorToProto(name: string, t: Tensor): O.ITensorProto {
  return { name, dims: t.dims.map(protoInt64), dataType: ONNX_OF_DTYPE[t.type], rawData: rawBytes(t) };
}

/** The element bytes, little-endian; a copy, so later edits of the tensor cannot reach the proto. */
export function rawBytes(t: Tensor): Uint8Array {
  const d = t.data;
  if (LE || d.BYTES_PER_ELEMENT === 1) return new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
  const out = new Uint8Array(d.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < d.length; i++) {
    switch (t.type) {
      case 'float32': view.setFloat32(i * 4, (d as Float32Array)[i]!, true); break;
      case 'float16': view.setUint16(i * 2, (d as Uint16Array)[i]!, true); break;
      case 'int32': view.setInt32(i * 4, (d as Int32Array)[i]!, true); break;
      case 'int64': view.setBigInt64(i * 8, (d as BigInt64Array)[i]!, true); break;
      default: throw new Error(`unreachable: ${t.type}`);
    }
  }
  return out;
}
