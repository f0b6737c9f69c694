/** ValueInfoProto (graph inputs, outputs, value_info) → TensorInfo. */
import type { onnx as O } from 'onnx-proto';
import { Int8rtError } from '../errors.js';
import { dtypeOfOnnx, onnxTypeName } from './dtypes.js';
import type { Dim, TensorInfo } from './ir.js';
import { toNumber, type LongLike } from './proto.js';

/**
 * Converts a declared value. `elemType` 0 (not declared) yields undefined, as does a non-tensor
 * type when `strict` is off (value_info of values int8rt never sees). Unnamed dims get `?<n>` names
 * from `fresh`.
 */
export function tensorInfoOf(v: O.IValueInfoProto, where: string, fresh: () => string, strict: boolean): TensorInfo | undefined {
  const name = v.name ?? '';
  const tt = v.type?.tensorType;
  if (!tt) {
    if (!strict || !v.type) return undefined;
    const kind = Object.keys(v.type).find((k) => k.endsWith('Type')) ?? 'non-tensor';
    throw new Int8rtError('ERR_UNSUPPORTED_OP', `${where} '${name}' has a ${kind}, and int8rt only handles tensors`);
  }
  const elem = tt.elemType ?? 0;
  if (elem === 0) return undefined;
  const type = dtypeOfOnnx(elem);
  if (!type) {
    if (!strict) return undefined;
    throw new Int8rtError('ERR_DTYPE', `${where} '${name}' has element type ${onnxTypeName(elem)}, which int8rt does not support`);
  }
  if (!tt.shape) return { name, type, dims: [], unknownRank: true };
  const dims: Dim[] = (tt.shape.dim ?? []).map((d) => {
    if (d.dimParam) return d.dimParam;
    if (d.dimValue !== undefined && d.dimValue !== null) {
      const n = toNumber(d.dimValue as number | LongLike);
      if (n > 0 || (n === 0 && hasValue(d))) return n;
    }
    return fresh();
  });
  return { name, type, dims };
}

/** dim_value 0 is a real size only when the field is set (protobufjs leaves the default 0 otherwise). */
function hasValue(d: O.TensorShapeProto.IDimension): boolean {
  return (d as { value?: string }).value === 'dimValue';
}
