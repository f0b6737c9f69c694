/**
 * Shape inference: the dtype and dims of every value, from the graph inputs and initializers
 * through the supported ops. Symbolic dims propagate; a size nothing can tell becomes a fresh
 * symbol `?<n>` instead of an error. A definite contradiction (a broadcast of 3 against 4, a
 * MatMul with mismatched inner sizes) is an ERR_SHAPE naming the node.
 */
import type { Tensor } from '../tensor.js';
import type { Model, NodeInfo, TensorInfo } from './ir.js';
import { ShapeContext, type Rule } from './shape/context.js';
import { ELEMENTWISE_RULES } from './shape/rules-elementwise.js';
import { NN_RULES } from './shape/rules-nn.js';
import { TENSOR_RULES } from './shape/rules-tensor.js';

const RULES: Record<string, Rule> = { ...ELEMENTWISE_RULES, ...NN_RULES, ...TENSOR_RULES };

export interface ShapeResult {
  /** Every value whose type (and rank) inference found. */
  valueInfo: Map<string, TensorInfo>;
  /** Outputs of Constant nodes, by value name. */
  constants: Map<string, Tensor>;
}

export function inferShapes(model: Pick<Model, 'inputs' | 'nodes' | 'initializers' | 'opset'>): ShapeResult {
  const ctx = new ShapeContext(model.opset, firstFreshIndex(model.inputs));
  for (const inp of model.inputs) ctx.types.set(inp.name, { type: inp.type, dims: inp.unknownRank ? null : [...inp.dims] });
  for (const [name, t] of model.initializers) ctx.addConstant(name, t);
  for (const node of model.nodes) inferNode(ctx, node);

  const valueInfo = new Map<string, TensorInfo>();
  for (const [name, t] of ctx.types) if (t.dims) valueInfo.set(name, { name, type: t.type, dims: t.dims });
  const constants = new Map([...ctx.constants].filter(([name]) => !model.initializers.has(name)));
  return { valueInfo, constants };
}

function inferNode(ctx: ShapeContext, node: NodeInfo): void {
  const rule = RULES[node.op];
  if (!rule) return;
  const outs = rule(ctx, node);
  node.outputs.forEach((name, i) => {
    const o = outs[i];
    if (!name || !o) return;
    if (o.constant) ctx.addConstant(name, o.constant);
    else {
      ctx.types.set(name, { type: o.type, dims: o.dims });
      if (o.value && o.dims && o.dims.length <= 1) ctx.values.set(name, o.value);
    }
  });
}

/** Fresh symbols continue after any `?<n>` the inputs already use. */
function firstFreshIndex(inputs: readonly TensorInfo[]): number {
  let max = 0;
  for (const t of inputs) for (const d of t.dims) {
    const m = typeof d === 'string' ? /^\?(\d+)$/.exec(d) : null;
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}
