/**
 * Weight quantization for the Q/DQ export (QUANTIZATION.md): symmetric int8 per channel along
 * `axis`, scale_c = amax_c / 127 (as float32), q = clamp(round_half_even(w / scale_c), -127, 127).
 * A channel whose amax is 0 (all zeros) gets scale 1: its q is 0 either way, and a zero scale would
 * make readers that divide by it (re-quantizing, folding) produce NaN.
 */
import { channelAmax } from '../calibrate/channel-amax.js';
import { Tensor } from '../tensor.js';

export interface QuantizedWeight {
  q: Tensor; // int8, same dims as the weight
  scale: Float32Array; // one per channel (one value for per-tensor)
}

/** Round half to even, the rounding of ONNX QuantizeLinear (and of std::nearbyint). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** scale = amax / 127 rounded to float32; 1 for an all-zero range (see above). */
export function scaleOf(amax: number): number {
  return amax > 0 ? Math.fround(amax / 127) : 1;
}

/** float32 q for x at `scale`: the division is float32's (fround of the exact quotient), as in ORT. */
export function quantizeValue(x: number, scale: number): number {
  return Math.min(127, Math.max(-127, roundHalfEven(Math.fround(x / scale))));
}

/** Per-channel along `axis`, or per-tensor when axis is undefined. */
export function quantizeWeight(w: Tensor, axis: number | undefined): QuantizedWeight {
  const data = w.data as Float32Array;
  let scale: Float32Array;
  let channelOf: (i: number) => number;
  if (axis === undefined) {
    const amax = channelAmax(new Tensor('float32', data, [data.length]), 0).reduce((a, b) => Math.max(a, b), 0);
    scale = Float32Array.of(scaleOf(amax));
    channelOf = () => 0;
  } else {
    scale = channelAmax(w, axis).map(scaleOf);
    const inner = w.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const channels = w.dims[axis]!;
    channelOf = (i) => Math.floor(i / inner) % channels;
  }
  const q = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) q[i] = quantizeValue(data[i]!, scale[channelOf(i)]!);
  return { q: new Tensor('int8', q, w.dims), scale };
}
