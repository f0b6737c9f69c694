/** Seeded random data for tests: reproducible, never all zero. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomFloats(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/** int8 values over the whole range, the extremes ±127 and -128 included on purpose. */
export function randomInt8(n: number, seed: number): Int8Array {
  const r = rng(seed);
  const out = Int8Array.from({ length: n }, () => Math.floor(r() * 256) - 128);
  const extremes = [127, -127, -128];
  for (let i = 0; i < Math.min(n, 24); i++) out[Math.floor(r() * n)] = extremes[i % 3]!;
  return out;
}
