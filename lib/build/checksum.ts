/** FNV-1a 64 over bytes (the plan checksum; native/engine/checksum.h computes the same), as two 32-bit halves. */
export function fnv1a64(bytes: Uint8Array): { hi: number; lo: number } {
  let hi = 0xcbf29ce4, lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i]!;
    // h * 0x100000001b3 mod 2^64 = h * 0x1b3 + (h << 40); every partial product stays below 2^53.
    const a = (lo >>> 0) * 0x1b3;
    const carry = Math.floor(a / 4294967296);
    hi = ((hi >>> 0) * 0x1b3 + carry + ((lo >>> 0) & 0xffffff) * 256) % 4294967296;
    lo = a % 4294967296;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}
