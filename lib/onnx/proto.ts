/** The protobufjs-generated ONNX namespace (onnx-proto) and the Long → number conversions it needs. */
import pkg from 'onnx-proto';

export const { onnx } = pkg;
export type { onnx as OnnxTypes } from 'onnx-proto';

/** protobufjs gives int64 fields as Long objects (or numbers when Long is absent). */
export interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
  toString(): string;
}

export function toBigInt(v: number | LongLike | null | undefined): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'number') return BigInt(v);
  const lo = BigInt(v.low >>> 0);
  const hi = BigInt(v.high >>> 0);
  const u = (hi << 32n) | lo;
  return v.unsigned ? u : BigInt.asIntN(64, u);
}

/** int64 → number; values beyond 2^53 lose precision, which only happens for "to the end" sentinels. */
export function toNumber(v: number | LongLike | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  return Number(toBigInt(v));
}
