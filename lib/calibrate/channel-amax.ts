/** Per-channel weight ranges: amax[c] = max |w| over the slice at index c of `axis` (QUANTIZATION.md). */
import { Int8rtError, invalid } from '../errors.js';
import { halfToFloat } from '../half.js';
import { asTensor } from '../tensor.js';

export function channelAmax(weights: unknown, axis: number): Float32Array {
  const t = asTensor(weights, 'weights');
  if (t.type !== 'float32' && t.type !== 'float16')
    throw invalid('a float32 or float16 tensor', 'weights', `a ${t.type} tensor`, 'ERR_DTYPE');
  const rank = t.dims.length;
  if (rank === 0) throw invalid('a tensor of rank 1 or more', 'weights', 'a scalar (dims [])', 'ERR_SHAPE');
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank)
    throw invalid(`an integer axis in [${-rank}, ${rank - 1}]`, 'axis', axis);
  const a = axis < 0 ? axis + rank : axis;
  const channels = t.dims[a]!;
  const inner = t.dims.slice(a + 1).reduce((x, y) => x * y, 1);
  const outer = t.dims.slice(0, a).reduce((x, y) => x * y, 1);
  const values = t.type === 'float16' ? halfToFloat(t.data as Uint16Array) : (t.data as Float32Array);

  const out = new Float32Array(channels);
  let nonFinite = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const base = (o * channels + c) * inner;
      let m = out[c]!;
      for (let k = 0; k < inner; k++) {
        const v = Math.abs(values[base + k]!);
        if (v > m) m = v;
        if (!(v < Infinity)) nonFinite++; // NaN or ±Inf
      }
      out[c] = m;
    }
  }
  if (nonFinite)
    throw new Int8rtError('ERR_NONFINITE', `weights has ${nonFinite} non-finite value${nonFinite === 1 ? '' : 's'} (NaN or ±Inf)`);
  return out;
}
