/**
 * Per-axis Q/DQ needs opset 13. A model at 13 or above keeps its opset. A model below 13 is raised
 * to 13 where that is safe: every op it uses must mean the same at 13 (only types were added), or
 * be one of the rewrites below; anything else is refused with ERR_UNSUPPORTED_OP rather than
 * exported with a silently different meaning.
 *  - Squeeze / Unsqueeze / ReduceSum `axes`, Split `split` (became inputs at 13), Slice attributes
 *    (inputs at 10), Pad `pads` / `value` and Clip `min` / `max` (inputs at 11): attribute → input.
 *  - Softmax / LogSoftmax: before 13 they flatten to 2-D at `axis`; that equals the 13 form only
 *    when everything after `axis` is a single dimension.
 *  - BatchNormalization `spatial` (gone at 9) and Dropout `ratio` (an input at 12; Dropout is the
 *    identity at inference) are dropped when that keeps the meaning.
 *  - Resize before 11 (other coordinate rules) is refused.
 */
import { Int8rtError } from '../errors.js';
import { floatToHalf } from '../half.js';
import type { AttributeValue, Model, NodeInfo } from '../onnx/ir.js';
import { Tensor } from '../tensor.js';
import { toInt64 } from './int64.js';
import type { NameTable } from './names.js';

export const QDQ_OPSET = 13;

/** Ops whose meaning for the types int8rt reads did not change from opset 7 to 13. */
const UNCHANGED = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Erf', 'Tanh', 'Sigmoid', 'Relu',
  'LeakyRelu', 'PRelu', 'HardSigmoid', 'Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'InstanceNormalization', 'LRN',
  'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Concat', 'Reshape', 'Flatten', 'Transpose',
  'Shape', 'Cast', 'Constant', 'ConstantOfShape', 'Gather', 'Identity', 'Sum', 'Mean', 'Max', 'Min', 'ReduceMean',
  'ReduceMax', 'Expand', 'Where', 'Equal', 'Tile', 'QuantizeLinear', 'DequantizeLinear',
]);

export function raiseOpset(model: Model, names: NameTable): Model {
  if (model.opset >= QDQ_OPSET) return model;
  const ctx: Ctx = { model, names, initializers: new Map(model.initializers), problems: [] };
  const nodes = model.nodes.map((n) => convert(ctx, n));
  if (ctx.problems.length > 0)
    throw new Int8rtError('ERR_UNSUPPORTED_OP', `Cannot raise the model from opset ${model.opset} to ${QDQ_OPSET} (needed for per-axis Q/DQ): ${ctx.problems.join('; ')}`);
  return { ...model, nodes, initializers: ctx.initializers, opset: QDQ_OPSET };
}

interface Ctx {
  model: Model;
  names: NameTable;
  initializers: Map<string, Tensor>;
  problems: string[];
}

function convert(ctx: Ctx, node: NodeInfo): NodeInfo {
  const v = ctx.model.opset;
  const where = `${node.op} node '${node.name}'`;
  const refuse = (why: string): NodeInfo => { ctx.problems.push(`${where} ${why}`); return node; };
  switch (node.op) {
    case 'Squeeze': case 'Unsqueeze': case 'ReduceSum': return attrsToInputs(ctx, node, [['axes', 'int64']]);
    case 'Split': return attrsToInputs(ctx, node, [['split', 'int64']]);
    case 'Slice': return v >= 10 ? node : attrsToInputs(ctx, node, [['starts', 'int64'], ['ends', 'int64'], ['axes', 'int64']]);
    case 'Clip': return v >= 11 ? node : clipToInputs(ctx, node, refuse);
    case 'Pad': return v >= 11 ? node : padToInputs(ctx, node, refuse);
    case 'Softmax': case 'LogSoftmax': return softmax(ctx, node, refuse);
    case 'BatchNormalization': {
      const { spatial, ...rest } = node.attributes;
      if (spatial !== undefined && spatial !== 1) return refuse('has spatial=0 (per-activation statistics), which opset 9 removed');
      return { ...node, attributes: rest };
    }
    case 'Dropout': {
      const { ratio: _ratio, ...rest } = node.attributes;
      const mask = node.outputs[1];
      if (v < 10 && mask && isUsed(ctx.model, mask)) return refuse('uses its mask output, whose type changed at opset 10');
      return { ...node, outputs: v < 10 ? node.outputs.slice(0, 1) : node.outputs, attributes: rest };
    }
    case 'Resize': return v >= 11 ? node : refuse('is Resize-10, whose coordinate rules differ from Resize-13');
    default: return UNCHANGED.has(node.op) ? node : refuse('is not an op the opset conversion knows');
  }
}

