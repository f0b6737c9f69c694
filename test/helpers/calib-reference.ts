/**
 * Straightforward float64 references for the calibration tests, written from QUANTIZATION.md and
 * the range rule of native/calib/histogram.h, deliberately unlike the native code (no prefix sums,
 * no tables: every candidate is built and measured element by element).
 */
import { rng } from './random.js';

// ---- data -------------------------------------------------------------------------------------

export function gaussian(n: number, seed: number, sigma = 1): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r() || 1e-12, v = r();
    x[i] = sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return x;
}

export function uniform(n: number, seed: number, a = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (2 * r() - 1) * a);
}

export function laplace(n: number, seed: number, b = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => {
    const u = r() - 0.5;
    return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u) || 1e-12);
  });
}

/** Gaussian with a fraction (0.01 % by default) of values replaced by far outliers (±50–100 σ). */
export function gaussianWithOutliers(n: number, seed: number, fraction = 1e-4): Float32Array {
  const x = gaussian(n, seed);
  const r = rng(seed + 1000);
  const k = Math.max(1, Math.round(n * fraction));
  for (let i = 0; i < k; i++) x[Math.floor(r() * n)] = (r() < 0.5 ? -1 : 1) * (50 + 50 * r());
  return x;
}

export function relu(x: Float32Array): Float32Array {
  return x.map((v) => (v > 0 ? v : 0));
}

export function shuffled(x: Float32Array, seed: number): Float32Array {
  const y = x.slice();
  const r = rng(seed);
  for (let i = y.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [y[i], y[j]] = [y[j]!, y[i]!];
  }
  return y;
}

// ---- histogram --------------------------------------------------------------------------------

export interface RefHistogram {
  counts: number[];
  width: number; // 0 when every value is 0
  max: number;
}

/** Width = the smallest power of two 2^k (k ≥ -126) with max < bins·2^k; bin = floor(|x| / width). */
export function refHistogram(x: ArrayLike<number>, bins: number): RefHistogram {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]!));
  const counts = new Array<number>(bins).fill(0);
  if (max === 0) {
    counts[0] = x.length;
    return { counts, width: 0, max };
  }
  let k = -126;
  while (!(max < bins * 2 ** k)) k++;
  const width = 2 ** k;
  for (let i = 0; i < x.length; i++) counts[Math.floor(Math.abs(x[i]!) / width)]!++;
  return { counts, width, max };
}

// ---- methods ----------------------------------------------------------------------------------

/**
 * The last candidate end bin: one past the highest non-empty bin, at least 128 (bins above the data
 * exist only because the range is rounded up to a power-of-two width).
 */
export function lastCandidate(counts: readonly number[]): number {
  let top = counts.length;
  while (top > 128 && counts[top - 1] === 0) top--;
  return top;
}

/** KL divergences of every candidate i = 128..last (index i - 128), exactly as QUANTIZATION.md words it. */
export function refEntropyDivergences(countsIn: readonly number[]): number[] {
  const bins = countsIn.slice();
  bins[0] = bins[1]!;
  const n = bins.length;
  const out: number[] = [];
  for (let i = 128; i <= lastCandidate(countsIn); i++) {
    // reference distribution P: bins[0..i) with the outliers folded into bin i-1
    const p = bins.slice(0, i);
    for (let j = i; j < n; j++) p[i - 1]! += bins[j]!;
    // candidate Q: 128 levels, each spread evenly over its non-empty source bins
    const levelMass = new Array<number>(128).fill(0), levelBins = new Array<number>(128).fill(0);
    for (let j = 0; j < i; j++) {
      const level = Math.floor((j * 128) / i);
      if (bins[j]! > 0) {
        levelMass[level]! += bins[j]!;
        levelBins[level]!++;
      }
    }
    const q = new Array<number>(i).fill(0);
    for (let j = 0; j < i; j++) {
      const level = Math.floor((j * 128) / i);
      if (bins[j]! > 0) q[j] = levelMass[level]! / levelBins[level]!;
    }
    const sp = p.reduce((a, b) => a + b, 0), sq = q.reduce((a, b) => a + b, 0);
    let kl = 0;
    for (let j = 0; j < i; j++) {
      if (p[j]! === 0) continue;
      if (q[j]! === 0) {
        kl = Infinity;
        break;
      }
      const pj = p[j]! / sp, qj = q[j]! / sq;
      kl += pj * Math.log(pj / qj);
    }
    out.push(kl);
  }
  return out;
}

/** Index of the first minimum. */
export function argminFirst(v: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! < v[best]!) best = i;
  return best;
}

/** Index of the last minimum. */
export function argminLast(v: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! <= v[best]!) best = i;
  return best;
}

function roundHalfEven(t: number): number {
  const f = Math.floor(t), d = t - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Σ count·(q(centre) − centre)² for every candidate amax = i·width, i = 128..last (index i - 128). */
export function refMseErrors(counts: readonly number[], width: number): number[] {
  const n = counts.length;
  const out: number[] = [];
  for (let i = 128; i <= lastCandidate(counts); i++) {
    const amax = i * width, scale = amax / 127;
    let err = 0;
    for (let j = 0; j < n; j++) {
      if (!counts[j]) continue;
      const c = (j + 0.5) * width;
      const q = Math.min(127, Math.max(-127, roundHalfEven(c / scale))) * scale;
      err += counts[j]! * (q - c) ** 2;
    }
    out.push(err);
  }
  return out;
}

/** The bin edge above the ceil(p% · n)-th smallest |x|, found by sorting the raw data. */
export function refPercentile(x: ArrayLike<number>, p: number, width: number): number {
  const a = Float64Array.from(x, (v) => Math.abs(v)).sort();
  const t = (p / 100) * a.length, r = Math.round(t);
  const need = Math.max(1, Math.abs(t - r) <= t * 1e-14 ? r : Math.ceil(t));
  return (Math.floor(a[need - 1]! / width) + 1) * width;
}

/**
 * The mse errors of refMseErrors exactly, in BigInt and units of (width/254)²: bin j's centre is
 * 127(2j+1) and candidate i's step 2i, so every error is an integer. Skips empty bins only.
 */
export function refMseErrorsExact(counts: readonly number[]): bigint[] {
  const out: bigint[] = [];
  for (let i = 128; i <= lastCandidate(counts); i++) {
    const d = BigInt(2 * i);
    let err = 0n;
    for (let j = 0; j < counts.length; j++) {
      if (!counts[j]) continue;
      const m = BigInt(127 * (2 * j + 1));
      let r = m / d;
      const twice = 2n * (m - r * d);
      if (twice > d || (twice === d && r % 2n === 1n)) r += 1n; // round half to even
      if (r > 127n) r = 127n;
      const e = m - r * d;
      err += BigInt(counts[j]!) * e * e;
    }
    out.push(err);
  }
  return out;
}
