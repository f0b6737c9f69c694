/** An independent JS model of IEEE half precision, used to check the native conversions. */
export function halfBitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Round a number to the nearest half (ties to even) and return its bits. NaN -> 0x7e00 form checked separately. */
export function numberToHalfBits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  let a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  // Find the binade: quantum is 2^(e-10) for normals, 2^-24 for subnormals.
  let e = a === 0 ? -15 : Math.floor(Math.log2(a));
  if (a !== 0 && 2 ** e > a) e -= 1;
  if (a !== 0 && 2 ** (e + 1) <= a) e += 1;
  const quantum = e < -14 ? 2 ** -24 : 2 ** (e - 10);
  const q = a / quantum;
  let r = Math.floor(q);
  const frac = q - r;
  if (frac > 0.5 || (frac === 0.5 && r % 2 === 1)) r += 1;
  a = r * quantum;
  // Re-encode the rounded value.
  if (a === 0) return sign;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  let exp = Math.floor(Math.log2(a));
  if (2 ** exp > a) exp -= 1;
  if (2 ** (exp + 1) <= a) exp += 1;
  if (exp > 15) return sign | 0x7c00;
  const mant = Math.round((a / 2 ** exp - 1) * 1024);
  return sign | ((exp + 15) << 10) | mant;
}
