/**
 * Calibration: the |x| histogram of every calibrated tensor (calibrate.ts), from which each amax
 * method gives its ranges — one collection pass serves them all — and the TensorRT cache is written.
 */
import { Int8rtError, invalid } from '../errors.js';
import { Histogram, type AmaxMethod, type HistogramJSON } from './histogram.js';
import { writeTensorRTCache } from './trt-cache.js';

const METHODS: readonly AmaxMethod[] = ['max', 'entropy', 'percentile', 'mse'];
const JSON_FORMAT = 'int8rt.calibration';
const JSON_VERSION = 1;

export interface CalibrationAmaxOptions {
  /** For 'percentile': in (0, 100], default 99.99. */
  percentile?: number;
}

export interface TensorRTCacheOptions extends CalibrationAmaxOptions {
  /** The encoded TensorRT version of the header (default DEFAULT_TENSORRT_VERSION, 10.3.0). */
  version?: number;
  /**
   * The header's algorithm. Default: 'MinMaxCalibration' for 'max', else 'EntropyCalibration2'.
   * TensorRT only reads a cache whose algorithm matches the calibrator it is given, and has no
   * percentile or mse calibrator: those ranges go under EntropyCalibration2, the calibrator people
   * load caches with; the values, not the label, are what TensorRT uses.
   */
  algorithm?: string;
}

export interface CalibrationJSON {
  format: typeof JSON_FORMAT;
  version: number;
  /** Tensor name → its histogram, in calibration order. */
  tensors: Record<string, HistogramJSON>;
}

export class Calibration {
  /** The calibrated tensors, by their names in the original model. */
  readonly tensors: readonly string[];
  readonly #histograms: Map<string, Histogram>;

  /** histograms: tensor name → histogram; names that are aliases of one value may share one. */
  constructor(histograms: Map<string, Histogram>) {
    if (!(histograms instanceof Map)) throw invalid('a Map of tensor name to Histogram', 'histograms', histograms);
    for (const [name, h] of histograms)
      if (typeof name !== 'string' || !(h instanceof Histogram)) throw invalid('a Histogram', `histograms.get(${JSON.stringify(name)})`, h);
    this.#histograms = new Map(histograms);
    this.tensors = Object.freeze([...histograms.keys()]);
  }

  /** The histogram of one tensor (the calibration's own: observing into it changes the calibration). */
  histogram(name: string): Histogram {
    const h = this.#histograms.get(name);
    if (!h) throw new Int8rtError('ERR_INVALID_ARG', `Tensor ${JSON.stringify(name)} was not calibrated; the calibrated tensors are listed in calibration.tensors`);
    return h;
  }

  /**
   * amax per tensor by one method, in `tensors` order. Tensors that saw no values (empty tensors,
   * or only skipped non-finite ones) have no range and are left out.
   */
  amax(method: AmaxMethod, options: CalibrationAmaxOptions = {}): Map<string, number> {
    if (!METHODS.includes(method)) throw invalid(`one of ${METHODS.join(', ')}`, 'method', method);
    const perHistogram = new Map<Histogram, number>(); // aliases share a histogram: compute once
    const out = new Map<string, number>();
    for (const [name, h] of this.#histograms) {
      if (h.count === 0) continue;
      let a = perHistogram.get(h);
      if (a === undefined) perHistogram.set(h, (a = h.amax(method, options)));
      out.set(name, a);
    }
    return out;
  }

  /** The TensorRT calibration cache (QUANTIZATION.md) of these ranges by one method. */
  toTensorRTCache(method: AmaxMethod, options: TensorRTCacheOptions = {}): string {
    if (options === null || typeof options !== 'object') throw invalid('an options object', 'options', options);
    const algorithm = options.algorithm ?? (method === 'max' ? 'MinMaxCalibration' : 'EntropyCalibration2');
    return writeTensorRTCache({ version: options.version, algorithm, amax: this.amax(method, options) });
  }

  toJSON(): CalibrationJSON {
    const tensors: Record<string, HistogramJSON> = {};
    for (const [name, h] of this.#histograms) tensors[name] = h.toJSON();
    return { format: JSON_FORMAT, version: JSON_VERSION, tensors };
  }

  /** Rebuilds a calibration from toJSON() output (an object or its JSON text). */
  static fromJSON(json: unknown): Calibration {
    let j = json;
    if (typeof json === 'string') {
      try {
        j = JSON.parse(json);
      } catch (e) {
        throw new Int8rtError('ERR_INVALID_ARG', `Expected calibration JSON text for json but it does not parse: ${(e as Error).message}`);
      }
    }
    const c = j as Partial<CalibrationJSON> | null;
    if (c === null || typeof c !== 'object') throw invalid('a calibration JSON object', 'json', json);
    if (c.format !== JSON_FORMAT) throw invalid(`format "${JSON_FORMAT}"`, 'json.format', c.format);
    if (c.version !== JSON_VERSION) throw invalid(`version ${JSON_VERSION}`, 'json.version', c.version);
    if (c.tensors === null || typeof c.tensors !== 'object') throw invalid('an object of histograms', 'json.tensors', c.tensors);
    return new Calibration(new Map(Object.entries(c.tensors).map(([name, h]) => [name, Histogram.fromJSON(h)])));
  }
}
