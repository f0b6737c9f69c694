/**
 * Evaluation of the shape-ish ops and small arithmetic on constant tensors, for constant folding.
 * Returns undefined for anything it does not handle (the node then stays in the graph).
 */
import { attrInt, attrInts, attrTensor } from '../onnx/attributes.js';
import { dtypeOfOnnx } from '../onnx/dtypes.js';
import type { NodeInfo } from '../onnx/ir.js';
import { constantTensor } from '../onnx/shape/rules-elementwise.js';
import { Tensor, sizeOf, typedArrayFor, type DType, type TypedArray } from '../tensor.js';

/** Elementwise folding is limited to tensors this small: larger ones are weights, kept as they are. */
export const MAX_FOLD_ELEMENTS = 1 << 16;

type Eval = (node: NodeInfo, ins: (Tensor | undefined)[], opset: number) => Tensor[] | undefined;

const num = (t: Tensor): number[] => Array.from(t.data as ArrayLike<number | bigint>, Number);

function make(type: DType, values: ArrayLike<number | bigint>, dims: number[]): Tensor {
  const out = typedArrayFor(type, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (type === 'int64') (out as BigInt64Array)[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
    else (out as Exclude<TypedArray, BigInt64Array>)[i] = type === 'bool' ? (Number(v) ? 1 : 0) : Number(v);
  }
  return new Tensor(type, out, dims);
}

function norm(a: number, rank: number): number {
  return a < 0 ? a + rank : a;
}

/** Strided gather of `t` into dims `out`, reading element index f(outIndex). */
function remap(t: Tensor, dims: number[], source: (idx: number[]) => number): Tensor {
  const n = sizeOf(dims);
  const out = typedArrayFor(t.type, n);
  const idx = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < n; i++) {
    (out as unknown as unknown[])[i] = (t.data as unknown as unknown[])[source(idx)];
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++idx[k]! < dims[k]!) break;
      idx[k] = 0;
    }
  }
  return new Tensor(t.type, out, dims);
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1]! * dims[k + 1]!;
  return s;
}

