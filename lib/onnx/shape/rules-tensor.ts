/** Shape rules for the data-movement ops: Reshape, Slice, Gather, Concat, Split, Pad, Reduce… */
import { attrInt, attrInts, attrTensor } from '../attributes.js';
import type { Dim, NodeInfo } from '../ir.js';
import type { Inferred, Rule, ShapeContext } from './context.js';
import { axis, broadcast, fmt, product } from './dims.js';

/** Axes from the attribute (before `inputFrom`) or from input `at` (from opset `inputFrom`). */
function axesOf(ctx: ShapeContext, node: NodeInfo, name: string, at: number, inputFrom: number): number[] | undefined | 'unknown' {
  if (ctx.opset < inputFrom) return attrInts(node, name);
  if (!ctx.has(node, at)) return undefined;
  return ctx.numbers(node, at) ?? 'unknown';
}

/** Axes given by a runtime input: the rank still follows from the axes input's length. */
function unknownAxesDims(ctx: ShapeContext, node: NodeInfo, rank: number, sign: 1 | -1): Dim[] | null {
  const n = ctx.dims(node, 1)?.[0];
  return typeof n === 'number' ? Array.from({ length: rank + sign * n }, () => ctx.fresh()) : null;
}

const shape: Rule = (ctx, node) => {
  const x = ctx.dims(node, 0);
  if (!x) return [{ type: 'int64', dims: [ctx.fresh()] }];
  const r = x.length;
  const clampAxis = (a: number) => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
  const start = clampAxis(attrInt(node, 'start', 0));
  const end = clampAxis(attrInt(node, 'end', r));
  const value = x.slice(start, Math.max(start, end));
  return [{ type: 'int64', dims: [value.length], value }];
};

/** Reshape: 0 copies the input dim (unless allowzero), -1 takes what is left. */
const reshape: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  const target = ctx.value(node, 1);
  if (!target) {
    const len = ctx.dims(node, 1)?.[0];
    return [{ type: x.type, dims: typeof len === 'number' ? Array.from({ length: len }, () => ctx.fresh()) : null }];
  }
  const allowZero = attrInt(node, 'allowzero', 0) === 1;
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (x.dims?.[i] ?? ctx.fresh()) : d));
  const hole = out.indexOf(-1);
  if (hole >= 0) out[hole] = x.dims ? remaining(ctx, x.dims, out.filter((_, i) => i !== hole)) : ctx.fresh();
  return [{ type: x.type, dims: out, value: x.dims?.length === 1 && out.length === 1 ? ctx.value(node, 0) : undefined }];
};

/** The dim that makes prod(known) · d = prod(all), cancelling symbols that appear on both sides. */
function remaining(ctx: ShapeContext, all: Dim[], known: Dim[]): Dim {
  const syms = all.filter((d): d is string => typeof d === 'string');
  let num = all.filter((d): d is number => typeof d === 'number').reduce((a, b) => a * b, 1);
  let den = 1;
  for (const d of known) {
    if (typeof d === 'number') den *= d;
    else {
      const i = syms.indexOf(d);
      if (i < 0) return ctx.fresh();
      syms.splice(i, 1);
    }
  }
  if (den === 0 || num % den !== 0) return ctx.fresh();
  num /= den;
  if (syms.length === 0) return num;
  return syms.length === 1 && num === 1 ? syms[0]! : ctx.fresh();
}

const flatten: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  if (!x.dims) return [{ type: x.type, dims: [ctx.fresh(), ctx.fresh()] }];
  const r = x.dims.length;
  const a = attrInt(node, 'axis', 1);
  const at = a < 0 ? a + r : a;
  if (at < 0 || at > r) throw ctx.error(node, `axis ${a} is out of range for rank ${r}`);
  return [{ type: x.type, dims: [product(ctx, x.dims.slice(0, at)), product(ctx, x.dims.slice(at))] }];
};

const transpose: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  if (!x.dims) return [{ type: x.type, dims: null }];
  const perm = attrInts(node, 'perm') ?? [...x.dims.keys()].reverse();
  if (perm.length !== x.dims.length) throw ctx.error(node, `perm [${perm}] does not match input ${fmt(x.dims)}`);
  return [{ type: x.type, dims: perm.map((p) => x.dims![axis(ctx, node, p, perm.length)]!) }];
};

const squeeze: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  const axes = axesOf(ctx, node, 'axes', 1, 13);
  if (!x.dims) return [{ type: x.type, dims: null }];
  if (axes === 'unknown') return [{ type: x.type, dims: unknownAxesDims(ctx, node, x.dims.length, -1) }];
  const r = x.dims.length;
  // Without axes every size-1 dim goes; a symbolic dim is assumed not to be 1.
  const drop = axes ? axes.map((a) => axis(ctx, node, a, r)) : x.dims.flatMap((d, i) => (d === 1 ? [i] : []));
  const v = ctx.value(node, 0);
  return [{ type: x.type, dims: x.dims.filter((_, i) => !drop.includes(i)), value: v?.length === 1 ? v : undefined }];
};

