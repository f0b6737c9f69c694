/** The typed loader of the native addon (built by cmake-js or node-gyp into build/Release). */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Int8rtError } from './errors.js';
import type { TypedArray } from './tensor.js';

export interface NativeGemmDesc {
  m: number; n: number; k: number;
  transA: boolean; transB: boolean;
  inType: number; outType: number;
  scaleA: number; scaleB: number; outScale: number;
  relu: boolean; cuda: boolean; async: boolean;
}

export interface NativeBackends {
  isa: string;
  detectedIsa: string;
  threads: number;
  cudaCompiled: boolean;
  cudaDevices: { name: string; computeCapability: [number, number]; memoryBytes: number }[] | null;
}

type View = ArrayBufferView;

/** The state of a native histogram (see native/calib/histogram.h). */
export interface NativeHistogramState {
  bins: number;
  count: number;
  max: number;
  /** Bin width is 2^widthLog2; null while only zeros have been seen. */
  widthLog2: number | null;
  counts: Float64Array;
}

export interface NativeHistogram {
  /**
   * data: float32 values or float16 bits. cuda: copy to CUDA device 0 and count there. Returns how many
   * non-finite values were skipped.
   */
  observe(data: Float32Array | Uint16Array, skipNonFinite: boolean, name: string, cuda: boolean): number;
  merge(other: NativeHistogram): void;
  /** method: 0 max, 1 entropy, 2 percentile, 3 mse. */
  amax(method: number, percentile: number): number;
  state(): NativeHistogramState;
  restore(widthLog2: number | null, max: number, counts: Float64Array): void;
  readonly bins: number;
  readonly count: number;
}

/** A tensor crossing the boundary: type is the dtype code (lib/tensor.ts DTYPES order). */
export interface NativeTensor {
  type: number;
  data: TypedArray;
  dims: number[];
}

/** The executor of a plan (native/napi/engine_napi.cpp). */
export interface NativeEngine {
  /** inputs in the plan's input order; resolves with the outputs in the plan's output order. */
  run(inputs: NativeTensor[]): Promise<NativeTensor[]>;
  dispose(): void;
}

/**
 * Histograms of chosen activations of an engine, filled while it runs samples (native/napi/calibrator_napi.cpp).
 * Runs of one calibrator are serialized natively; activations never cross into JS.
 */
export interface NativeCalibrator {
  /** inputs in the plan's input order; resolves once every watched value is in its histogram. */
  run(inputs: NativeTensor[]): Promise<void>;
  /** The histogram of watch i (i indexes the values given to the constructor). */
  histogram(i: number): NativeHistogramState;
  /** Non-finite values left out of watch i (skipNonFinite only). */
  skipped(i: number): number;
}

export interface NativeCalibratorClass {
  /** values: plan value indices (float32 activations, no repeats); names: one per value, for errors. */
  new (engine: NativeEngine, values: number[], names: string[], bins: number, skipNonFinite: boolean): NativeCalibrator;
}

export interface NativeEngineClass {
  /** Verifies (checksum, version) and prepares a plan on a worker thread. */
  load(plan: Uint8Array): Promise<NativeEngine>;
}

export interface NativeAddon {
  NativeEngine: NativeEngineClass;
  NativeCalibrator: NativeCalibratorClass;
  /** Test hook: the native JSON reader the plan loader uses. */
  parseJsonForTest(text: string): unknown;
  setErrorClass(ctor: typeof Int8rtError): void;
  backends(): NativeBackends;
  setIsa(name: string): boolean;
  NativeHistogram: new (bins: number) => NativeHistogram;
  halfToFloat(input: Uint16Array, output: Float32Array, scalar?: boolean): void;
  floatToHalf(input: Float32Array, output: Uint16Array, scalar?: boolean): void;
  gemm(desc: NativeGemmDesc, a: View, b: View, c: View, bias: Float32Array | null, scaleB: Float32Array | null): Promise<void> | undefined;
  /** Benchmark hook: median kernel-only milliseconds of the CUDA GEMM (null operands: random on the device). */
  cudaBenchmarkGemm(desc: NativeGemmDesc, a: View | null, b: View | null, iterations: number): Promise<number>;
}

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function load(): NativeAddon {
  const bindings = require('bindings') as (opts: { bindings: string; module_root: string }) => NativeAddon;
  const addon = bindings({ bindings: 'int8rt', module_root: root });
  addon.setErrorClass(Int8rtError); // native code throws `new Int8rtError(code, message)`
  return addon;
}

export const native: NativeAddon = load();

/**
 * Awaits a native promise; on rejection the error gets the caller's stack (captured before the call),
 * so a failure deep in a worker thread still points at the user's line.
 */
export async function withCallerStack<T>(promise: Promise<T>, callerStack: string | undefined): Promise<T> {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof Error && callerStack) e.stack = `${e.name}: ${e.message}\n${callerStack.split('\n').slice(1).join('\n')}`;
    throw e;
  }
}
