/** Dim arithmetic shared by the shape rules. */
import type { Dim, NodeInfo } from '../ir.js';
import type { ShapeContext } from './context.js';

export function fmt(dims: readonly Dim[] | null): string {
  return dims ? `[${dims.join(', ')}]` : '[unknown rank]';
}

/** Numpy-style multidirectional broadcasting. A symbol against a number n > 1 is taken to be n. */
export function broadcast(ctx: ShapeContext, node: NodeInfo, shapes: (Dim[] | null)[]): Dim[] | null {
  if (shapes.some((s) => s === null)) return null;
  const all = shapes as Dim[][];
  const rank = Math.max(0, ...all.map((s) => s.length));
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    let num: number | undefined;
    const syms = new Set<string>();
    for (const s of all) {
      const d = s[s.length - rank + k];
      if (d === undefined || d === 1) continue;
      if (typeof d === 'number') {
        if (num !== undefined && num !== d) throw ctx.error(node, `cannot broadcast ${all.map(fmt).join(' with ')}`);
        num = d;
      } else syms.add(d);
    }
    if (num !== undefined) out.push(num);
    else if (syms.size === 0) out.push(1);
    else if (syms.size === 1) out.push([...syms][0]!);
    else out.push(ctx.fresh());
  }
  return out;
}

/** Normalizes a possibly negative axis against `rank`. */
export function axis(ctx: ShapeContext, node: NodeInfo, a: number, rank: number): number {
  const r = a < 0 ? a + rank : a;
  if (r < 0 || r >= rank) throw ctx.error(node, `axis ${a} is out of range for rank ${rank}`);
  return r;
}

/** Product of dims: a number when all are numbers, the symbol when only one symbol times 1, else fresh. */
export function product(ctx: ShapeContext, dims: readonly Dim[]): Dim {
  let n = 1;
  const syms: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') n *= d;
    else syms.push(d);
  }
  if (syms.length === 0) return n;
  if (n === 0) return 0;
  if (syms.length === 1 && n === 1) return syms[0]!;
  return ctx.fresh();
}

/** Applies f to numeric dims; a symbolic dim becomes a fresh one (its value is unknown). */
export function mapDim(ctx: ShapeContext, d: Dim, f: (n: number) => number): Dim {
  return typeof d === 'number' ? f(d) : ctx.fresh();
}
