/**
 * Constant and shape folding: a node whose inputs are all initializers is evaluated now and its
 * outputs become initializers (Constant nodes included); Shape of a value with static dims becomes
 * a constant too, which then lets the Gather/Concat/Reshape chains built on it fold.
 * Nodes writing graph outputs are left alone so outputs stay computed values.
 */
import type { Model, NodeInfo } from '../../onnx/ir.js';
import type { Tensor } from '../../tensor.js';
import { evaluateConstant, shapeTensor } from '../const-eval.js';
import { copyModel, isGraphOutput } from '../graph-utils.js';

export function foldConstants(model: Model): Model {
  const out = copyModel(model);
  const nodes: NodeInfo[] = [];
  for (const node of model.nodes) {
    if (node.outputs.some((o) => isGraphOutput(model, o))) {
      nodes.push(node);
      continue;
    }
    const ins = node.inputs.map((i) => (i ? out.initializers.get(i) : undefined));
    const allConstant = node.inputs.every((i, k) => !i || ins[k] !== undefined);
    let results: Tensor[] | undefined;
    if (node.op === 'Shape') results = staticShape(out, node.inputs[0]!, node);
    else if (allConstant) results = evaluateConstant(node, ins, model.opset);
    if (!results || results.length < node.outputs.filter((o) => o).length) {
      nodes.push(node);
      continue;
    }
    node.outputs.forEach((o, k) => { if (o) out.initializers.set(o, results![k]!); });
  }
  out.nodes = nodes;
  return out;
}

/** Shape of a value whose dims are all known numbers. */
function staticShape(model: Model, name: string, node: NodeInfo): Tensor[] | undefined {
  const dims = model.initializers.get(name)?.dims ?? model.valueInfo.get(name)?.dims;
  if (!dims || dims.some((d) => typeof d !== 'number')) return undefined;
  return [shapeTensor(node, dims as number[])];
}
