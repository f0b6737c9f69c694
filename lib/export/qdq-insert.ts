/**
 * Rewrites a model into Q/DQ form: a QuantizeLinear → DequantizeLinear pair (scale amax/127, int8
 * zero point 0) on each activation input of a quantized node, and each constant weight replaced by
 * its int8 values followed by DequantizeLinear (per-channel scales, `axis`). Biases stay float.
 * One pair per tensor is shared by all the quantized nodes that read it, and one DQ per weight and
 * axis. The float weights go when nothing else reads them. An activation amax of 0 gets scale 1,
 * as an all-zero weight channel does (weight-quant.ts): a zero scale would divide by zero in Q.
 */
import type { Model, NodeInfo, TensorInfo } from '../onnx/ir.js';
import { Tensor } from '../tensor.js';
import type { NameTable } from './names.js';
import { QUANTIZABLE, constantsOf, planNode, planResidualAdd, type InputPlan } from './qdq-plan.js';
import { quantizeWeight, scaleOf } from './weight-quant.js';

export interface QDQSummary {
  /** Nodes given int8 inputs: the Conv / ConvTranspose / Gemm / MatMul nodes and residual Adds. */
  quantizedNodes: string[];
  /** Conv / ConvTranspose / Gemm / MatMul nodes left in float, with the reason in floatReasons. */
  floatNodes: string[];
  floatReasons: Record<string, string>;
  /** Activation inputs of quantizable nodes that had no amax (their nodes stay float). */
  missingAmax: string[];
}

export function insertQDQ(model: Model, amax: Map<string, number>, keepFloat: ReadonlySet<string>,
  names: NameTable, residualAdd: boolean): { model: Model; summary: QDQSummary } {
  const consts = constantsOf(model);
  const summary: QDQSummary = { quantizedNodes: [], floatNodes: [], floatReasons: {}, missingAmax: [] };
  const plans = new Map<NodeInfo, InputPlan[]>();
  for (const node of model.nodes) {
    if (!QUANTIZABLE.has(node.op)) continue;
    const plan = keepFloat.has(node.name) ? { ok: false as const, reason: 'named in keepFloat', missing: [] } : planNode(model, consts, amax, node);
    if (plan.ok) {
      plans.set(node, plan.inputs);
    } else {
      summary.floatNodes.push(node.name);
      summary.floatReasons[node.name] = plan.reason;
      for (const m of plan.missing) if (!summary.missingAmax.includes(m)) summary.missingAmax.push(m);
    }
  }
  if (residualAdd) {
    const quantized = new Set([...plans.keys()].map((n) => n.name));
    const uses = usesOf(model.nodes);
    for (const node of model.nodes) {
      const plan = keepFloat.has(node.name) ? undefined : planResidualAdd(model, consts, amax, node, quantized, uses);
      if (plan) plans.set(node, plan);
    }
  }
  const rewriter = new Rewriter(model, amax, names);
  const nodes: NodeInfo[] = [];
  for (const node of model.nodes) {
    const plan = plans.get(node);
    if (!plan) { nodes.push(node); continue; }
    summary.quantizedNodes.push(node.name);
    const inputs = [...node.inputs];
    for (const p of plan) inputs[p.index] = rewriter.dequantized(p, nodes);
    nodes.push({ ...node, inputs });
  }
  return { model: rewriter.finish(nodes), summary };
}

function usesOf(nodes: readonly NodeInfo[]): Map<string, NodeInfo[]> {
  const out = new Map<string, NodeInfo[]>();
  for (const n of nodes) for (const i of n.inputs) if (i) out.set(i, [...(out.get(i) ?? []), n]);
  return out;
}

/** Creates the Q/DQ nodes and initializers, once per tensor (and axis, for weights). */
class Rewriter {
  private readonly initializers: Map<string, Tensor>;
  private readonly valueInfo: Map<string, TensorInfo>;
  private readonly made = new Map<string, string>();
  private readonly replaced = new Set<string>();

  constructor(private readonly model: Model, private readonly amax: Map<string, number>, private readonly names: NameTable) {
    this.initializers = new Map(model.initializers);
    this.valueInfo = new Map(model.valueInfo);
  }

  /** The name of the DQ output that replaces input `p`; new nodes are appended to `nodes`. */
  dequantized(p: InputPlan, nodes: NodeInfo[]): string {
    const key = p.kind === 'activation' ? `a:${p.tensor}` : `w:${p.tensor}:${p.axis ?? ''}`;
    let out = this.made.get(key);
    if (out === undefined) {
      out = p.kind === 'activation' ? this.activation(p.tensor, nodes) : this.weight(p.tensor, p.value, p.axis, nodes);
      this.made.set(key, out);
    }
    return out;
  }

  private activation(t: string, nodes: NodeInfo[]): string {
    const fresh = (s: string) => this.names.fresh(`${t}_${s}`);
    const scale = this.init(fresh('scale'), new Tensor('float32', Float32Array.of(scaleOf(this.amax.get(t)!)), []));
    const zp = this.init(fresh('zero_point'), new Tensor('int8', new Int8Array(1), []));
    const q = fresh('quantized');
    const dq = fresh('dequantized');
    nodes.push({ name: fresh('QuantizeLinear'), op: 'QuantizeLinear', inputs: [t, scale, zp], outputs: [q], attributes: {} });
    nodes.push({ name: fresh('DequantizeLinear'), op: 'DequantizeLinear', inputs: [q, scale, zp], outputs: [dq], attributes: {} });
    this.info(t, q, 'int8');
    this.info(t, dq, 'float32');
    return dq;
  }

  private weight(w: string, value: Tensor, axis: number | undefined, nodes: NodeInfo[]): string {
    const fresh = (s: string) => this.names.fresh(`${w}_${s}`);
    const { q, scale } = quantizeWeight(value, axis);
    const dims = axis === undefined ? [] : [scale.length];
    const qName = this.init(fresh('quantized'), q);
    const scaleName = this.init(fresh('scale'), new Tensor('float32', scale, dims));
    const zp = this.init(fresh('zero_point'), new Tensor('int8', new Int8Array(scale.length), dims));
    const dq = fresh('dequantized');
    nodes.push({
      name: fresh('DequantizeLinear'), op: 'DequantizeLinear', inputs: [qName, scaleName, zp], outputs: [dq],
      attributes: axis === undefined ? {} : { axis },
    });
    this.valueInfo.set(dq, { name: dq, type: 'float32', dims: [...value.dims] });
    this.replaced.add(w);
    return dq;
  }

  private init(name: string, t: Tensor): string {
    this.initializers.set(name, t);
    return name;
  }

  private info(from: string, name: string, type: 'int8' | 'float32'): void {
    const src = this.valueInfo.get(from);
    if (src) this.valueInfo.set(name, { ...src, name, type });
  }

  /** The rewritten model, without the float weights (and their Constant nodes) nothing reads now. */
  finish(nodes: NodeInfo[]): Model {
    const read = new Set([...nodes.flatMap((n) => n.inputs), ...this.model.outputs.map((o) => o.name)]);
    for (const w of this.replaced) if (!read.has(w)) this.initializers.delete(w);
    const kept = nodes.filter((n) => !(n.op === 'Constant' && this.replaced.has(n.outputs[0]!) && !read.has(n.outputs[0]!)));
    return { ...this.model, nodes: kept, initializers: this.initializers, valueInfo: this.valueInfo };
  }
}
