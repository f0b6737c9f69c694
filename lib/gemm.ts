/**
 * gemm(): C = epilogue(op(A) · op(B)) on the CPU or a CUDA device (API.md).
 * Every argument is checked here, before any native work starts.
 */
import { Int8rtError, invalid } from './errors.js';
import { native, withCallerStack, type NativeGemmDesc } from './native.js';
import { Tensor, asTensor, dtypeCode, isDType, typedArrayFor, type DType } from './tensor.js';
import { resolveDevice, type Device } from './backends.js';

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  /** [N] float32, added after dequantization. */
  bias?: Tensor | Float32Array;
  /** int8 inputs: the accumulator is dequantized with scaleA * scaleB[n]. */
  scaleA?: number;
  scaleB?: number | Float32Array;
  /** int8 inputs: 'int32' (exact, default) | 'float32' | 'float16' | 'int8'. float inputs: 'float32' | 'float16' | 'int8'. */
  outType?: DType;
  /** Requantization scale for outType 'int8': q = clamp(round_half_even(v / outScale), -127, 127). */
  outScale?: number;
  relu?: boolean;
  /** Default: 'cuda' when a CUDA device is present, else 'cpu'. */
  device?: Device;
}

const MAX_ELEMENTS = 2 ** 31 - 1;
const IN_TYPES: readonly DType[] = ['float32', 'float16', 'int8'];

interface Prepared {
  desc: NativeGemmDesc;
  a: Tensor;
  b: Tensor;
  c: Tensor;
  bias: Float32Array | null;
  scaleB: Float32Array | null;
}

function positiveScale(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalid('a finite positive number', name, value);
  return value;
}

function floatVector(value: unknown, name: string, n: number): Float32Array {
  const data = value instanceof Tensor || (value && typeof value === 'object' && 'dims' in value)
    ? asTensor(value, name) : value;
  const array = data instanceof Tensor ? (data.type === 'float32' ? data.data : null) : data;
  if (!(array instanceof Float32Array)) throw invalid('a float32 Tensor or Float32Array', name, value, 'ERR_DTYPE');
  if (array.length !== n) throw invalid(`${n} values (one per output column)`, name, value, 'ERR_SHAPE');
  return array;
}

function matrixDims(t: Tensor, name: string): [number, number] {
  if (t.dims.length !== 2) throw invalid('a rank-2 tensor', name, `dims [${t.dims.join(', ')}]`, 'ERR_SHAPE');
  const [r, c] = t.dims as [number, number];
  if (r <= 0 || c <= 0) throw invalid('positive dimensions', name, `dims [${t.dims.join(', ')}]`, 'ERR_SHAPE');
  return [r, c];
}

function prepare(aIn: unknown, bIn: unknown, options: GemmOptions | undefined, async: boolean): Prepared {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw invalid('an options object', 'options', options);
  const o = options ?? {};
  const a = asTensor(aIn, 'a');
  const b = asTensor(bIn, 'b');
  if (!IN_TYPES.includes(a.type)) throw invalid('a float32, float16 or int8 tensor', 'a', a.type, 'ERR_DTYPE');
  if (b.type !== a.type) throw new Int8rtError('ERR_DTYPE', `Expected b to have the type of a (${a.type}) but received ${b.type}`);
  for (const key of ['transA', 'transB', 'relu'] as const)
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw invalid('a boolean', key, o[key]);

  const [ar, ac] = matrixDims(a, 'a');
  const [br, bc] = matrixDims(b, 'b');
  const [m, k] = o.transA ? [ac, ar] : [ar, ac];
  const [k2, n] = o.transB ? [bc, br] : [br, bc];
  if (k !== k2)
    throw new Int8rtError('ERR_SHAPE', `gemm: inner dimensions differ: op(a) is [${m}, ${k}] but op(b) is [${k2}, ${n}]`);
  if (m * n > MAX_ELEMENTS) throw new Int8rtError('ERR_SHAPE', `gemm: the output [${m}, ${n}] would have more than 2^31 - 1 elements`);

  const int8 = a.type === 'int8';
  const outType = o.outType ?? (int8 ? 'int32' : a.type);
  if (!isDType(outType) || !(['float32', 'float16', 'int8'] as string[]).concat(int8 ? ['int32'] : []).includes(outType))
    throw invalid(int8 ? "'int32', 'float32', 'float16' or 'int8'" : "'float32', 'float16' or 'int8'", 'outType', outType, 'ERR_DTYPE');
  if (outType === 'int32' && (o.bias !== undefined || o.scaleA !== undefined || o.scaleB !== undefined))
    throw new Int8rtError('ERR_INVALID_ARG', "bias, scaleA and scaleB need a dequantized outType ('float32', 'float16' or 'int8'), not 'int32'");
  if (!int8 && (o.scaleA !== undefined || o.scaleB !== undefined))
    throw new Int8rtError('ERR_INVALID_ARG', `scaleA and scaleB apply to int8 inputs only, but a and b are ${a.type}`);
  if (outType !== 'int8' && o.outScale !== undefined)
    throw new Int8rtError('ERR_INVALID_ARG', `outScale applies to outType 'int8' only, not '${outType}'`);
  const outScale = outType === 'int8' ? positiveScale(o.outScale, 'outScale') : 1;
  const scaleA = o.scaleA === undefined ? 1 : positiveScale(o.scaleA, 'scaleA');
  let scaleB: Float32Array | null = null;
  let scaleBScalar = 1;
  if (typeof o.scaleB === 'number') scaleBScalar = positiveScale(o.scaleB, 'scaleB');
  else if (o.scaleB !== undefined) {
    scaleB = floatVector(o.scaleB, 'scaleB', n);
    const bad = scaleB.findIndex((s) => !(Number.isFinite(s) && s > 0));
    if (bad >= 0) throw invalid('finite positive scales', `scaleB[${bad}]`, scaleB[bad]);
  }
  const bias = o.bias === undefined ? null : floatVector(o.bias, 'bias', n);
  const device = resolveDevice(o.device);

  const c = new Tensor(outType, typedArrayFor(outType, m * n), [m, n]);
  const desc: NativeGemmDesc = {
    m, n, k,
    transA: o.transA === true, transB: o.transB === true,
    inType: dtypeCode(a.type), outType: dtypeCode(outType),
    scaleA, scaleB: scaleBScalar, outScale,
    relu: o.relu === true, cuda: device === 'cuda', async,
  };
  return { desc, a, b, c, bias, scaleB };
}

/** Asynchronous GEMM: the kernel runs on a worker thread; the event loop never waits for it. */
export async function gemm(a: unknown, b: unknown, options?: GemmOptions): Promise<Tensor> {
  const callerStack = new Error().stack;
  const p = prepare(a, b, options, true);
  await withCallerStack(native.gemm(p.desc, p.a.data, p.b.data, p.c.data, p.bias, p.scaleB) as Promise<void>, callerStack);
  return p.c;
}

/** Synchronous GEMM for small calls, where a thread hop costs more than the work. Blocks the caller. */
export function gemmSync(a: unknown, b: unknown, options?: GemmOptions): Tensor {
  const p = prepare(a, b, options, false);
  native.gemm(p.desc, p.a.data, p.b.data, p.c.data, p.bias, p.scaleB);
  return p.c;
}
