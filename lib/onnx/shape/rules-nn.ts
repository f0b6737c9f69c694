/** Shape rules for Conv, ConvTranspose, pooling, MatMul, Gemm and Resize. */
import { attrInt, attrInts, attrString } from '../attributes.js';
import type { Dim, NodeInfo } from '../ir.js';
import type { Rule, ShapeContext } from './context.js';
import { broadcast, fmt } from './dims.js';

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[]; // begin values then end values, as ONNX writes them
  autoPad: string;
}

function windowOf(node: NodeInfo, kernel: number[]): Window {
  const n = kernel.length;
  const ones = new Array<number>(n).fill(1);
  return {
    kernel,
    strides: attrInts(node, 'strides') ?? ones,
    dilations: attrInts(node, 'dilations') ?? ones,
    pads: attrInts(node, 'pads') ?? new Array<number>(2 * n).fill(0),
    autoPad: attrString(node, 'auto_pad', 'NOTSET'),
  };
}

/** Output size of one spatial axis of a Conv or pool (ONNX's formulas, ceil_mode for pools). */
function windowOut(w: Window, i: number, input: number, ceilMode: boolean): number {
  const n = w.kernel.length;
  const s = w.strides[i]!;
  const extent = (w.kernel[i]! - 1) * w.dilations[i]! + 1;
  if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return Math.ceil(input / s);
  if (w.autoPad === 'VALID') return Math.floor((input - extent) / s) + 1;
  const padded = input + w.pads[i]! + w.pads[i + n]!;
  if (!ceilMode) return Math.floor((padded - extent) / s) + 1;
  let out = Math.ceil((padded - extent) / s) + 1;
  // A window may not start in the end padding (as PyTorch and the ONNX reference do).
  if ((out - 1) * s >= input + w.pads[i]!) out--;
  return out;
}

function spatial(ctx: ShapeContext, node: NodeInfo, x: Dim[], w: Window, ceilMode: boolean): Dim[] {
  if (x.length !== w.kernel.length + 2) throw ctx.error(node, `input ${fmt(x)} does not match a ${w.kernel.length}-D kernel`);
  return x.slice(2).map((d, i) => (typeof d === 'number' ? windowOut(w, i, d, ceilMode) : ctx.fresh()));
}

const conv: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  const wDims = ctx.dims(node, 1);
  if (!x) return [];
  if (!x.dims || !wDims) return [{ type: x.type, dims: null }];
  const kernel = attrInts(node, 'kernel_shape') ?? wDims.slice(2).map((d) => (typeof d === 'number' ? d : NaN));
  if (kernel.some(Number.isNaN)) return [{ type: x.type, dims: [x.dims[0]!, wDims[0]!, ...x.dims.slice(2).map(() => ctx.fresh())] }];
  return [{ type: x.type, dims: [x.dims[0]!, wDims[0]!, ...spatial(ctx, node, x.dims, windowOf(node, kernel), false)] }];
};

const convTranspose: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  const wDims = ctx.dims(node, 1);
  if (!x) return [];
  if (!x.dims || !wDims) return [{ type: x.type, dims: null }];
  const group = attrInt(node, 'group', 1);
  const channels: Dim = typeof wDims[1] === 'number' ? wDims[1] * group : ctx.fresh();
  const n = x.dims.length - 2;
  const outputShape = attrInts(node, 'output_shape');
  if (outputShape) return [{ type: x.type, dims: [x.dims[0]!, channels, ...outputShape.slice(-n)] }];
  const kernel = attrInts(node, 'kernel_shape') ?? wDims.slice(2).map((d) => (typeof d === 'number' ? d : NaN));
  const w = windowOf(node, kernel);
  const outPad = attrInts(node, 'output_padding') ?? new Array<number>(n).fill(0);
  const dims = x.dims.slice(2).map((d, i) => {
    if (typeof d !== 'number' || Number.isNaN(kernel[i]!)) return ctx.fresh();
    const s = w.strides[i]!;
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return d * s;
    const pads = w.autoPad === 'VALID' ? 0 : w.pads[i]! + w.pads[i + n]!;
    return s * (d - 1) + outPad[i]! + (kernel[i]! - 1) * w.dilations[i]! + 1 - pads;
  });
  return [{ type: x.type, dims: [x.dims[0]!, channels, ...dims] }];
};

