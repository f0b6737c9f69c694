/**
 * TensorRT calibration cache (implicit quantization, TensorRT 8–10), QUANTIZATION.md:
 *   TRT-<version>-<Algorithm>
 *   <tensor name>: <hex>
 * <hex> is the big-endian IEEE float32 bit pattern of scale = amax / 127, lowercase, without leading
 * zeros (TensorRT writes a zero scale as `0`). Names may themselves hold ': ' (`input_1:0`), so a
 * line splits at its last ': '.
 */
import { Int8rtError, invalid } from '../errors.js';

export interface CalibrationCache {
  /** The encoded TensorRT version, see tensorRTVersion(). */
  version: number;
  /** e.g. 'EntropyCalibration2', 'MinMaxCalibration'. */
  algorithm: string;
  /** amax per tensor name, in file order. */
  amax: Map<string, number>;
}

export const TENSORRT_ALGORITHMS = ['EntropyCalibration2', 'MinMaxCalibration', 'EntropyCalibration', 'LegacyCalibration'] as const;

export interface TensorRTVersion {
  major: number;
  minor: number;
  patch: number;
}

/**
 * The version number TensorRT writes in the header: TensorRT 8 form major·1000 + minor·100 + patch
 * (8.6.1 → 8601), TensorRT 10 form major·10000 + minor·100 + patch (10.3.0 → 100300).
 * The form defaults to 10 for major ≥ 10, else 8.
 */
export function tensorRTVersion(major: number, minor: number, patch: number, options: { format?: 8 | 10 } = {}): number {
  const format = options.format ?? (major >= 10 ? 10 : 8);
  if (format !== 8 && format !== 10) throw invalid('8 or 10', 'options.format', format);
  const maxMinor = format === 8 ? 9 : 99;
  if (!Number.isInteger(major) || major < 1 || major > 99) throw invalid('an integer in [1, 99]', 'major', major);
  if (!Number.isInteger(minor) || minor < 0 || minor > maxMinor) throw invalid(`an integer in [0, ${maxMinor}]`, 'minor', minor);
  if (!Number.isInteger(patch) || patch < 0 || patch > 99) throw invalid('an integer in [0, 99]', 'patch', patch);
  return format === 8 ? major * 1000 + minor * 100 + patch : major * 10000 + minor * 100 + patch;
}

/** TensorRT 8 form: tensorRT8Version(8, 6, 1) === 8601. */
export function tensorRT8Version(major: number, minor: number, patch: number): number {
  return tensorRTVersion(major, minor, patch, { format: 8 });
}

/** TensorRT 10 form: tensorRT10Version(10, 3, 0) === 100300. */
export function tensorRT10Version(major: number, minor: number, patch: number): number {
  return tensorRTVersion(major, minor, patch, { format: 10 });
}

/** Decodes a header version: six digits or more are the TensorRT 10 form, fewer the TensorRT 8 form. */
export function parseTensorRTVersion(version: number): TensorRTVersion {
  if (!Number.isSafeInteger(version) || version < 1000) throw invalid('an encoded TensorRT version (e.g. 8601, 100300)', 'version', version);
  const base = version >= 100000 ? 10000 : 1000;
  return { major: Math.floor(version / base), minor: Math.floor((version % base) / 100), patch: version % 100 };
}

/** The version written when a cache gives none: TensorRT 10.3.0 (100300). */
export const DEFAULT_TENSORRT_VERSION = tensorRT10Version(10, 3, 0);

const ALGORITHM = /^[A-Za-z][A-Za-z0-9_]*$/;
const HEADER = /^TRT-(\d+)-([A-Za-z][A-Za-z0-9_]*)$/;
const LINE = /^(.+): ([0-9a-fA-F]{1,8})$/; // greedy name: the split is at the last ': '

const bits = new DataView(new ArrayBuffer(4));

/** scale = float32(amax / 127) as TensorRT's hex. */
export function scaleHex(amax: number): string {
  bits.setFloat32(0, amax / 127);
  return bits.getUint32(0).toString(16);
}

