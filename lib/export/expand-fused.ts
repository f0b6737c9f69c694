/**
 * Undoes the one non-standard rewrite of the graph passes: a Conv / Gemm with a fused `activation`
 * becomes the plain node plus the activation node again (named as the original activation where
 * `fusedFrom` records it). `fusedFrom` itself is dropped. Everything else the passes produce (folded
 * BatchNormalization, biases moved into Conv / Gemm, MatMul + Add as Gemm) is standard ONNX already.
 */
import { Int8rtError } from '../errors.js';
import { isFusedActivation, type FusedActivation, type Model, type NodeInfo } from '../onnx/ir.js';
import { floatToHalf } from '../half.js';
import { Tensor } from '../tensor.js';
import type { NameTable } from './names.js';

export function expandFused(model: Model, names: NameTable): Model {
  const initializers = new Map(model.initializers);
  const valueInfo = new Map(model.valueInfo);
  const nodes = model.nodes.flatMap((node): NodeInfo[] => {
    const { activation, fusedFrom, ...attributes } = node.attributes;
    if (activation === undefined && fusedFrom === undefined) return [node];
    if (activation === undefined) return [{ ...node, attributes }];
    if (!isFusedActivation(activation))
      throw new Int8rtError('ERR_INVALID_ARG', `Node '${node.name}' has an 'activation' attribute that is not a fused activation`);
    const out = node.outputs[0]!;
    const pre = names.fresh(`${out}_preact`);
    const info = valueInfo.get(out);
    if (info) valueInfo.set(pre, { ...info, name: pre });
    const trail = Array.isArray(fusedFrom) ? (fusedFrom as string[]) : [];
    const actName = names.fresh(trail.length > 0 ? trail[trail.length - 1]! : `${node.name}_${activation.type}`);
    const float16 = info?.type === 'float16';
    const act = activationNode(activation, actName, pre, out, model.opset, names, initializers, float16);
    return [{ ...node, outputs: [pre, ...node.outputs.slice(1)], attributes }, act];
  });
  return { ...model, nodes, initializers, valueInfo };
}

function activationNode(a: FusedActivation, name: string, input: string, output: string, opset: number,
  names: NameTable, inits: Map<string, Tensor>, float16: boolean): NodeInfo {
  const [p = 0, q = 0] = a.params;
  const node = (attributes: NodeInfo['attributes'] = {}, extra: string[] = []): NodeInfo => {
    const inputs = [input, ...extra];
    while (inputs[inputs.length - 1] === '') inputs.pop();
    return { name, op: a.type, inputs, outputs: [output], attributes };
  };
  switch (a.type) {
    case 'Relu': case 'Sigmoid': case 'HardSwish': return node();
    case 'LeakyRelu': return node({ alpha: p });
    case 'HardSigmoid': return node({ alpha: p, beta: q });
    case 'Clip': {
      if (opset < 11) return node({ min: p, max: q });
      // From opset 11 the bounds are inputs; an open bound is an absent input.
      const bound = (v: number, which: string): string => {
        if (!Number.isFinite(v)) return '';
        const n = names.fresh(`${name}_${which}`);
        const f = new Float32Array([v]);
        inits.set(n, float16 ? new Tensor('float16', floatToHalf(f), []) : new Tensor('float32', f, []));
        return n;
      };
      return node({}, [bound(p, 'min'), bound(q, 'max')]);
    }
  }
}
