/** Builds small ONNX models in memory with onnx-proto, for the loader and pass tests. */
import pkg from 'onnx-proto';
import { ONNX_OF_DTYPE } from '../../lib/onnx/dtypes.js';
import type { Model } from '../../lib/onnx/ir.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { Tensor, type DType } from '../../lib/tensor.js';

const { onnx } = pkg;

/** An int attribute is a whole number; wrap floats that happen to be whole as {f: 1}. */
export type AttrSpec = number | { f: number } | number[] | { floats: number[] } | string | Tensor;

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, AttrSpec>;
}

export interface ValueSpec {
  name: string;
  type?: DType | number; // an ONNX element type number for types int8rt lacks
  dims?: (number | string | null)[] | null; // null: no shape; a null dim: neither value nor name
}

export interface ModelSpec {
  opset?: number;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: Record<string, Tensor>;
  /** Initializers also listed as graph inputs (IR < 4 style). */
  initializersAsInputs?: boolean;
  valueInfo?: ValueSpec[];
  extraOpsets?: { domain: string; version: number }[];
}

export function tensorProto(name: string, t: Tensor): pkg.onnx.ITensorProto {
  const p: pkg.onnx.ITensorProto = { name, dims: [...t.dims], dataType: ONNX_OF_DTYPE[t.type] };
  const d = t.data;
  if (t.type === 'float32') p.floatData = Array.from(d as Float32Array);
  else if (t.type === 'int64') p.int64Data = Array.from(d as BigInt64Array, Number);
  else p.int32Data = Array.from(d as Int32Array);
  return p;
}

function attribute(name: string, a: AttrSpec): pkg.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (a instanceof Tensor) return { name, type: T.TENSOR, t: tensorProto('', a) };
  if (typeof a === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(a) };
  if (typeof a === 'number') return Number.isInteger(a) ? { name, type: T.INT, i: a } : { name, type: T.FLOAT, f: a };
  if (Array.isArray(a)) return a.every(Number.isInteger) ? { name, type: T.INTS, ints: a } : { name, type: T.FLOATS, floats: a };
  if ('f' in a) return { name, type: T.FLOAT, f: a.f };
  return { name, type: T.FLOATS, floats: a.floats };
}

function valueInfo(v: ValueSpec): pkg.onnx.IValueInfoProto {
  const elemType = typeof v.type === 'number' ? v.type : ONNX_OF_DTYPE[v.type ?? 'float32'];
  const shape = v.dims === null ? undefined : {
    dim: (v.dims ?? []).map((d) => (d === null ? {} : typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
  };
  return { name: v.name, type: { tensorType: { elemType, shape } } };
}

export function buildModelProto(spec: ModelSpec): pkg.onnx.ModelProto {
  const inits = Object.entries(spec.initializers ?? {});
  return onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }, ...(spec.extraOpsets ?? [])],
    graph: {
      name: 'test',
      node: spec.nodes.map((n) => ({
        opType: n.op, input: n.inputs, output: n.outputs, name: n.name ?? '', domain: n.domain ?? '',
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: inits.map(([name, t]) => tensorProto(name, t)),
      input: [...spec.inputs.map(valueInfo), ...(spec.initializersAsInputs ? inits.map(([name, t]) => valueInfo({ name, type: t.type, dims: [...t.dims] })) : [])],
      output: spec.outputs.map(valueInfo),
      valueInfo: (spec.valueInfo ?? []).map(valueInfo),
    },
  });
}

export function buildModel(spec: ModelSpec): Uint8Array {
  return onnx.ModelProto.encode(buildModelProto(spec)).finish();
}

export function loadSpec(spec: ModelSpec): Promise<Model> {
  return loadOnnx(buildModel(spec));
}

export const f32 = (values: ArrayLike<number>, dims: number[]) => new Tensor('float32', Float32Array.from(values), dims);
export const i64 = (values: number[], dims: number[] = [values.length]) => new Tensor('int64', values, dims);