/**
 * amax for a hex scale: float32(scale · 127) when that maps back to the same scale (3c010204 → 1),
 * else scale · 127 exactly (always maps back). Either way scaleHex(hexAmax(h)) === h.
 */
export function hexAmax(hex: string): number {
  bits.setUint32(0, parseInt(hex, 16));
  const exact = bits.getFloat32(0) * 127;
  const short = Math.fround(exact);
  return Number.isFinite(short) && scaleHex(short) === scaleHex(exact) ? short : exact;
}

export function writeTensorRTCache(cache: {
  version?: number;
  algorithm?: string;
  amax: Map<string, number> | Record<string, number>;
}): string {
  if (cache === null || typeof cache !== 'object') throw invalid('a calibration cache object', 'cache', cache);
  const version = cache.version ?? DEFAULT_TENSORRT_VERSION;
  if (!Number.isSafeInteger(version) || version <= 0) throw invalid('a positive integer', 'cache.version', version);
  const algorithm = cache.algorithm ?? 'EntropyCalibration2';
  if (typeof algorithm !== 'string' || !ALGORITHM.test(algorithm))
    throw invalid(`an algorithm name such as ${TENSORRT_ALGORITHMS.join(', ')}`, 'cache.algorithm', algorithm);
  const entries = cache.amax instanceof Map ? [...cache.amax] : cache.amax && typeof cache.amax === 'object' ? Object.entries(cache.amax) : null;
  if (!entries) throw invalid('a Map of tensor name to amax', 'cache.amax', cache.amax);
  const lines = [`TRT-${version}-${algorithm}`];
  for (const [name, amax] of entries) {
    if (typeof name !== 'string' || name.length === 0 || /[\r\n]/.test(name))
      throw invalid('a non-empty tensor name without line breaks', 'cache.amax key', name);
    if (typeof amax !== 'number' || !Number.isFinite(amax) || amax < 0)
      throw invalid('a finite non-negative amax', `cache.amax.get(${JSON.stringify(name)})`, amax);
    const scale = Math.fround(amax / 127);
    if (scale === Infinity) throw invalid('an amax whose scale fits float32', `cache.amax.get(${JSON.stringify(name)})`, amax);
    lines.push(`${name}: ${scaleHex(amax)}`);
  }
  return lines.join('\n') + '\n';
}

function malformed(line: number, what: string): Int8rtError {
  return new Int8rtError('ERR_INVALID_ARG', `Malformed TensorRT calibration cache at line ${line}: ${what}`);
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? s.slice(0, 60) + '…' : s);
}

export function readTensorRTCache(text: string): CalibrationCache {
  if (typeof text !== 'string') throw invalid('the text of a calibration cache', 'text', text);
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  while (lines.length && lines[lines.length - 1] === '') lines.pop(); // the trailing newline
  if (lines.length === 0) throw malformed(1, 'the text is empty (expected a header TRT-<version>-<Algorithm>)');
  const header = HEADER.exec(lines[0]!);
  if (!header) throw malformed(1, `expected a header TRT-<version>-<Algorithm> but found ${quote(lines[0]!)}`);
  const version = Number(header[1]);
  if (!Number.isSafeInteger(version)) throw malformed(1, `version ${header[1]} is too large`);
  const amax = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const m = LINE.exec(lines[i]!);
    if (!m) throw malformed(i + 1, `expected "<tensor name>: <hex scale>" but found ${quote(lines[i]!)}`);
    const [, name, hex] = m as unknown as [string, string, string];
    const value = hexAmax(hex);
    if (!Number.isFinite(value) || value < 0 || Object.is(value, -0))
      throw malformed(i + 1, `scale ${hex} of ${quote(name)} is not a finite non-negative float32`);
    if (amax.has(name)) throw malformed(i + 1, `tensor ${quote(name)} appears twice`);
    amax.set(name, value);
  }
  return { version, algorithm: header[2]!, amax };
}
