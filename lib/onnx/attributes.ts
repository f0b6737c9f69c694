/** AttributeProto → plain JS values, and typed accessors for reading them back. */
import type { onnx as O } from 'onnx-proto';
import { Int8rtError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { AttributeValue, NodeInfo } from './ir.js';
import { toNumber, type LongLike } from './proto.js';
import { tensorFromProto } from './tensor-proto.js';

const utf8 = new TextDecoder();
const T = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** Decodes one attribute. Old exporters leave `type` unset, so it is guessed from the field set. */
export function decodeAttribute(a: O.IAttributeProto, node: string): AttributeValue {
  const where = `attribute '${a.name}' of node '${node}'`;
  const type = a.type || guessType(a);
  switch (type) {
    case T.FLOAT: return a.f ?? 0;
    case T.INT: return toNumber(a.i as number | LongLike);
    case T.STRING: return utf8.decode(a.s ?? new Uint8Array());
    case T.TENSOR: return tensorFromProto(a.t ?? {}, where);
    case T.FLOATS: return [...(a.floats ?? [])];
    case T.INTS: return (a.ints ?? []).map((v) => toNumber(v as number | LongLike));
    case T.STRINGS: return (a.strings ?? []).map((s) => utf8.decode(s));
    default: throw new Int8rtError('ERR_ONNX_PARSE', `The ${where} has attribute type ${type}, which int8rt does not read`);
  }
}

function guessType(a: O.IAttributeProto): number {
  if (a.floats?.length) return T.FLOATS;
  if (a.ints?.length) return T.INTS;
  if (a.strings?.length) return T.STRINGS;
  if (a.t) return T.TENSOR;
  if (a.g) return T.GRAPH;
  if (a.s?.length) return T.STRING;
  if (a.i !== undefined && a.i !== null && toNumber(a.i as number | LongLike) !== 0) return T.INT;
  return T.FLOAT;
}

function bad(node: NodeInfo, name: string, expected: string, v: unknown): Int8rtError {
  return new Int8rtError('ERR_ONNX_PARSE', `Expected ${expected} for attribute '${name}' of node '${node.name}' (${node.op}) but received ${JSON.stringify(v)}`);
}

export function attrInt(node: NodeInfo, name: string, fallback: number): number {
  const v = node.attributes[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw bad(node, name, 'an int', v);
  return v;
}

export function attrFloat(node: NodeInfo, name: string, fallback: number): number {
  return attrInt(node, name, fallback);
}

export function attrInts(node: NodeInfo, name: string): number[] | undefined {
  const v = node.attributes[name];
  if (v === undefined) return undefined;
  if (typeof v === 'number') return [v]; // some exporters write a single-element list as an int
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw bad(node, name, 'a list of ints', v);
  return v as number[];
}

export function attrString(node: NodeInfo, name: string, fallback: string): string {
  const v = node.attributes[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw bad(node, name, 'a string', v);
  return v;
}

export function attrTensor(node: NodeInfo, name: string): Tensor | undefined {
  const v = node.attributes[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || !('dims' in v)) throw bad(node, name, 'a tensor', v);
  return v;
}
