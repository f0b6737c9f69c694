/**
 * Drops Identity and inference-mode Dropout nodes by wiring their readers to their input. Graph
 * output names stay stable: when the node writes a graph output, the producer of its input is
 * renamed to write that output instead (when that is possible; otherwise the node stays).
 */
import type { Model, NodeInfo } from '../../onnx/ir.js';
import { copyModel, isGraphOutput } from '../graph-utils.js';

function removable(model: Model, node: NodeInfo, used: Set<string>): boolean {
  if (node.op === 'Identity') return true;
  if (node.op !== 'Dropout') return false;
  const mask = node.outputs[1];
  if (mask && (used.has(mask) || isGraphOutput(model, mask))) return false;
  // training_mode (opset 12+) must be absent or a constant false.
  const training = node.inputs[2];
  if (training) {
    const t = model.initializers.get(training);
    if (!t || Number((t.data as ArrayLike<number>)[0])) return false;
  }
  return true;
}

export function removeIdentity(model: Model): Model {
  const out = copyModel(model);
  let changed = true;
  while (changed) {
    changed = false;
    const used = new Set(out.nodes.flatMap((n) => n.inputs));
    for (const node of out.nodes) {
      if (!removable(out, node, used)) continue;
      const src = node.inputs[0]!;
      const dst = node.outputs[0]!;
      if (!isGraphOutput(out, dst)) {
        out.nodes = out.nodes.filter((n) => n !== node).map((n) => rename(n, dst, src, 'inputs'));
      } else {
        // dst must keep its name: make src's producer write dst, if src is an internal value.
        const producer = out.nodes.find((n) => n.outputs.includes(src));
        if (!producer || isGraphOutput(out, src)) continue;
        out.nodes = out.nodes.filter((n) => n !== node).map((n) => rename(rename(n, src, dst, 'inputs'), src, dst, 'outputs'));
        const info = out.valueInfo.get(src);
        out.valueInfo.delete(src);
        if (info && !out.valueInfo.has(dst)) out.valueInfo.set(dst, { ...info, name: dst });
      }
      changed = true;
      break;
    }
  }
  return out;
}

function rename(n: NodeInfo, from: string, to: string, field: 'inputs' | 'outputs'): NodeInfo {
  return n[field].includes(from) ? { ...n, [field]: n[field].map((x) => (x === from ? to : x)) } : n;
}
