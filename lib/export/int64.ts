/** int64 values for protobuf fields and int64 tensors, from IR numbers that may exceed 2^53. */

const MAX = 0x7fffffffffffffffn;
const MIN = -0x8000000000000000n;

/**
 * A number as int64, saturated: the loader turns INT64_MAX ("to the end") into 2^63, which
 * BigInt64Array would wrap to INT64_MIN.
 */
export function toInt64(v: number): bigint {
  if (v >= 2 ** 63) return MAX;
  if (v <= -(2 ** 63)) return MIN;
  return BigInt(Math.trunc(v));
}

/** protobufjs takes a safe number as is and anything wider as {low, high} bits. */
export function protoInt64(v: number): number {
  if (Number.isSafeInteger(v)) return v;
  const u = BigInt.asUintN(64, toInt64(v));
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: false } as unknown as number;
}
