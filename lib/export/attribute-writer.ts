/**
 * IR attribute values → AttributeProto. The IR keeps numbers without their ONNX type (a float
 * attribute of 1.0 reads back as 1), so the float-typed attributes of the ops int8rt knows are
 * listed here; elsewhere a whole number is an INT and any other number a FLOAT.
 */
import type { onnx as O } from 'onnx-proto';
import { Int8rtError } from '../errors.js';
import type { AttributeValue, NodeInfo } from '../onnx/ir.js';
import { Tensor } from '../tensor.js';
import { protoInt64 } from './int64.js';
import { tensorToProto } from './tensor-writer.js';

const T = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

const FLOAT_ATTRS: Record<string, readonly string[]> = {
  Gemm: ['alpha', 'beta'], LeakyRelu: ['alpha'], HardSigmoid: ['alpha', 'beta'], Clip: ['min', 'max'],
  Elu: ['alpha'], Selu: ['alpha', 'gamma'], Celu: ['alpha'], ThresholdedRelu: ['alpha'],
  BatchNormalization: ['epsilon', 'momentum'], LayerNormalization: ['epsilon'], InstanceNormalization: ['epsilon'],
  GroupNormalization: ['epsilon'], LRN: ['alpha', 'beta', 'bias'], Dropout: ['ratio'], Pad: ['value'],
  Resize: ['cubic_coeff_a', 'extrapolation_value'], Constant: ['value_float'],
};
const FLOATS_ATTRS: Record<string, readonly string[]> = { Constant: ['value_floats'], Upsample: ['scales'] };

/** Attributes that only int8rt's passes write; the export must never emit them. */
const INTERNAL = new Set(['activation', 'fusedFrom']);

export function attributesToProto(node: NodeInfo): O.IAttributeProto[] {
  const out: O.IAttributeProto[] = [];
  for (const [name, value] of Object.entries(node.attributes)) {
    if (INTERNAL.has(name))
      throw new Int8rtError('ERR_INTERNAL', `Node '${node.name}' still carries the int8rt-only attribute '${name}'; it must be expanded before writing ONNX`);
    out.push(attributeToProto(node.op, name, value, node.name));
  }
  return out;
}

function attributeToProto(op: string, name: string, v: AttributeValue, node: string): O.IAttributeProto {
  if (v instanceof Tensor) return { name, type: T.TENSOR, t: tensorToProto('', v) };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') {
    const float = FLOAT_ATTRS[op]?.includes(name) || !Number.isInteger(v);
    return float ? { name, type: T.FLOAT, f: v } : { name, type: T.INT, i: protoInt64(v) };
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) {
      // An empty list is ambiguous in the IR; INTS is what the ops int8rt knows use empty lists for.
      if (v.length > 0) return { name, type: T.STRINGS, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) };
    }
    const nums = v as number[];
    const floats = FLOATS_ATTRS[op]?.includes(name) || !nums.every(Number.isInteger);
    return floats ? { name, type: T.FLOATS, floats: nums } : { name, type: T.INTS, ints: nums.map(protoInt64) };
  }
  throw new Int8rtError('ERR_INTERNAL', `Attribute '${name}' of node '${node}' has a value ONNX cannot hold`);
}
