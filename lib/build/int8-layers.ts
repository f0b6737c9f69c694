/**
 * Which layers buildEngine runs in int8, and their quantized weights (QUANTIZATION.md). A Conv
 * (regular or grouped), Gemm or MatMul whose input 1 is a constant weight and whose activation
 * input has an amax becomes an int8 layer: the weight is replaced by its int8 values per output
 * channel (export's weight quantization), and the node gets the scales as attributes (inputScale,
 * weightScales) that the native int8 kernels read. Biases stay float.
 *
 * This is "int8 compute, float between layers": each int8 layer quantizes its float input and
 * writes float output. Int8 regions through Relu / MaxPool / Concat / Add with requantization are a
 * later step. Left fp32: depthwise convs (the direct fp32 kernel beats an int8 GEMM there; no int8
 * depthwise kernel yet), ConvTranspose, nodes in keepFloat, and nodes lacking an amax.
 */
import { NameTable } from '../export/names.js';
import { constantsOf, planNode } from '../export/qdq-plan.js';
import { quantizeWeight, scaleOf } from '../export/weight-quant.js';
import type { Model, NodeInfo } from '../onnx/ir.js';
import type { Tensor } from '../tensor.js';
import type { LayerPrecision } from './plan.js';

/** A model rewritten for some precision, and the precision of each of its nodes (by index). */
export interface LayerAssignment {
  model: Model;
  layers: LayerPrecision[];
}

const INT8_OPS = new Set(['Conv', 'Gemm', 'MatMul']);

/** The weight and its channel axis when `node` can run int8 here, else undefined. */
function int8Weight(model: Model, consts: Map<string, Tensor>, amax: Map<string, number>, node: NodeInfo): { value: Tensor; axis: number } | undefined {
  const plan = planNode(model, consts, amax, node);
  if (!plan.ok) return undefined;
  const [input, weight] = plan.inputs;
  if (input?.kind !== 'activation' || input.index !== 0 || weight?.kind !== 'weight' || weight.axis === undefined) return undefined;
  const w = weight.value;
  const a = node.attributes;
  switch (node.op) {
    case 'Conv': {
      const depthwise = ((a.group as number | undefined) ?? 1) > 1 && w.dims[1] === 1;
      return (w.dims.length === 3 || w.dims.length === 4) && !depthwise ? { value: w, axis: weight.axis } : undefined;
    }
    case 'Gemm': {
      // The native int8 Gemm takes alpha = beta = 1 and a per-column C (the common fully connected layer).
      const c = node.inputs[2] ? consts.get(node.inputs[2]) : undefined;
      const n = w.dims[a.transB === 1 ? 0 : 1];
      const perColumn = !node.inputs[2] || (c !== undefined && c.data.length === n && (c.dims.length === 1 || c.dims[0] === 1));
      const simple = (a.alpha ?? 1) === 1 && (a.beta ?? 1) === 1 && (a.transA ?? 0) === 0;
      return w.dims.length === 2 && perColumn && simple ? { value: w, axis: weight.axis } : undefined;
    }
    default:
      return w.dims.length === 2 ? { value: w, axis: weight.axis } : undefined;
  }
}

/** `model` (optimized) with its int8 layers quantized; amax is keyed by the model's value names. */
export function int8Layers(model: Model, amax: Map<string, number>, keepFloat: ReadonlySet<string>): LayerAssignment {
  const consts = constantsOf(model);
  const names = new NameTable(model);
  const initializers = new Map(model.initializers);
  const made = new Map<string, { name: string; scale: Float32Array }>(); // one int8 copy per weight and axis
  const layers: LayerPrecision[] = [];
  const nodes = model.nodes.map((node) => {
    const w = INT8_OPS.has(node.op) && !keepFloat.has(node.name) ? int8Weight(model, consts, amax, node) : undefined;
    layers.push(w ? 'int8' : 'fp32');
    if (!w) return node;
    const key = `${node.inputs[1]}:${w.axis}`;
    let q = made.get(key);
    if (!q) {
      const { q: values, scale } = quantizeWeight(w.value, w.axis);
      q = { name: names.fresh(`${node.inputs[1]}_int8`), scale };
      initializers.set(q.name, values);
      made.set(key, q);
    }
    const inputs = [...node.inputs];
    inputs[1] = q.name;
    const attributes = { ...node.attributes, inputScale: scaleOf(amax.get(node.inputs[0]!)!), weightScales: Array.from(q.scale) };
    return { ...node, inputs, attributes };
  });
  return { model: { ...model, nodes, initializers }, layers };
}
