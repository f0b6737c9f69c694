// Side-by-side measurement on a noisy machine (docs PERFORMANCE.md): the contenders of each pair run in
// short alternating slices, and what is reported is the ratio of each adjacent pair of slices, so a phase of
// the machine (other tenants, clock changes) slows both sides of a ratio alike.
//
// Slices are timed here with performance.now() rather than through the `benchmark` package: its deferred
// (async) mode measured a 3 ms async op as ~7 ms and gives one sample per 0.1 s slice.

/**
 * A contender is `{ run: async () => void }` (timed over a slice of repeated runs) or
 * `{ measure: async () => ms }` (times itself, e.g. CUDA events); either way a slice yields ms per op.
 */
async function slice(contender, sliceMs) {
  if (contender.measure) return contender.measure();
  let runs = 0;
  let elapsed = 0;
  const t0 = performance.now();
  do {
    await contender.run();
    runs++;
    elapsed = performance.now() - t0;
  } while (elapsed < sliceMs);
  return elapsed / runs;
}

/** Quantile of a sorted array, linear between neighbours. */
function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** { median, p25, p75, n } of a list of numbers. */
export function summarize(values) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return { median: NaN, p25: NaN, p75: NaN, n: 0 };
  return { median: quantile(s, 0.5), p25: quantile(s, 0.25), p75: quantile(s, 0.75), n: s.length };
}

/**
 * Measures `pairs` ([x, y] names of `contenders`) in `rounds` rounds; in each round every pair runs one
 * slice of x and one of y, back to back, in ABBA order across rounds so neither side always goes first.
 * Every contender is warmed up first for warmupMs.
 * Returns { times: { name: ms per op, one per slice }, ratios: { 'x/y': speed of x over y = t_y / t_x } }.
 */
export async function interleave(contenders, pairs, { rounds = 20, sliceMs = 100, warmupMs = 300 } = {}) {
  const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  const ratios = Object.fromEntries(pairs.map(([x, y]) => [`${x}/${y}`, []]));
  for (const c of Object.values(contenders)) await slice(c, warmupMs);
  for (let r = 0; r < rounds; r++) {
    for (const [x, y] of pairs) {
      const order = r % 2 === 0 ? [x, y] : [y, x];
      const t = {};
      for (const name of order) t[name] = await slice(contenders[name], sliceMs);
      times[x].push(t[x]);
      times[y].push(t[y]);
      ratios[`${x}/${y}`].push(t[y] / t[x]);
    }
  }
  return { times, ratios };
}