function isUsed(model: Model, name: string): boolean {
  return model.nodes.some((n) => n.inputs.includes(name)) || model.outputs.some((o) => o.name === name);
}

/** Moves int-list attributes to int64 initializer inputs, in order; absent ones become '' inputs. */
function attrsToInputs(ctx: Ctx, node: NodeInfo, moves: [string, 'int64'][]): NodeInfo {
  const attributes: Record<string, AttributeValue> = { ...node.attributes };
  const extra = moves.map(([attr]) => {
    const value = attributes[attr];
    delete attributes[attr];
    if (value === undefined) return '';
    const list = (Array.isArray(value) ? value : [value]) as number[];
    return addInit(ctx, `${node.name}_${attr}`, new Tensor('int64', BigInt64Array.from(list, toInt64), [list.length]));
  });
  return withInputs(node, [node.inputs[0]!, ...extra], attributes);
}

function clipToInputs(ctx: Ctx, node: NodeInfo, refuse: (why: string) => NodeInfo): NodeInfo {
  const { min, max, ...attributes } = node.attributes;
  const type = ctx.model.valueInfo.get(node.inputs[0]!)?.type ?? 'float32';
  if (type !== 'float32' && type !== 'float16') return refuse(`has a ${type} input`);
  const bound = (v: AttributeValue | undefined, which: string): string =>
    typeof v === 'number' && Number.isFinite(v) ? addInit(ctx, `${node.name}_${which}`, floatScalar(v, type)) : '';
  return withInputs(node, [node.inputs[0]!, bound(min, 'min'), bound(max, 'max')], attributes);
}

function padToInputs(ctx: Ctx, node: NodeInfo, refuse: (why: string) => NodeInfo): NodeInfo {
  const { pads, value, ...attributes } = node.attributes;
  const type = ctx.model.valueInfo.get(node.inputs[0]!)?.type ?? 'float32';
  const list = (Array.isArray(pads) ? pads : []) as number[];
  const padsName = addInit(ctx, `${node.name}_pads`, new Tensor('int64', BigInt64Array.from(list, toInt64), [list.length]));
  let valueName = '';
  if (typeof value === 'number' && value !== 0) {
    if (type !== 'float32' && type !== 'float16') return refuse(`pads a ${type} tensor with a non-zero value`);
    valueName = addInit(ctx, `${node.name}_value`, floatScalar(value, type));
  }
  return withInputs(node, [node.inputs[0]!, padsName, valueName], attributes);
}

function softmax(ctx: Ctx, node: NodeInfo, refuse: (why: string) => NodeInfo): NodeInfo {
  const info = ctx.model.valueInfo.get(node.inputs[0]!);
  if (!info || info.unknownRank) return refuse('has an input of unknown rank, so its pre-13 axis meaning cannot be checked');
  const rank = info.dims.length;
  const raw = node.attributes.axis;
  const axis = typeof raw === 'number' ? (raw < 0 ? raw + rank : raw) : 1;
  // Before 13 the softmax runs over all of dims[axis..]; the same as axis=-1 only if that is one dim.
  const tail = info.dims.slice(axis);
  const ones = tail.slice(1).every((d) => d === 1);
  if (rank === 0 || axis >= rank || !ones)
    return refuse(`normalizes over dims [${axis}..${rank - 1}] of a rank-${rank} input together, which opset 13 cannot express in one node`);
  return { ...node, attributes: { ...node.attributes, axis } };
}

function floatScalar(v: number, type: 'float32' | 'float16'): Tensor {
  const f = new Float32Array([v]);
  return type === 'float16' ? new Tensor('float16', floatToHalf(f), []) : new Tensor('float32', f, []);
}

function addInit(ctx: Ctx, base: string, t: Tensor): string {
  const name = ctx.names.fresh(base);
  ctx.initializers.set(name, t);
  return name;
}

function withInputs(node: NodeInfo, inputs: string[], attributes: Record<string, AttributeValue>): NodeInfo {
  while (inputs.length > 1 && inputs[inputs.length - 1] === '') inputs.pop();
  return { ...node, inputs, attributes };
}
