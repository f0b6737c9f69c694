/**
 * A naive float32 reference evaluator for the ops the graph-pass tests touch, written for clarity
 * rather than speed. Runs a Model (before or after the passes) so the two can be compared.
 */
import { attrFloat, attrInt, attrInts } from '../../lib/onnx/attributes.js';
import { isFusedActivation, type FusedActivation, type Model, type NodeInfo } from '../../lib/onnx/ir.js';
import { activationOf } from '../../lib/graph/passes/fuse-activation.js';
import { Tensor } from '../../lib/tensor.js';

type T = { data: Float32Array; dims: number[] };
const size = (d: number[]) => d.reduce((a, b) => a * b, 1);
const strides = (d: number[]) => d.map((_, i) => size(d.slice(i + 1)));

export function evaluate(model: Model, feeds: Record<string, Tensor>): Record<string, Tensor> {
  const env = new Map<string, Tensor>([...model.initializers, ...Object.entries(feeds)]);
  const f = (name: string): T => {
    const t = env.get(name);
    if (!t) throw new Error(`eval: no value ${name}`);
    return { data: t.type === 'float32' ? (t.data as Float32Array) : Float32Array.from(t.data as ArrayLike<number | bigint>, Number), dims: [...t.dims] };
  };
  for (const node of model.nodes) {
    const outs = run(model, node, f);
    node.outputs.forEach((o, i) => { if (o && outs[i]) env.set(o, new Tensor('float32', outs[i]!.data, outs[i]!.dims)); });
  }
  return Object.fromEntries(model.outputs.map((o) => [o.name, env.get(o.name)!]));
}

function act(a: FusedActivation | undefined, x: number): number {
  if (!a) return x;
  const [p = 0, q = 0] = a.params;
  switch (a.type) {
    case 'Relu': return Math.max(0, x);
    case 'Sigmoid': return 1 / (1 + Math.exp(-x));
    case 'Clip': return Math.min(Math.max(x, p), q);
    case 'LeakyRelu': return x < 0 ? p * x : x;
    case 'HardSigmoid': return Math.max(0, Math.min(1, p * x + q));
    case 'HardSwish': return x * Math.max(0, Math.min(1, x / 6 + 0.5));
  }
}

function run(model: Model, node: NodeInfo, f: (n: string) => T): (T | undefined)[] {
  const fused = isFusedActivation(node.attributes.activation) ? node.attributes.activation : undefined;
  const x = () => f(node.inputs[0]!);
  const standalone = activationOf(model, node);
  if (standalone) {
    const a = x();
    return [{ data: a.data.map((v) => act(standalone, v)), dims: a.dims }];
  }
  switch (node.op) {
    case 'Identity': case 'Dropout': return [x()];
    case 'Shape': { const a = x(); return [{ data: Float32Array.from(a.dims), dims: [a.dims.length] }]; }
    case 'Add': case 'Sub': case 'Mul': case 'Div': return [binary(node.op, x(), f(node.inputs[1]!))];
    case 'Reshape': {
      const a = x();
      const shape = Array.from(f(node.inputs[1]!).data).map((d, i) => (d === 0 ? a.dims[i]! : d));
      const hole = shape.indexOf(-1);
      if (hole >= 0) shape[hole] = size(a.dims) / -size(shape);
      return [{ data: a.data, dims: shape }];
    }
    case 'Flatten': {
      const a = x(); const ax = attrInt(node, 'axis', 1);
      return [{ data: a.data, dims: [size(a.dims.slice(0, ax)), size(a.dims.slice(ax))] }];
    }
    case 'BatchNormalization': {
      const a = x(); const [g, b, m, v] = [1, 2, 3, 4].map((i) => f(node.inputs[i]!).data);
      const eps = attrFloat(node, 'epsilon', 1e-5); const c = a.dims[1]!; const inner = size(a.dims.slice(2));
      return [{ data: a.data.map((val, i) => { const ch = Math.floor(i / inner) % c; return ((val - m![ch]!) / Math.sqrt(v![ch]! + eps)) * g![ch]! + b![ch]!; }), dims: a.dims }];
    }
    case 'MatMul': return [gemm(x(), f(node.inputs[1]!), undefined, 1, 0, false, false, undefined)];
    case 'Gemm': return [gemm(x(), f(node.inputs[1]!), node.inputs[2] ? f(node.inputs[2]) : undefined,
      attrFloat(node, 'alpha', 1), attrFloat(node, 'beta', 1), attrInt(node, 'transA', 0) === 1, attrInt(node, 'transB', 0) === 1, fused)];
    case 'Conv': return [conv(node, x(), f(node.inputs[1]!), node.inputs[2] ? f(node.inputs[2]) : undefined, fused)];
    case 'ConvTranspose': return [convTranspose(node, x(), f(node.inputs[1]!), node.inputs[2] ? f(node.inputs[2]) : undefined)];
    default: throw new Error(`eval: op ${node.op} not in the reference evaluator`);
  }
}

