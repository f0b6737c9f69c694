/**
 * Rewrites the elementwise spellings of hard-sigmoid and hard-swish (PaddleOCR's exporter writes them
 * out) as HardSigmoid / HardSwish nodes, so fuse-activation can fold them into the Conv before them:
 *   Div(Clip(Add(x, b), 0, c), c)          → HardSigmoid(x, alpha = 1/c, beta = b/c)
 *   Clip(Add(Mul(x, a), b), 0, 1)          → HardSigmoid(x, alpha = a, beta = b)
 *   Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6)  → HardSwish(x)
 *   Mul(x, HardSigmoid(x, 1/6, 1/2))       → HardSwish(x)
 * The match is exact: every constant is a float32 scalar initializer with the value shown, and every
 * intermediate value is read by the pattern alone. HardSwish exists from opset 14, so on older models it
 * is only made where fuse-activation will fold it away (x produced by a Conv or Gemm).
 */
import type { AttributeValue, Model, NodeInfo } from '../../onnx/ir.js';
import { consumers, copyModel, fusedFrom, producers, singleUse } from '../graph-utils.js';
import { activationOf } from './fuse-activation.js';

const SIXTH = Math.fround(1 / 6);

interface Match {
  x: string;
  op: 'HardSigmoid' | 'HardSwish';
  attributes: Record<string, AttributeValue>;
  replaced: NodeInfo[]; // the pattern's nodes, the last one's output kept
}

export function fuseHardSwish(model: Model): Model {
  const uses = consumers(model.nodes);
  const made = producers(model.nodes);
  const scalar = (name: string | undefined): number | undefined => {
    const t = name ? model.initializers.get(name) : undefined;
    return t && t.size === 1 && t.type === 'float32' ? (t.data as Float32Array)[0] : undefined;
  };
  // The producer of `value` if it has op `op` and only `reader` reads value.
  const inner = (value: string | undefined, op: string): NodeInfo | undefined => {
    const n = value ? made.get(value) : undefined;
    return n && n.op === op && singleUse(model, uses, value!) ? n : undefined;
  };
  // For commutative Add/Mul: [the non-constant operand, the constant] or undefined.
  const withConstant = (n: NodeInfo): [string, number] | undefined => {
    const [a, b] = n.inputs;
    if (n.inputs.length !== 2 || !a || !b) return undefined;
    const cb = scalar(b), ca = scalar(a);
    return cb !== undefined ? [a, cb] : ca !== undefined ? [b, ca] : undefined;
  };
  const clipBounds = (clip: NodeInfo): number[] | undefined => activationOf(model, clip)?.params;

  // Div(Clip(Add(x, b), 0, c), c) and Clip(Add(Mul(x, a), b), 0, 1).
  const hardSigmoid = (n: NodeInfo): Match | undefined => {
    if (n.op === 'Div') {
      const c = scalar(n.inputs[1]);
      const clip = inner(n.inputs[0], 'Clip');
      const add = clip && inner(clip.inputs[0], 'Add');
      const xb = add && withConstant(add);
      const bounds = clip && clipBounds(clip);
      if (!xb || !bounds || c === undefined || c <= 0 || bounds[0] !== 0 || bounds[1] !== c) return undefined;
      return { x: xb[0], op: 'HardSigmoid', attributes: { alpha: Math.fround(1 / c), beta: Math.fround(xb[1] / c) }, replaced: [add!, clip!, n] };
    }
    if (n.op === 'Clip') {
      const bounds = clipBounds(n);
      const add = inner(n.inputs[0], 'Add');
      const mb = add && withConstant(add);
      const mul = mb && inner(mb[0], 'Mul');
      const xa = mul && withConstant(mul);
      if (!xa || !bounds || bounds[0] !== 0 || bounds[1] !== 1) return undefined;
      return { x: xa[0], op: 'HardSigmoid', attributes: { alpha: xa[1], beta: mb![1] }, replaced: [mul!, add!, n] };
    }
    return undefined;
  };

  // Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6) and Mul(x, HardSigmoid(x, 1/6, 1/2)).
  const hardSwish = (n: NodeInfo): Match | undefined => {
    let mul = n, extra: NodeInfo[] = [];
    if (n.op === 'Div') {
      if (scalar(n.inputs[1]) !== 6) return undefined;
      const m = inner(n.inputs[0], 'Mul');
      if (!m) return undefined;
      mul = m;
      extra = [n];
    } else if (n.op !== 'Mul') return undefined;
    for (const [x, gate] of [[mul.inputs[0], mul.inputs[1]], [mul.inputs[1], mul.inputs[0]]]) {
      if (mul.inputs.length !== 2 || !x || !gate) continue;
      const clip = extra.length ? inner(gate, 'Clip') : undefined;
      const add = clip && inner(clip.inputs[0], 'Add');
      const xc = add && withConstant(add);
      const bounds = clip && clipBounds(clip);
      if (xc && bounds && xc[0] === x && xc[1] === 3 && bounds[0] === 0 && bounds[1] === 6)
        return { x, op: 'HardSwish', attributes: {}, replaced: [add!, clip!, mul, ...extra] };
      const hs = !extra.length ? inner(gate, 'HardSigmoid') : undefined;
      if (hs && hs.inputs[0] === x && hs.attributes.alpha === SIXTH && hs.attributes.beta === 0.5)
        return { x, op: 'HardSwish', attributes: {}, replaced: [hs, mul] };
    }
    return undefined;
  };

  const hardSwishAllowed = (x: string) => model.opset >= 14 || ['Conv', 'Gemm'].includes(made.get(x)?.op ?? '');
  const replace = new Map<NodeInfo, NodeInfo | null>();
  for (const n of model.nodes) {
    if (replace.has(n)) continue;
    let match = hardSwish(n);
    if (match && !hardSwishAllowed(match.x)) match = undefined;
    match ??= hardSigmoid(n);
    if (!match || match.replaced.some((r) => replace.has(r))) continue;
    const last = match.replaced[match.replaced.length - 1]!;
    for (const r of match.replaced) replace.set(r, null);
    replace.set(last, {
      name: last.name, op: match.op, inputs: [match.x], outputs: [last.outputs[0]!], attributes: {
        ...match.attributes, fusedFrom: match.replaced.flatMap((r) => fusedFrom(r, r.name).filter(Boolean)),
      },
    });
  }
  if (replace.size === 0) return model;
  const out = copyModel(model);
  // Each rewrite stands where the pattern's last node stood: after x and every earlier node it needs.
  out.nodes = model.nodes.flatMap((n) => {
    const r = replace.get(n);
    return r === undefined ? [n] : r === null ? [] : [r];
  });
  for (const [n, r] of replace) if (r === null) out.valueInfo.delete(n.outputs[0]!);
  return out;
}