const pool: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  const kernel = attrInts(node, 'kernel_shape');
  if (!kernel) throw ctx.error(node, 'has no kernel_shape');
  const dims = x.dims ? [x.dims[0]!, x.dims[1]!, ...spatial(ctx, node, x.dims, windowOf(node, kernel), attrInt(node, 'ceil_mode', 0) === 1)] : null;
  return [{ type: x.type, dims }, { type: 'int64', dims }];
};

const globalPool: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  return [{ type: x.type, dims: x.dims ? x.dims.map((d, i) => (i < 2 ? d : 1)) : null }];
};

/** numpy matmul: 1-D operands are promoted and the promoted axis dropped again; batch dims broadcast. */
const matmul: Rule = (ctx, node) => {
  const a = ctx.input(node, 0);
  const b = ctx.dims(node, 1);
  if (!a) return [];
  if (!a.dims || !b) return [{ type: a.type, dims: null }];
  const A = a.dims.length === 1 ? [1, a.dims[0]!] : a.dims;
  const B = b.length === 1 ? [b[0]!, 1] : b;
  const k1 = A[A.length - 1]!;
  const k2 = B[B.length - 2]!;
  if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2)
    throw ctx.error(node, `inner dimensions of ${fmt(a.dims)} and ${fmt(b)} differ`);
  const batch = broadcast(ctx, node, [A.slice(0, -2), B.slice(0, -2)])!;
  const out = [...batch];
  if (a.dims.length !== 1) out.push(A[A.length - 2]!);
  if (b.length !== 1) out.push(B[B.length - 1]!);
  return [{ type: a.type, dims: out }];
};

const gemm: Rule = (ctx, node) => {
  const a = ctx.input(node, 0);
  const b = ctx.dims(node, 1);
  if (!a) return [];
  if (!a.dims || !b) return [{ type: a.type, dims: null }];
  if (a.dims.length !== 2 || b.length !== 2) throw ctx.error(node, `expects 2-D inputs, got ${fmt(a.dims)} and ${fmt(b)}`);
  const m = attrInt(node, 'transA', 0) ? a.dims[1]! : a.dims[0]!;
  const n = attrInt(node, 'transB', 0) ? b[0]! : b[1]!;
  return [{ type: a.type, dims: [m, n] }];
};

/** Resize: `sizes` when given, else floor(in · scale); opset 18's axes and keep_aspect_ratio_policy. */
const resize: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  if (!x.dims) return [{ type: x.type, dims: null }];
  const r = x.dims.length;
  const [scalesAt, sizesAt] = ctx.opset < 11 ? [1, -1] : [2, 3];
  const axes = (attrInts(node, 'axes') ?? [...Array(r).keys()]).map((a) => (a < 0 ? a + r : a));
  const sizesIn = sizesAt > 0 && ctx.has(node, sizesAt) ? ctx.value(node, sizesAt) : undefined;
  const scalesT = ctx.has(node, scalesAt) ? ctx.constant(node, scalesAt) : undefined;
  const out: Dim[] = [...x.dims];
  if (sizesIn && sizesIn.length > 0) {
    const policy = attrString(node, 'keep_aspect_ratio_policy', 'stretch');
    const nums = sizesIn.every((d) => typeof d === 'number') && axes.every((a) => typeof x.dims![a] === 'number');
    if (policy !== 'stretch' && nums) {
      const ratios = axes.map((a, i) => (sizesIn[i] as number) / (x.dims![a] as number));
      const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => { out[a] = Math.round(scale * (x.dims![a] as number)); });
    } else if (policy !== 'stretch') axes.forEach((a) => { out[a] = ctx.fresh(); });
    else axes.forEach((a, i) => { out[a] = sizesIn[i]!; });
    return [{ type: x.type, dims: out }];
  }
  if (scalesT && scalesT.size > 0) {
    const scales = Array.from(scalesT.data as Float32Array);
    axes.forEach((a, i) => {
      const d = x.dims![a]!;
      out[a] = scales[i] === 1 ? d : typeof d === 'number' ? Math.floor(d * scales[i]!) : ctx.fresh();
    });
    return [{ type: x.type, dims: out }];
  }
  return [{ type: x.type, dims: x.dims.map((d, i) => (axes.includes(i) ? ctx.fresh() : d)) }];
};

export const NN_RULES: Record<string, Rule> = {
  Conv: conv, ConvTranspose: convTranspose, MaxPool: pool, AveragePool: pool,
  GlobalAveragePool: globalPool, GlobalMaxPool: globalPool, MatMul: matmul, Gemm: gemm, Resize: resize,
};
