/** Shape rules for ops whose output has the shape of an input or of their broadcast inputs. */
import { Tensor, type DType } from '../../tensor.js';
import { attrInt, attrTensor } from '../attributes.js';
import { dtypeOfOnnx, onnxTypeName } from '../dtypes.js';
import type { Dim, NodeInfo } from '../ir.js';
import type { Inferred, Rule, ShapeContext } from './context.js';
import { broadcast } from './dims.js';

/** Output 0 = input 0, type and dims; the value too where the op leaves it unchanged. */
const same: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  return x ? [{ ...x }] : [];
};

/** Dropout: output as input, optional mask as bool. */
const dropout: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  return [{ ...x, value: ctx.value(node, 0) }, { type: 'bool', dims: x.dims }];
};

const identity: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  return x ? [{ ...x, value: ctx.value(node, 0), constant: ctx.constant(node, 0) }] : [];
};

function broadcastAll(ctx: ShapeContext, node: NodeInfo, type: DType | undefined): Inferred[] {
  const present = node.inputs.map((_, i) => ctx.input(node, i)).filter((t) => t !== undefined);
  if (!type || present.length === 0) return [];
  return [{ type, dims: broadcast(ctx, node, present.map((t) => t.dims)) }];
}

const OPS: Record<string, (x: number, y: number) => number> = {
  Add: (x, y) => x + y, Sub: (x, y) => x - y, Mul: (x, y) => x * y, Div: (x, y) => (y === 0 ? NaN : Math.trunc(x / y)),
  Max: Math.max, Min: Math.min,
};

/** Values of small integer arithmetic (shape computations such as `dim * 2` or `n / 4`). */
function arithmeticValue(ctx: ShapeContext, node: NodeInfo): Dim[] | undefined {
  const a = ctx.value(node, 0);
  const b = ctx.value(node, 1);
  if (!a || !b || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return undefined;
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length === 1 ? 0 : i]!;
    const y = b[b.length === 1 ? 0 : i]!;
    if (typeof x === 'number' && typeof y === 'number') {
      const r = OPS[node.op]!(x, y);
      if (!Number.isFinite(r)) return undefined;
      out.push(r);
    } else if ((node.op === 'Mul' || node.op === 'Div') && y === 1) out.push(x);
    else if (node.op === 'Mul' && x === 1) out.push(y);
    else if ((node.op === 'Add' || node.op === 'Sub') && y === 0) out.push(x);
    else if (node.op === 'Add' && x === 0) out.push(y);
    else out.push(ctx.fresh());
  }
  return out;
}

const arithmetic: Rule = (ctx, node) => {
  const [out] = broadcastAll(ctx, node, ctx.input(node, 0)?.type);
  if (!out) return [];
  const isInt = out.type === 'int64' || out.type === 'int32';
  return [{ ...out, value: isInt && node.inputs.length === 2 ? arithmeticValue(ctx, node) : undefined }];
};

const variadic: Rule = (ctx, node) => broadcastAll(ctx, node, ctx.input(node, 0)?.type);
const equal: Rule = (ctx, node) => broadcastAll(ctx, node, 'bool');

const where: Rule = (ctx, node) => {
  const out = broadcastAll(ctx, node, ctx.input(node, 1)?.type ?? ctx.input(node, 2)?.type);
  return out;
};

const cast: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  const to = attrInt(node, 'to', 0);
  const type = dtypeOfOnnx(to);
  if (!type) throw ctx.error(node, `casts to ${onnxTypeName(to)}, which int8rt does not support`, 'ERR_DTYPE');
  if (!x) return [];
  const v = ctx.value(node, 0);
  const keepsValue = type === 'int64' || type === 'int32' || type === 'float32';
  return [{ type, dims: x.dims, value: keepsValue ? v : undefined }];
};

/** QuantizeLinear's output type: the zero point's, else output_dtype (opset 21), else uint8. */
const quantize: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  const zp = ctx.input(node, 2);
  const outDtype = dtypeOfOnnx(attrInt(node, 'output_dtype', 0));
  return [{ type: zp?.type ?? outDtype ?? 'uint8', dims: x.dims }];
};

/** DequantizeLinear yields the scale's float type. */
const dequantize: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  return [{ type: ctx.input(node, 1)?.type ?? 'float32', dims: x.dims }];
};

/** BatchNormalization: Y like X; the training-mode outputs (running mean/var) are [C]. */
const batchNorm: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  const c: Dim = x.dims && x.dims.length > 1 ? x.dims[1]! : ctx.fresh();
  return [{ ...x }, ...node.outputs.slice(1).map(() => ({ type: x.type, dims: [c] }))];
};

/** LayerNormalization: Y like X; Mean and InvStdDev keep dims before `axis` and are 1 after. */
const layerNorm: Rule = (ctx, node) => {
  const x = ctx.input(node, 0);
  if (!x) return [];
  let stat: Dim[] | null = null;
  if (x.dims) {
    const r = x.dims.length;
    const a = attrInt(node, 'axis', -1);
    const ax = a < 0 ? a + r : a;
    stat = x.dims.map((d, i) => (i < ax ? d : 1));
  }
  const statType = dtypeOfOnnx(attrInt(node, 'stash_type', 1)) ?? 'float32';
  return [{ ...x }, { type: statType, dims: stat }, { type: statType, dims: stat }];
};

const constant: Rule = (ctx, node) => {
  const t = constantTensor(node);
  if (!t) throw ctx.error(node, 'has no value attribute int8rt can read');
  return [{ type: t.type, dims: [...t.dims], constant: t }];
};

/** The tensor a Constant node yields, from whichever value attribute it has. */
export function constantTensor(node: NodeInfo): Tensor | undefined {
  const t = attrTensor(node, 'value');
  if (t) return t;
  const a = node.attributes;
  if (typeof a.value_float === 'number') return tensorOf('float32', [a.value_float], []);
  if (Array.isArray(a.value_floats)) return tensorOf('float32', a.value_floats as number[], [a.value_floats.length]);
  if (typeof a.value_int === 'number') return tensorOf('int64', [a.value_int], []);
  if (Array.isArray(a.value_ints)) return tensorOf('int64', a.value_ints as number[], [a.value_ints.length]);
  return undefined;
}

function tensorOf(type: DType, v: number[], dims: number[]): Tensor {
  return new Tensor(type, v, dims);
}

export const ELEMENTWISE_RULES: Record<string, Rule> = {
  Sqrt: same, Exp: same, Log: same, Neg: same, Abs: same, Erf: same, Tanh: same, Sigmoid: same, Relu: same,
  LeakyRelu: same, PRelu: same, Clip: same, HardSigmoid: same, HardSwish: same, Gelu: same, Softmax: same,
  LogSoftmax: same, LRN: same, InstanceNormalization: same,
  Identity: identity, Dropout: dropout,
  Add: arithmetic, Sub: arithmetic, Mul: arithmetic, Div: arithmetic, Pow: variadic,
  Sum: variadic, Mean: variadic, Max: arithmetic, Min: arithmetic, Equal: equal, Where: where,
  Cast: cast, QuantizeLinear: quantize, DequantizeLinear: dequantize,
  BatchNormalization: batchNorm, LayerNormalization: layerNorm, Constant: constant,
};