function binary(op: string, a: T, b: T): T {
  const r = Math.max(a.dims.length, b.dims.length);
  const pad = (d: number[]) => [...Array(r - d.length).fill(1), ...d];
  const da = pad(a.dims), db = pad(b.dims);
  const dims = da.map((d, i) => Math.max(d, db[i]!));
  const sa = strides(da), sb = strides(db), so = strides(dims);
  const out = new Float32Array(size(dims));
  for (let i = 0; i < out.length; i++) {
    let ia = 0, ib = 0;
    for (let k = 0; k < r; k++) { const c = Math.floor(i / so[k]!) % dims[k]!; if (da[k] !== 1) ia += c * sa[k]!; if (db[k] !== 1) ib += c * sb[k]!; }
    const p = a.data[ia]!, q = b.data[ib]!;
    out[i] = op === 'Add' ? p + q : op === 'Sub' ? p - q : op === 'Mul' ? p * q : p / q;
  }
  return { data: out, dims };
}

function gemm(a: T, b: T, c: T | undefined, alpha: number, beta: number, ta: boolean, tb: boolean, fused: FusedActivation | undefined): T {
  const [m, k] = ta ? [a.dims[1]!, a.dims[0]!] : [a.dims[0]!, a.dims[1]!];
  const n = tb ? b.dims[0]! : b.dims[1]!;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a.data[ta ? p * m + i : i * k + p]! * b.data[tb ? j * k + p : p * n + j]!;
    let cv = 0;
    if (c) cv = c.data[c.data.length === 1 ? 0 : c.data.length === n ? j : i * n + j]!;
    out[i * n + j] = act(fused, alpha * s + beta * cv);
  }
  return { data: out, dims: [m, n] };
}

function conv(node: NodeInfo, x: T, w: T, b: T | undefined, fused: FusedActivation | undefined): T {
  const [n, c, h, wd] = x.dims as [number, number, number, number];
  const [m, cg, kh, kw] = w.dims as [number, number, number, number];
  const g = attrInt(node, 'group', 1);
  const [sh, sw] = attrInts(node, 'strides') ?? [1, 1];
  const [dh, dw] = attrInts(node, 'dilations') ?? [1, 1];
  const [pt, pl, pb, pr] = attrInts(node, 'pads') ?? [0, 0, 0, 0];
  const oh = Math.floor((h + pt! + pb! - (kh - 1) * dh! - 1) / sh!) + 1;
  const ow = Math.floor((wd + pl! + pr! - (kw - 1) * dw! - 1) / sw!) + 1;
  const out = new Float32Array(n * m * oh * ow);
  const mg = m / g;
  for (let b0 = 0; b0 < n; b0++) for (let o = 0; o < m; o++) for (let y = 0; y < oh; y++) for (let z = 0; z < ow; z++) {
    let s = b ? b.data[o]! : 0;
    const grp = Math.floor(o / mg);
    for (let ci = 0; ci < cg; ci++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = y * sh! - pt! + ky * dh!, ix = z * sw! - pl! + kx * dw!;
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      s += x.data[((b0 * c + grp * cg + ci) * h + iy) * wd + ix]! * w.data[((o * cg + ci) * kh + ky) * kw + kx]!;
    }
    out[((b0 * m + o) * oh + y) * ow + z] = act(fused, s);
  }
  return { data: out, dims: [n, m, oh, ow] };
}

/** ConvTranspose as the scatter of each input pixel through the kernel (no output_padding). */
function convTranspose(node: NodeInfo, x: T, w: T, b: T | undefined): T {
  const [n, c, h, wd] = x.dims as [number, number, number, number];
  const [, mg, kh, kw] = w.dims as [number, number, number, number];
  const g = attrInt(node, 'group', 1);
  const [sh, sw] = attrInts(node, 'strides') ?? [1, 1];
  const [pt, pl, pb, pr] = attrInts(node, 'pads') ?? [0, 0, 0, 0];
  const m = mg * g, cg = c / g;
  const oh = sh! * (h - 1) + kh - pt! - pb!, ow = sw! * (wd - 1) + kw - pl! - pr!;
  const out = new Float32Array(n * m * oh * ow);
  for (let b0 = 0; b0 < n; b0++) for (let o = 0; o < m; o++) out.fill(b ? b.data[o]! : 0, (b0 * m + o) * oh * ow, (b0 * m + o + 1) * oh * ow);
  for (let b0 = 0; b0 < n; b0++) for (let ci = 0; ci < c; ci++) for (let y = 0; y < h; y++) for (let z = 0; z < wd; z++) {
    const grp = Math.floor(ci / cg);
    for (let j = 0; j < mg; j++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const oy = y * sh! + ky - pt!, ox = z * sw! + kx - pl!;
      if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
      const o = grp * mg + j;
      out[((b0 * m + o) * oh + oy) * ow + ox]! += x.data[((b0 * c + ci) * h + y) * wd + z]! * w.data[((ci * mg + j) * kh + ky) * kw + kx]!;
    }
  }
  return { data: out, dims: [n, m, oh, ow] };
}

/** Largest |a − b| over two outputs. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  const x = a.data as Float32Array, y = b.data as Float32Array;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return x.length === y.length ? m : Infinity;
}
