/**
 * Structural checks and topological order: every node input must come from an initializer, a graph
 * input or another node; each value has one producer; the graph has no cycle. ONNX requires
 * topological order but some exporters get it wrong, so the nodes are sorted rather than trusted.
 */
import { Int8rtError } from '../errors.js';

export interface OrderNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
}

function parseError(label: string, detail: string): Int8rtError {
  return new Int8rtError('ERR_ONNX_PARSE', `Invalid ONNX graph in ${label}: ${detail}`);
}

/** Returns the nodes in a topological order (stable: the file order where it already is one). */
export function topoSort<N extends OrderNode>(nodes: readonly N[], sources: ReadonlySet<string>, outputs: readonly string[], label: string): N[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (o === '') continue;
      if (sources.has(o)) throw parseError(label, `node '${n.name}' (${n.op}) writes '${o}', which is already an initializer or graph input`);
      const prev = producer.get(o);
      if (prev !== undefined) throw parseError(label, `'${o}' is written by both node '${nodes[prev]!.name}' and node '${n.name}'`);
      producer.set(o, i);
    }
  });
  const waiting = new Array<number>(nodes.length).fill(0);
  const consumers: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const inp of new Set(n.inputs)) {
      if (inp === '' || sources.has(inp)) continue;
      const p = producer.get(inp);
      if (p === undefined) throw parseError(label, `input '${inp}' of node '${n.name}' (${n.op}) is not produced by any node, initializer or graph input`);
      waiting[i]!++;
      consumers[p]!.push(i);
    }
  });
  for (const o of outputs) {
    if (!sources.has(o) && !producer.has(o)) throw parseError(label, `graph output '${o}' is not produced by any node`);
  }
  // The usual case: the file order already is topological and is kept as is.
  if (nodes.every((n, i) => n.inputs.every((inp) => { const p = producer.get(inp); return p === undefined || p < i; })))
    return nodes.slice();
  // Kahn's algorithm otherwise.
  const order: N[] = [];
  const ready: number[] = [];
  waiting.forEach((w, i) => { if (w === 0) ready.push(i); });
  ready.reverse();
  while (ready.length > 0) {
    const i = ready.pop()!;
    order.push(nodes[i]!);
    const next: number[] = [];
    for (const c of consumers[i]!) if (--waiting[c]! === 0) next.push(c);
    next.sort((a, b) => b - a);
    ready.push(...next);
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.filter((_, i) => waiting[i]! > 0).map((n) => `'${n.name}'`);
    throw parseError(label, `the graph has a cycle through node${stuck.length > 1 ? 's' : ''} ${stuck.slice(0, 10).join(', ')}${stuck.length > 10 ? ', …' : ''}`);
  }
  return order;
}
