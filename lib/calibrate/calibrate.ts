/**
 * calibrate(model, data): runs the fp32 engine over calibration samples, one at a time, with a
 * native observer that bins every calibrated activation (calibration-tensors.ts) straight from the
 * engine's buffers. Nothing but the feeds crosses into native code and nothing comes back until the
 * end, so memory is bounded by (tensors × bins) whatever the length of the data set.
 */
import { writePlan, readPlanGraph } from '../build/plan.js';
import { checkFeeds } from '../feeds.js';
import { Int8rtError, invalid } from '../errors.js';
import { optimize } from '../graph/optimize.js';
import type { Model } from '../onnx/ir.js';
import { native, type NativeCalibrator } from '../native.js';
import { dtypeCode, type Tensor } from '../tensor.js';
import { Calibration } from './calibration.js';
import { calibrationWatches } from './calibration-tensors.js';
import { DEFAULT_BINS, Histogram, MAX_BINS, MIN_BINS } from './histogram.js';

export type Feeds = Record<string, Tensor>;

export interface CalibrateOptions {
  /** Histogram bins per tensor, an integer in [128, 2^20]; default 2048. */
  bins?: number;
  /** Called after each sample; total is known when data is an array. */
  onProgress?: (done: number, total?: number) => void;
  /** Leave NaN / ±Inf activations out instead of failing with ERR_NONFINITE. */
  skipNonFinite?: boolean;
}

function checkArgs(model: unknown, data: unknown, options: unknown): asserts options is CalibrateOptions {
  const m = model as Partial<Model> | null;
  if (!m || typeof m !== 'object' || !Array.isArray(m.nodes) || !(m.initializers instanceof Map))
    throw invalid('a Model (from loadOnnx)', 'model', model);
  const d = data as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown } | null;
  if (!d || typeof d !== 'object' || (typeof d[Symbol.iterator] !== 'function' && typeof d[Symbol.asyncIterator] !== 'function'))
    throw invalid('an iterable or async iterable of feeds', 'data', data);
  if (options === null || typeof options !== 'object') throw invalid('an options object', 'options', options);
  const o = options as CalibrateOptions;
  const bins = o.bins ?? DEFAULT_BINS;
  if (typeof bins !== 'number' || !Number.isInteger(bins) || bins < MIN_BINS || bins > MAX_BINS)
    throw invalid(`an integer number of bins in [${MIN_BINS}, ${MAX_BINS}]`, 'options.bins', bins);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('a function', 'options.onProgress', o.onProgress);
}

/** An error of sample `index`, with its code kept: which sample failed is what the caller needs. */
function sampleError(e: unknown, index: number): unknown {
  if (!(e instanceof Int8rtError)) return e;
  const err = new Int8rtError(e.code, `Calibration sample ${index}: ${e.message}`);
  err.stack = `${err.name}: ${err.message}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}`;
  return err;
}

async function runSample(calibrator: NativeCalibrator, model: Model, feeds: unknown, index: number): Promise<void> {
  try {
    const tensors = checkFeeds(feeds, model.inputs);
    await calibrator.run(tensors.map((t) => ({ type: dtypeCode(t.type), data: t.data, dims: [...t.dims] })));
  } catch (e) {
    throw sampleError(e, index);
  }
}

export async function calibrate(model: Model, data: Iterable<Feeds> | AsyncIterable<Feeds>, options: CalibrateOptions = {}): Promise<Calibration> {
  checkArgs(model, data, options);
  const optimized = optimize(model);
  const watches = calibrationWatches(model, optimized);
  const plan = writePlan(optimized, { precision: 'fp32' });
  const valueIndex = new Map(readPlanGraph(plan, { verify: false }).graph.values.map((v, i) => [v.name, i]));
  // Aliases (Identity chains) share one value: watch each value once, under its own name.
  const values = [...new Set(watches.values())].filter((v) => valueIndex.has(v));

  const engine = await native.NativeEngine.load(plan);
  try {
    const calibrator = new native.NativeCalibrator(engine, values.map((v) => valueIndex.get(v)!), values, options.bins ?? DEFAULT_BINS, options.skipNonFinite === true);
    const total = Array.isArray(data) ? data.length : undefined;
    let done = 0;
    for await (const feeds of data) {
      await runSample(calibrator, optimized, feeds, done);
      done++;
      options.onProgress?.(done, total);
    }
    if (done === 0) throw new Int8rtError('ERR_INVALID_ARG', 'Expected at least one sample in the calibration data but it is empty');

    const byValue = new Map(values.map((v, i) => {
      const s = calibrator.histogram(i);
      return [v, Histogram.fromJSON({ format: 'int8rt.histogram', version: 1, bins: s.bins, count: s.count, max: s.max, widthLog2: s.widthLog2, counts: Array.from(s.counts) })];
    }));
    return new Calibration(new Map([...watches].filter(([, v]) => byValue.has(v)).map(([name, v]) => [name, byValue.get(v)!])));
  } finally {
    engine.dispose();
  }
}
