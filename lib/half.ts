/** fp16 <-> fp32 conversion in native code (F16C where present), round-to-nearest-even. */
import { native } from './native.js';
import { invalid } from './errors.js';

export function halfToFloat(bits: Uint16Array, options: { scalar?: boolean } = {}): Float32Array {
  if (!(bits instanceof Uint16Array)) throw invalid('a Uint16Array of half bits', 'bits', bits, 'ERR_DTYPE');
  const out = new Float32Array(bits.length);
  native.halfToFloat(bits, out, options.scalar === true);
  return out;
}

export function floatToHalf(values: Float32Array, options: { scalar?: boolean } = {}): Uint16Array {
  if (!(values instanceof Float32Array)) throw invalid('a Float32Array', 'values', values, 'ERR_DTYPE');
  const out = new Uint16Array(values.length);
  native.floatToHalf(values, out, options.scalar === true);
  return out;
}