function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let k = 0; k < r; k++) {
    const x = a[a.length - r + k] ?? 1;
    const y = b[b.length - r + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Reads t broadcast to `dims` at the multi-index idx. */
function broadcastIndex(t: Tensor, dims: number[]): (idx: number[]) => number {
  const st = strides(t.dims);
  const off = dims.length - t.dims.length;
  return (idx) => {
    let p = 0;
    for (let k = 0; k < t.dims.length; k++) if (t.dims[k] !== 1) p += idx[k + off]! * st[k]!;
    return p;
  };
}

const arithmetic: Eval = (node, [a, b]) => {
  if (!a || !b || a.type !== b.type || !['float32', 'int32', 'int64'].includes(a.type)) return undefined;
  const dims = broadcastDims(a.dims, b.dims);
  if (!dims || sizeOf(dims) > MAX_FOLD_ELEMENTS) return undefined;
  const ia = broadcastIndex(a, dims);
  const ib = broadcastIndex(b, dims);
  const A = remap(a, dims, ia);
  const B = remap(b, dims, ib);
  if (a.type === 'int64') {
    const x = A.data as BigInt64Array, y = B.data as BigInt64Array;
    const f = { Add: (p: bigint, q: bigint) => p + q, Sub: (p: bigint, q: bigint) => p - q, Mul: (p: bigint, q: bigint) => p * q, Div: (p: bigint, q: bigint) => p / q }[node.op as 'Add'];
    if (node.op === 'Div' && y.some((v) => v === 0n)) return undefined;
    return [make('int64', x.map((v, i) => BigInt.asIntN(64, f(v, y[i]!))), dims)];
  }
  const x = A.data as Float32Array | Int32Array, y = B.data as Float32Array | Int32Array;
  const isInt = a.type === 'int32';
  const f = { Add: (p: number, q: number) => p + q, Sub: (p: number, q: number) => p - q, Mul: (p: number, q: number) => p * q, Div: (p: number, q: number) => (isInt ? Math.trunc(p / q) : p / q) }[node.op as 'Add'];
  if (isInt && node.op === 'Div' && y.some((v) => v === 0)) return undefined;
  return [make(a.type, Array.from(x, (v, i) => f(v, y[i]!)), dims)];
};

/** Shape's output for an input of the given dims (opset 15's start/end included). */
export function shapeTensor(node: NodeInfo, dims: readonly number[]): Tensor {
  const r = dims.length;
  const clamp = (a: number) => Math.min(Math.max(norm(a, r), 0), r);
  const d = dims.slice(clamp(attrInt(node, 'start', 0)), clamp(attrInt(node, 'end', r)));
  return make('int64', d, [d.length]);
}

const EVAL: Record<string, Eval> = {
  Constant: (node) => { const t = constantTensor(node); return t ? [t] : undefined; },
  Identity: (_, [x]) => (x ? [x] : undefined),
  Shape: (node, [x]) => (x ? [shapeTensor(node, x.dims)] : undefined),
  Cast: (node, [x]) => {
    const to = dtypeOfOnnx(attrInt(node, 'to', 0));
    if (!x || !to || to === 'float16' || x.type === 'float16') return undefined;
    const v = x.type === 'int64' ? Array.from(x.data as BigInt64Array) : Array.from(x.data as Float32Array);
    return [make(to, to === 'int64' ? v.map((e) => (typeof e === 'bigint' ? e : BigInt(Math.trunc(e)))) : v.map(Number), [...x.dims])];
  },
  Reshape: (node, [x, shape]) => {
    if (!x || !shape) return undefined;
    const target = num(shape).map((d, i) => (d === 0 && attrInt(node, 'allowzero', 0) === 0 ? x.dims[i]! : d));
    const hole = target.indexOf(-1);
    if (hole >= 0) target[hole] = x.size / sizeOf(target.filter((_, i) => i !== hole));
    return sizeOf(target) === x.size ? [new Tensor(x.type, x.data, target)] : undefined;
  },
  Unsqueeze: (node, [x, axesT], opset) => {
    const axes = opset < 13 ? attrInts(node, 'axes') : axesT && num(axesT);
    if (!x || !axes) return undefined;
    const r = x.dims.length + axes.length;
    const at = new Set(axes.map((a) => norm(a, r)));
    const rest = [...x.dims];
    return [new Tensor(x.type, x.data, Array.from({ length: r }, (_, i) => (at.has(i) ? 1 : rest.shift()!)))];
  },
  Squeeze: (node, [x, axesT], opset) => {
    if (!x) return undefined;
    const axes = opset < 13 ? attrInts(node, 'axes') : axesT && num(axesT);
    const drop = new Set(axes ? axes.map((a) => norm(a, x.dims.length)) : x.dims.flatMap((d, i) => (d === 1 ? [i] : [])));
    return [new Tensor(x.type, x.data, x.dims.filter((_, i) => !drop.has(i)))];
  },
  Concat: (node, ins) => {
    const ts = ins.filter((t): t is Tensor => t !== undefined);
    if (ts.length !== ins.length || ts.length === 0) return undefined;
    const a = norm(attrInt(node, 'axis', 0), ts[0]!.dims.length);
    const outer = sizeOf(ts[0]!.dims.slice(0, a));
    const dims = [...ts[0]!.dims];
    dims[a] = ts.reduce((s, t) => s + t.dims[a]!, 0);
    const values: (number | bigint)[] = [];
    for (let o = 0; o < outer; o++) for (const t of ts) {
      const chunk = t.size / outer;
      values.push(...Array.from(t.data as ArrayLike<number | bigint>).slice(o * chunk, (o + 1) * chunk));
    }
    return [make(ts[0]!.type, values, dims)];
  },
  Gather: (node, [x, indices]) => {
    if (!x || !indices) return undefined;
    const a = norm(attrInt(node, 'axis', 0), x.dims.length);
    const idx = num(indices).map((i) => (i < 0 ? i + x.dims[a]! : i));
    const dims = [...x.dims.slice(0, a), ...indices.dims, ...x.dims.slice(a + 1)];
    const st = strides(x.dims);
    const q = indices.dims.length;
    return [remap(x, dims, (o) => {
      let p = 0;
      for (let k = 0; k < a; k++) p += o[k]! * st[k]!;
      let flat = 0;
      for (let k = 0; k < q; k++) flat = flat * indices.dims[k]! + o[a + k]!;
      p += idx[flat]! * st[a]!;
      for (let k = a + 1; k < x.dims.length; k++) p += o[k + q - 1]! * st[k]!;
      return p;
    })];
  },
  Slice: (node, [x, s, e, ax, stp], opset) => {
    if (!x) return undefined;
    const starts = opset < 10 ? attrInts(node, 'starts') : s && num(s);
    const ends = opset < 10 ? attrInts(node, 'ends') : e && num(e);
    if (!starts || !ends || (node.inputs[3] && !ax) || (node.inputs[4] && !stp)) return undefined;
    const axes = (opset < 10 ? attrInts(node, 'axes') : ax && num(ax)) ?? starts.map((_, i) => i);
    const steps = stp ? num(stp) : axes.map(() => 1);
    const begin = x.dims.map(() => 0), step = x.dims.map(() => 1), dims = [...x.dims];
    axes.forEach((a0, i) => {
      const a = norm(a0, x.dims.length), d = x.dims[a]!, st = steps[i]!;
      let b = starts[i]! < 0 ? starts[i]! + d : starts[i]!;
      let en = ends[i]! < 0 ? ends[i]! + d : ends[i]!;
      if (st > 0) { b = Math.min(Math.max(b, 0), d); en = Math.min(Math.max(en, 0), d); }
      else { b = Math.min(Math.max(b, 0), d - 1); en = Math.min(Math.max(en, -1), d - 1); }
      begin[a] = b; step[a] = st;
      dims[a] = Math.max(0, Math.ceil((en - b) / st));
    });
    const st = strides(x.dims);
    return [remap(x, dims, (o) => o.reduce((p, v, k) => p + (begin[k]! + v * step[k]!) * st[k]!, 0))];
  },
  ConstantOfShape: (node, [shape]) => {
    if (!shape) return undefined;
    const dims = num(shape);
    if (sizeOf(dims) > MAX_FOLD_ELEMENTS) return undefined;
    const v = attrTensor(node, 'value') ?? new Tensor('float32', [0], [1]);
    const out = typedArrayFor(v.type, sizeOf(dims));
    (out as unknown as { fill(x: unknown): void }).fill((v.data as unknown as unknown[])[0]);
    return [new Tensor(v.type, out, dims)];
  },
  Add: arithmetic, Sub: arithmetic, Mul: arithmetic, Div: arithmetic,
};

export function canFold(op: string): boolean {
  return op in EVAL;
}

/** The node's outputs, or undefined when it cannot be evaluated here. */
export function evaluateConstant(node: NodeInfo, inputs: (Tensor | undefined)[], opset: number): Tensor[] | undefined {
  try {
    return EVAL[node.op]?.(node, inputs, opset);
  } catch {
    return undefined; // malformed constants are left for the executor to report
  }
}