const unsqueeze: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  const axes = axesOf(ctx, node, 'axes', 1, 13);
  if (!x.dims || !axes) return [{ type: x.type, dims: null }];
  if (axes === 'unknown') return [{ type: x.type, dims: unknownAxesDims(ctx, node, x.dims.length, 1) }];
  const r = x.dims.length + axes.length;
  const at = new Set(axes.map((a) => axis(ctx, node, a, r)));
  const rest = [...x.dims];
  const dims = Array.from({ length: r }, (_, i) => (at.has(i) ? 1 : rest.shift()!));
  const v = ctx.value(node, 0);
  return [{ type: x.type, dims, value: x.dims.length <= 1 && dims.length <= 1 ? v : undefined }];
};

const concat: Rule = (ctx, node) => {
  const ins = node.inputs.map((_, i) => ctx.input(node, i)).filter((t) => t !== undefined);
  if (ins.length === 0) return [];
  const type = ins[0]!.type;
  if (ins.some((t) => !t.dims)) return [{ type, dims: null }];
  const shapes = ins.map((t) => t.dims!);
  const r = shapes[0]!.length;
  const a = axis(ctx, node, attrInt(node, 'axis', 0), r);
  const dims = shapes[0]!.map((d, i) => (i === a ? sumDims(ctx, shapes.map((s) => s[a]!)) : shapes.find((s) => typeof s[i] === 'number')?.[i] ?? d));
  const values = node.inputs.map((_, i) => ctx.value(node, i));
  const value = r === 1 && values.every((v) => v !== undefined) ? values.flat() as Dim[] : undefined;
  return [{ type, dims, value }];
};

function sumDims(ctx: ShapeContext, ds: Dim[]): Dim {
  const nonzero = ds.filter((d) => d !== 0);
  if (nonzero.length === 1) return nonzero[0]!;
  return nonzero.every((d) => typeof d === 'number') ? (nonzero as number[]).reduce((a, b) => a + b, 0) : ctx.fresh();
}

/** Split: sizes from the attribute (< 13) or input, else num_outputs (18) or an even split. */
const split: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  const n = node.outputs.length;
  if (!x.dims) return node.outputs.map(() => ({ type: x.type, dims: null }));
  const a = axis(ctx, node, attrInt(node, 'axis', 0), x.dims.length);
  const d = x.dims[a]!;
  const given = ctx.opset < 13 ? node.attributes.split !== undefined : ctx.has(node, 1);
  let sizes: Dim[] | undefined = ctx.opset < 13 ? attrInts(node, 'split') : ctx.has(node, 1) ? ctx.value(node, 1) : undefined;
  if (!given && typeof d === 'number') {
    const chunk = node.attributes.num_outputs !== undefined ? Math.ceil(d / n) : d / n;
    sizes = Array.from({ length: n }, (_, i) => (i < n - 1 ? chunk : d - chunk * (n - 1)));
  }
  return node.outputs.map((_, i) => ({ type: x.type, dims: x.dims!.map((e, j) => (j === a ? (sizes?.[i] ?? ctx.fresh()) : e)) }));
};

/** Slice: starts/ends/axes/steps from attributes (< 10) or inputs, clamped as ONNX specifies. */
const slice: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  if (!x.dims) return [{ type: x.type, dims: null }];
  const r = x.dims.length;
  const old = ctx.opset < 10;
  const starts = old ? attrInts(node, 'starts') : ctx.numbers(node, 1);
  const ends = old ? attrInts(node, 'ends') : ctx.numbers(node, 2);
  const axesIn = old ? attrInts(node, 'axes') : ctx.has(node, 3) ? ctx.numbers(node, 3) : undefined;
  const steps = old ? undefined : ctx.has(node, 4) ? ctx.numbers(node, 4) : undefined;
  const unknownAxes = !old && ((ctx.has(node, 3) && !axesIn) || (ctx.has(node, 4) && !steps));
  if (!starts || !ends || unknownAxes) {
    const len = ctx.dims(node, 1)?.[0];
    const axesKnown = axesIn ?? (typeof len === 'number' && len === r ? [...Array(r).keys()] : undefined);
    if (!axesKnown || unknownAxes) return [{ type: x.type, dims: x.dims.map(() => ctx.fresh()) }];
    const at = new Set(axesKnown.map((a) => axis(ctx, node, a, r)));
    return [{ type: x.type, dims: x.dims.map((d, i) => (at.has(i) ? ctx.fresh() : d)) }];
  }
  const axes = axesIn ?? starts.map((_, i) => i);
  const dims = [...x.dims];
  const v = ctx.value(node, 0);
  let value: Dim[] | undefined;
  axes.forEach((a0, i) => {
    const a = axis(ctx, node, a0, r);
    const step = steps?.[i] ?? 1;
    if (step === 0) throw ctx.error(node, 'has a step of 0');
    const d = dims[a]!;
    if (typeof d !== 'number') {
      const whole = starts[i] === 0 && step === 1 && ends[i]! >= 2 ** 31 - 1;
      dims[a] = whole ? d : ctx.fresh();
      return;
    }
    const [s, e] = clampRange(starts[i]!, ends[i]!, step, d);
    dims[a] = step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
    if (r === 1 && v) {
      value = [];
      for (let k = s; step > 0 ? k < e : k > e; k += step) value.push(v[k]!);
    }
  });
  return [{ type: x.type, dims, value }];
};

