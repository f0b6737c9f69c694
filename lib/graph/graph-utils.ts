/** Small helpers the graph passes share: copying a model, finding consumers, fresh names. */
import type { Model, NodeInfo } from '../onnx/ir.js';

/** A copy whose containers can be changed freely (nodes, tensors and infos are shared, not cloned). */
export function copyModel(model: Model): Model {
  return {
    ...model,
    inputs: [...model.inputs],
    outputs: [...model.outputs],
    nodes: [...model.nodes],
    initializers: new Map(model.initializers),
    valueInfo: new Map(model.valueInfo),
  };
}

/** value name → the nodes reading it (a node reading it twice is listed twice). */
export function consumers(nodes: readonly NodeInfo[]): Map<string, NodeInfo[]> {
  const out = new Map<string, NodeInfo[]>();
  for (const n of nodes) for (const i of n.inputs) if (i) out.set(i, [...(out.get(i) ?? []), n]);
  return out;
}

export function producers(nodes: readonly NodeInfo[]): Map<string, NodeInfo> {
  const out = new Map<string, NodeInfo>();
  for (const n of nodes) for (const o of n.outputs) if (o) out.set(o, n);
  return out;
}

export function isGraphOutput(model: Model, name: string): boolean {
  return model.outputs.some((o) => o.name === name);
}

/** True when `name` feeds exactly one node input and is not a graph output: safe to fuse away. */
export function singleUse(model: Model, uses: Map<string, NodeInfo[]>, name: string): boolean {
  return (uses.get(name)?.length ?? 0) === 1 && !isGraphOutput(model, name);
}

/** A name not used by any value or node of the model, derived from `base`. */
export function freshName(model: Model, base: string): string {
  const taken = (n: string) => model.initializers.has(n) || model.valueInfo.has(n) ||
    model.nodes.some((x) => x.name === n || x.outputs.includes(n) || x.inputs.includes(n));
  if (!taken(base)) return base;
  for (let k = 1; ; k++) if (!taken(`${base}_${k}`)) return `${base}_${k}`;
}

/** The names already merged into a node, plus `more`. */
export function fusedFrom(node: NodeInfo, ...more: string[]): string[] {
  const prev = node.attributes.fusedFrom;
  return [...(Array.isArray(prev) ? (prev as string[]) : []), ...more];
}

/** Replaces every read of `from` by `to`. */
export function renameInputs(nodes: NodeInfo[], from: string, to: string): NodeInfo[] {
  return nodes.map((n) => (n.inputs.includes(from) ? { ...n, inputs: n.inputs.map((i) => (i === from ? to : i)) } : n));
}
