import type { Tensor } from '../../lib/index.js';

/** A tensor's elements as plain numbers (int64 included), for comparisons in tests. */
export function values(t: Pick<Tensor, 'data'>): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}