function clampRange(start: number, end: number, step: number, d: number): [number, number] {
  let s = start < 0 ? start + d : start;
  let e = end < 0 ? end + d : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), d);
    e = Math.min(Math.max(e, 0), d);
  } else {
    s = Math.min(Math.max(s, 0), d - 1);
    e = Math.min(Math.max(e, -1), d - 1);
  }
  return [s, e];
}

const gather: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  const idx = ctx.dims(node, 1);
  if (!x) return [];
  if (!x.dims || !idx) return [{ type: x.type, dims: null }];
  const a = axis(ctx, node, attrInt(node, 'axis', 0), x.dims.length);
  const dims = [...x.dims.slice(0, a), ...idx, ...x.dims.slice(a + 1)];
  const v = ctx.value(node, 0);
  const at = ctx.numbers(node, 1);
  let value: Dim[] | undefined;
  if (v && at && x.dims.length === 1) value = at.map((i) => v[i < 0 ? i + v.length : i] ?? ctx.fresh());
  return [{ type: x.type, dims, value }];
};

/** Pad: pads from the attribute (< 11) or input, optionally only on `axes` (opset 18). */
const pad: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  if (!x.dims) return [{ type: x.type, dims: null }];
  const r = x.dims.length;
  const pads = ctx.opset < 11 ? (attrInts(node, 'pads') ?? attrInts(node, 'paddings')) : ctx.numbers(node, 1);
  const axesIn = ctx.opset >= 18 && ctx.has(node, 3) ? ctx.numbers(node, 3) : [...Array(r).keys()];
  if (!pads || !axesIn) return [{ type: x.type, dims: x.dims.map(() => ctx.fresh()) }];
  const dims = [...x.dims];
  const n = axesIn.length;
  axesIn.forEach((a0, i) => {
    const a = axis(ctx, node, a0, r);
    const d = dims[a]!;
    const add = pads[i]! + pads[i + n]!;
    dims[a] = add === 0 ? d : typeof d === 'number' ? d + add : ctx.fresh();
  });
  return [{ type: x.type, dims }];
};

const tile: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  const reps = ctx.numbers(node, 1);
  if (!x.dims || !reps) return [{ type: x.type, dims: x.dims ? x.dims.map(() => ctx.fresh()) : null }];
  return [{ type: x.type, dims: x.dims.map((d, i) => (reps[i] === 1 ? d : typeof d === 'number' ? d * reps[i]! : ctx.fresh())) }];
};

const expand: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  const target = ctx.value(node, 1);
  if (!target) {
    const len = ctx.dims(node, 1)?.[0];
    return [{ type: x.type, dims: typeof len === 'number' && x.dims ? Array.from({ length: Math.max(len, x.dims.length) }, () => ctx.fresh()) : null }];
  }
  return [{ type: x.type, dims: broadcast(ctx, node, [x.dims, target]) }];
};

const constantOfShape: Rule = (ctx, node) => {
  const type = attrTensor(node, 'value')?.type ?? 'float32';
  const v = ctx.value(node, 0);
  if (v) return [{ type, dims: v }];
  const len = ctx.dims(node, 0)?.[0];
  return [{ type, dims: typeof len === 'number' ? Array.from({ length: len }, () => ctx.fresh()) : null }];
};

/** Reduce*: axes from the attribute, or the input (ReduceSum from 13, the others from 18). */
function reduce(inputFrom: number): Rule {
  return (ctx, node) => {
    const x = ctx.input(node, 0);
    if (!x) return [];
    const keep = attrInt(node, 'keepdims', 1) === 1;
    const axes = axesOf(ctx, node, 'axes', 1, inputFrom);
    if (!x.dims) return [{ type: x.type, dims: null }];
    if (axes === 'unknown') return [{ type: x.type, dims: keep ? x.dims.map(() => ctx.fresh()) : unknownAxesDims(ctx, node, x.dims.length, -1) }];
    const r = x.dims.length;
    if (!axes || axes.length === 0) {
      if (attrInt(node, 'noop_with_empty_axes', 0) === 1) return [{ ...x }];
      return [{ type: x.type, dims: keep ? x.dims.map(() => 1) : [] }];
    }
    const at = new Set(axes.map((a) => axis(ctx, node, a, r)));
    const dims = x.dims.flatMap((d, i) => (!at.has(i) ? [d] : keep ? [1] : []));
    return [{ type: x.type, dims } satisfies Inferred];
  };
}

export const TENSOR_RULES: Record<string, Rule> = {
  Shape: shape, Reshape: reshape, Flatten: flatten, Transpose: transpose, Squeeze: squeeze, Unsqueeze: unsqueeze,
  Concat: concat, Split: split, Slice: slice, Gather: gather, Pad: pad, Tile: tile, Expand: expand,
  ConstantOfShape: constantOfShape, ReduceMean: reduce(18), ReduceMax: reduce(18), ReduceSum: reduce(13),
};
