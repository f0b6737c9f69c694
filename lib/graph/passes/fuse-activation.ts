/**
 * Fuses an activation into the Conv or Gemm that feeds it: the producer gets an `activation`
 * attribute ({type, params}, see ir.ts) and takes over the activation's output name. Only when
 * the producer's output is read by the activation alone and is not a graph output, and only for
 * activations the kernels' epilogues implement (Clip needs constant bounds).
 */
import { attrFloat } from '../../onnx/attributes.js';
import type { FusedActivation, Model, NodeInfo } from '../../onnx/ir.js';
import { consumers, copyModel, fusedFrom, producers, singleUse } from '../graph-utils.js';

const PRODUCERS = new Set(['Conv', 'Gemm']);

/** The fused form of an activation node, or undefined if it cannot be fused. */
export function activationOf(model: Model, node: NodeInfo): FusedActivation | undefined {
  switch (node.op) {
    case 'Relu': return { type: 'Relu', params: [] };
    case 'Sigmoid': return { type: 'Sigmoid', params: [] };
    case 'HardSwish': return { type: 'HardSwish', params: [] };
    case 'LeakyRelu': return { type: 'LeakyRelu', params: [attrFloat(node, 'alpha', 0.01)] };
    case 'HardSigmoid': return { type: 'HardSigmoid', params: [attrFloat(node, 'alpha', 0.2), attrFloat(node, 'beta', 0.5)] };
    case 'Clip': {
      if (model.opset < 11) return { type: 'Clip', params: [attrFloat(node, 'min', -Infinity), attrFloat(node, 'max', Infinity)] };
      const bound = (i: number, open: number): number | undefined => {
        const name = node.inputs[i];
        if (!name) return open;
        const t = model.initializers.get(name);
        return t && t.size === 1 && t.type === 'float32' ? (t.data as Float32Array)[0] : undefined;
      };
      const lo = bound(1, -Infinity);
      const hi = bound(2, Infinity);
      return lo === undefined || hi === undefined ? undefined : { type: 'Clip', params: [lo, hi] };
    }
    default: return undefined;
  }
}

export function fuseActivation(model: Model): Model {
  const uses = consumers(model.nodes);
  const made = producers(model.nodes);
  const replace = new Map<NodeInfo, NodeInfo | null>();
  for (const act of model.nodes) {
    const prod = made.get(act.inputs[0] ?? '');
    if (!prod || !PRODUCERS.has(prod.op) || prod.attributes.activation || replace.has(prod)) continue;
    if (!singleUse(model, uses, act.inputs[0]!)) continue;
    const activation = activationOf(model, act);
    if (!activation) continue;
    replace.set(prod, { ...prod, outputs: [act.outputs[0]!], attributes: { ...prod.attributes, activation, fusedFrom: fusedFrom(prod, act.name) } });
    replace.set(act, null);
  }
  if (replace.size === 0) return model;
  const out = copyModel(model);
  out.nodes = model.nodes.flatMap((n) => {
    const r = replace.get(n);
    return r === undefined ? [n] : r === null ? [] : [r];
  });
  for (const [n, r] of replace) if (r) out.valueInfo.delete(n.outputs[0]!);
  return out;
}
