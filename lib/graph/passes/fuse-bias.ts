/**
 * Moves a constant bias Add into the producing Conv (bias input) or Gemm (C input), and turns
 * MatMul(2-D A, constant 2-D B) + per-column bias into a Gemm, the form the kernels take a bias in.
 * Conv: the addend must be per output channel ([M], [M,1,1], [1,M,1,1] …) or a scalar.
 * Gemm/MatMul: per column ([N], [1,N]) or a scalar.
 */
import { attrFloat } from '../../onnx/attributes.js';
import type { Model, NodeInfo } from '../../onnx/ir.js';
import { Tensor } from '../../tensor.js';
import { consumers, copyModel, freshName, fusedFrom, producers, singleUse } from '../graph-utils.js';

export function fuseBias(model: Model): Model {
  let out = model;
  for (;;) {
    const next = fuseOne(out);
    if (!next) return out;
    out = next;
  }
}

function fuseOne(model: Model): Model | undefined {
  const uses = consumers(model.nodes);
  const made = producers(model.nodes);
  for (const add of model.nodes) {
    if (add.op !== 'Add') continue;
    for (const side of [0, 1]) {
      const prod = made.get(add.inputs[side]!);
      const addend = model.initializers.get(add.inputs[1 - side]!);
      if (!prod || !addend || addend.type !== 'float32' || prod.attributes.activation || !singleUse(model, uses, add.inputs[side]!)) continue;
      const fused = fuseInto(model, prod, addend);
      if (!fused) continue;
      const out = copyModel(model);
      const bName = freshName(out, `${prod.name}_bias`);
      out.initializers.set(bName, fused.bias);
      const inputs = [...fused.node.inputs];
      inputs[2] = bName;
      const node: NodeInfo = { ...fused.node, inputs, outputs: [add.outputs[0]!], attributes: { ...fused.node.attributes, fusedFrom: fusedFrom(prod, add.name) } };
      out.nodes = model.nodes.filter((n) => n !== add).map((n) => (n === prod ? node : n));
      out.valueInfo.delete(prod.outputs[0]!);
      return out;
    }
  }
  return undefined;
}

/** The per-channel bias values in the addend, when it has that shape. */
function perChannel(addend: Tensor, channels: number, axisFromEnd: number): Float32Array | undefined {
  const d = addend.data as Float32Array;
  if (addend.size === 1) return new Float32Array(channels).fill(d[0]!);
  if (addend.size !== channels) return undefined;
  // Every dim except the channel one (axisFromEnd from the right) must be 1.
  const r = addend.dims.length;
  if (r < axisFromEnd || addend.dims[r - axisFromEnd] !== channels) return undefined;
  return new Float32Array(d);
}

function fuseInto(model: Model, prod: NodeInfo, addend: Tensor): { node: NodeInfo; bias: Tensor } | undefined {
  const w = model.initializers.get(prod.inputs[1]!);
  if (prod.op === 'Conv') {
    const x = model.valueInfo.get(prod.inputs[0]!);
    if (!w || !x || addend.dims.length > x.dims.length) return undefined;
    const m = w.dims[0]!;
    const b = perChannel(addend, m, x.dims.length - 1);
    const old = prod.inputs[2] ? model.initializers.get(prod.inputs[2]) : undefined;
    if (!b || (prod.inputs[2] && (!old || old.type !== 'float32'))) return undefined;
    if (old) b.forEach((v, i) => { b[i] = v + (old.data as Float32Array)[i]!; });
    return { node: prod, bias: new Tensor('float32', b, [m]) };
  }
  if (prod.op === 'Gemm' || prod.op === 'MatMul') {
    const a = model.valueInfo.get(prod.inputs[0]!);
    if (!w || w.dims.length !== 2 || addend.dims.length > 2) return undefined;
    if (prod.op === 'MatMul' && a?.dims.length !== 2) return undefined;
    const n = prod.op === 'Gemm' && prod.attributes.transB === 1 ? w.dims[0]! : w.dims[1]!;
    const b = perChannel(addend, n, 1);
    if (!b) return undefined;
    const old = prod.op === 'Gemm' && prod.inputs[2] ? model.initializers.get(prod.inputs[2]) : undefined;
    if (prod.op === 'Gemm' && prod.inputs[2]) {
      if (!old || old.type !== 'float32' || (old.size !== 1 && old.size !== n)) return undefined;
      const beta = attrFloat(prod, 'beta', 1);
      b.forEach((v, i) => { b[i] = v + beta * (old.data as Float32Array)[old.size === 1 ? 0 : i]!; });
    }
    const node: NodeInfo = prod.op === 'MatMul'
      ? { ...prod, op: 'Gemm', inputs: [prod.inputs[0]!, prod.inputs[1]!, ''], attributes: { ...prod.attributes, beta: 1 } }
      : { ...prod, inputs: [prod.inputs[0]!, prod.inputs[1]!, ''], attributes: { ...prod.attributes, beta: 1 } };
    return { node, bias: new Tensor('float32', b, [n]) };
  }
  return undefined;
}
