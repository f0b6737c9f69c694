/**
 * What shape inference knows while it walks the graph: the type and dims of each value, constant
 * tensors, and "values" — the elements of small integer tensors as dims (numbers or symbols), so a
 * Shape → Gather → Concat → Reshape chain still gives the Reshape static or named output dims.
 */
import { Int8rtError } from '../../errors.js';
import type { DType, Tensor } from '../../tensor.js';
import type { Dim, NodeInfo } from '../ir.js';

export interface ValueType {
  type: DType;
  /** null when the rank is unknown. */
  dims: Dim[] | null;
}

export interface Inferred extends ValueType {
  /** The elements, for an integer (or integral float) tensor of rank ≤ 1. */
  value?: Dim[];
  /** The tensor itself, when the node yields a constant (Constant). */
  constant?: Tensor;
}

export type Rule = (ctx: ShapeContext, node: NodeInfo) => (Inferred | undefined)[];

/** Largest integer tensor whose elements are tracked as values. */
const MAX_VALUE_ELEMENTS = 64;

export class ShapeContext {
  readonly types = new Map<string, ValueType>();
  readonly constants = new Map<string, Tensor>();
  readonly values = new Map<string, Dim[]>();
  private next: number;

  constructor(readonly opset: number, firstFresh: number) {
    this.next = firstFresh;
  }

  /** A new symbolic dim for a size inference cannot tell. */
  fresh(): string {
    return `?${this.next++}`;
  }

  addConstant(name: string, t: Tensor): void {
    this.types.set(name, { type: t.type, dims: [...t.dims] });
    this.constants.set(name, t);
    if (t.dims.length <= 1 && t.size <= MAX_VALUE_ELEMENTS && t.type !== 'float16') {
      const v = Array.from(t.data as ArrayLike<number | bigint>, Number);
      if (v.every(Number.isInteger)) this.values.set(name, v);
    }
  }

  input(node: NodeInfo, i: number): ValueType | undefined {
    const name = node.inputs[i];
    return name ? this.types.get(name) : undefined;
  }

  has(node: NodeInfo, i: number): boolean {
    return !!node.inputs[i];
  }

  dims(node: NodeInfo, i: number): Dim[] | null {
    return this.input(node, i)?.dims ?? null;
  }

  constant(node: NodeInfo, i: number): Tensor | undefined {
    const name = node.inputs[i];
    return name ? this.constants.get(name) : undefined;
  }

  /** Elements of input i as dims, when known. */
  value(node: NodeInfo, i: number): Dim[] | undefined {
    const name = node.inputs[i];
    return name ? this.values.get(name) : undefined;
  }

  /** Elements of input i when every one is a known number. */
  numbers(node: NodeInfo, i: number): number[] | undefined {
    const v = this.value(node, i);
    return v && v.every((d) => typeof d === 'number') ? (v as number[]) : undefined;
  }

  error(node: NodeInfo, detail: string, code: 'ERR_SHAPE' | 'ERR_DTYPE' = 'ERR_SHAPE'): Int8rtError {
    return new Int8rtError(code, `Node '${node.name}' (${node.op}): ${detail}`);
  }
}
