/**
 * Histogram of |x| for activation calibration (QUANTIZATION.md), collected in native code. One
 * collection serves every amax method. Bin widths are powers of two and grow by merging bin pairs,
 * so the bins depend only on the values observed, never on batch order, batch size or merge order
 * (see native/calib/histogram.h).
 */
import { resolveDevice, type Device } from '../backends.js';
import { Int8rtError, invalid } from '../errors.js';
import { native, type NativeHistogram } from '../native.js';
import { asTensor } from '../tensor.js';

export type AmaxMethod = 'max' | 'entropy' | 'percentile' | 'mse';

export const DEFAULT_BINS = 2048;
export const MIN_BINS = 128;
export const MAX_BINS = 2 ** 20;
/** The percentile used when amax('percentile') gets none (NVIDIA's recommended 99.99 %). */
export const DEFAULT_PERCENTILE = 99.99;

const METHOD_CODES: Record<AmaxMethod, number> = { max: 0, entropy: 1, percentile: 2, mse: 3 };
const JSON_FORMAT = 'int8rt.histogram';
const JSON_VERSION = 1;

export interface HistogramOptions {
  /** Number of bins, an integer in [128, 2^20]; default 2048. */
  bins?: number;
}

export interface ObserveOptions {
  /** Leave NaN / ±Inf out instead of throwing ERR_NONFINITE. */
  skipNonFinite?: boolean;
  /** Tensor name for error messages. */
  name?: string;
  /**
   * Where to count: 'cpu' (default) or 'cuda', which copies the data to the GPU and counts it with the
   * CUDA kernel the engine uses on device activations (same bins, bit for bit). 'cuda' without a CUDA
   * device throws ERR_NO_CUDA.
   */
  device?: Device;
}

export interface AmaxOptions {
  /** For 'percentile': in (0, 100], default 99.99. */
  percentile?: number;
}

/** toJSON() output: plain numbers, exact (counts stay below 2^53). */
export interface HistogramJSON {
  format: typeof JSON_FORMAT;
  version: number;
  bins: number;
  count: number;
  /** max |x| observed (a float32 value). */
  max: number;
  /** Bin width = 2^widthLog2; null while only zeros have been observed. */
  widthLog2: number | null;
  counts: number[];
}

function checkBins(bins: unknown): number {
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < MIN_BINS || bins > MAX_BINS)
    throw invalid(`an integer number of bins in [${MIN_BINS}, ${MAX_BINS}]`, 'bins', bins);
  return bins;
}

export class Histogram {
  readonly #native: NativeHistogram;

  constructor(options: HistogramOptions = {}) {
    if (options === null || typeof options !== 'object') throw invalid('an options object', 'options', options);
    this.#native = new native.NativeHistogram(checkBins(options.bins ?? DEFAULT_BINS));
  }

  /** Number of bins. */
  get bins(): number {
    return this.#native.bins;
  }

  /** Number of values observed (skipped non-finite values not included). */
  get count(): number {
    return this.#native.count;
  }

  /** Largest |x| observed (0 when empty). */
  get max(): number {
    return this.#native.state().max;
  }

  /**
   * Adds |x| of every value of a float32 / float16 tensor (or a Float32Array), read in place.
   * Returns the number of non-finite values skipped (0 unless options.skipNonFinite).
   */
  observe(x: unknown, options: ObserveOptions = {}): number {
    const name = options.name ?? 'x';
    if (typeof name !== 'string') throw invalid('a string', 'options.name', name);
    // Host data: the CPU unless CUDA is asked for explicitly.
    const device = options.device === undefined ? 'cpu' : resolveDevice(options.device);
    let data: Float32Array | Uint16Array;
    if (x instanceof Float32Array) {
      data = x;
    } else {
      const t = asTensor(x, name);
      if (t.type !== 'float32' && t.type !== 'float16')
        throw invalid('a float32 or float16 tensor', name, `a ${t.type} tensor`, 'ERR_DTYPE');
      data = t.data as Float32Array | Uint16Array;
    }
    return this.#native.observe(data, options.skipNonFinite === true, name, device === 'cuda');
  }

  /** Adds other's counts: the result equals having observed both data sets here. */
  merge(other: Histogram): void {
    if (!(other instanceof Histogram)) throw invalid('a Histogram', 'other', other);
    if (other.bins !== this.bins)
      throw new Int8rtError('ERR_INVALID_ARG', `Cannot merge a histogram of ${other.bins} bins into one of ${this.bins} bins`);
    this.#native.merge(other.#native);
  }

  /** The clipping threshold (scale = amax / 127) by one of the methods of QUANTIZATION.md. */
  amax(method: AmaxMethod, options: AmaxOptions = {}): number {
    const code = typeof method === 'string' ? METHOD_CODES[method] : undefined;
    if (code === undefined || !Object.hasOwn(METHOD_CODES, method))
      throw invalid(`one of ${Object.keys(METHOD_CODES).join(', ')}`, 'method', method);
    const p = options.percentile ?? DEFAULT_PERCENTILE;
    if (method === 'percentile' && (typeof p !== 'number' || !(p > 0 && p <= 100)))
      throw invalid('a percentile in (0, 100]', 'options.percentile', p);
    if (this.count === 0)
      throw new Int8rtError('ERR_INVALID_ARG', `Cannot compute amax('${method}') of an empty histogram: observe() some data first`);
    return this.#native.amax(code, p);
  }

  toJSON(): HistogramJSON {
    const s = this.#native.state();
    return { format: JSON_FORMAT, version: JSON_VERSION, bins: s.bins, count: s.count, max: s.max, widthLog2: s.widthLog2, counts: Array.from(s.counts) };
  }

  /** Rebuilds a histogram from toJSON() output (an object or its JSON text), checking it is consistent. */
  static fromJSON(json: unknown): Histogram {
    const j = (typeof json === 'string' ? parseJSON(json) : json) as Partial<HistogramJSON> | null;
    if (j === null || typeof j !== 'object') throw invalid('a histogram JSON object', 'json', json);
    if (j.format !== JSON_FORMAT) throw invalid(`format "${JSON_FORMAT}"`, 'json.format', j.format);
    if (j.version !== JSON_VERSION) throw invalid(`version ${JSON_VERSION}`, 'json.version', j.version);
    const h = new Histogram({ bins: j.bins });
    if (!Array.isArray(j.counts) || j.counts.length !== j.bins)
      throw invalid(`an array of ${j.bins} counts`, 'json.counts', j.counts);
    if (j.widthLog2 !== null && !Number.isInteger(j.widthLog2)) throw invalid('an integer or null', 'json.widthLog2', j.widthLog2);
    if (typeof j.max !== 'number') throw invalid('a number', 'json.max', j.max);
    const counts = new Float64Array(j.counts.length);
    for (let i = 0; i < counts.length; i++) {
      const c = j.counts[i];
      if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 0) throw invalid('a non-negative integer', `json.counts[${i}]`, c);
      counts[i] = c;
    }
    h.#native.restore(j.widthLog2 ?? null, j.max, counts);
    if (j.count !== undefined && j.count !== h.count) throw invalid(`the sum of the counts (${h.count})`, 'json.count', j.count);
    return h;
  }
}

function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Int8rtError('ERR_INVALID_ARG', `Expected histogram JSON text for json but it does not parse: ${(e as Error).message}`);
  }
}
