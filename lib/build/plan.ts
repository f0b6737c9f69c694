/**
 * The plan: an optimized Model serialized for the engine (DESIGN.md "Plans").
 *
 *   "I8RTPLAN" | u32 version | u32 jsonLength | JSON (PlanGraph) | zero pad to 64 |
 *   weight blobs (each 64-byte aligned, offsets relative to the first) | u64 FNV-1a of all bytes before it
 *
 * Integers are little-endian. The JSON is backend-neutral: values (dtype and dims, symbolic dims as
 * strings), nodes in topological order referring to values by index, and the weights table. Floats
 * that JSON cannot hold (±Infinity, NaN) are written as the strings "Infinity", "-Infinity", "NaN".
 */
import { Int8rtError } from '../errors.js';
import { isFusedActivation, type AttributeValue, type Dim, type Model } from '../onnx/ir.js';
import { Tensor, sizeOf, typedArrayFor, type DType } from '../tensor.js';
import { fnv1a64 } from './checksum.js';

export const PLAN_MAGIC = 'I8RTPLAN';
export const PLAN_VERSION = 1;
export type LayerPrecision = 'fp32' | 'fp16' | 'int8';

export type PlanNumber = number | 'Infinity' | '-Infinity' | 'NaN';
export type PlanAttribute =
  | PlanNumber | string | PlanNumber[] | string[]
  | { type: string; params: PlanNumber[] }                         // a fused activation
  | { tensor: { dtype: DType; dims: number[]; data: (number | string)[] } };

export interface PlanValue { name: string; dtype: DType; dims: Dim[] | null }
export interface PlanNode {
  name: string;
  op: string;
  inputs: number[];  // value indices; -1 for an absent optional input
  outputs: number[];
  attributes: Record<string, PlanAttribute>;
  precision: LayerPrecision;
}
export interface PlanWeight { name: string; value: number; offset: number; byteLength: number; dtype: DType; dims: number[] }
export interface PlanGraph {
  producer: string;
  opset: number;
  precision: string;
  values: PlanValue[];
  inputs: number[];
  outputs: number[];
  nodes: PlanNode[];
  weights: PlanWeight[];
}

export interface Plan { version: number; graph: PlanGraph; weights: Map<string, Tensor> }

const HEADER_BYTES = 16;
const CHECKSUM_BYTES = 8;
const align64 = (n: number) => Math.ceil(n / 64) * 64;

function planNumber(x: number): PlanNumber {
  return Number.isFinite(x) ? x : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

function encodeAttribute(v: AttributeValue): PlanAttribute {
  if (typeof v === 'number') return planNumber(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.every((x) => typeof x === 'number') ? (v as number[]).map(planNumber) : (v as string[]);
  if (isFusedActivation(v)) return { type: v.type, params: v.params.map(planNumber) };
  const t = v as Tensor;
  return { tensor: { dtype: t.type, dims: [...t.dims], data: Array.from(t.data as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? x.toString() : planNumber(x))) } };
}

function bytesOf(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

export interface WritePlanOptions {
  /** The engine's precision, as built. */
  precision: LayerPrecision;
  /** Each node's precision, by index into model.nodes; 'fp32' where absent. */
  layers?: readonly LayerPrecision[];
}

/** Serializes an (optimized) model, each node marked with the precision it runs in. */
export function writePlan(model: Model, options: WritePlanOptions): Uint8Array {
  const values: PlanValue[] = [];
  const index = new Map<string, number>();
  const valueOf = (name: string, dtype?: DType, dims?: Dim[] | null): number => {
    let i = index.get(name);
    if (i === undefined) {
      const info = model.valueInfo.get(name);
      i = values.length;
      values.push({ name, dtype: dtype ?? info?.type ?? 'float32', dims: dims !== undefined ? dims : info ? [...info.dims] : null });
      index.set(name, i);
    }
    return i;
  };
  const inputs = model.inputs.map((t) => valueOf(t.name, t.type, t.unknownRank ? null : [...t.dims]));

  const used = new Set<string>([...model.nodes.flatMap((n) => n.inputs), ...model.outputs.map((o) => o.name)]);
  const weights: PlanWeight[] = [];
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of model.initializers) {
    if (!used.has(name) || index.has(name)) continue;
    const bytes = bytesOf(t);
    weights.push({ name, value: valueOf(name, t.type, [...t.dims]), offset, byteLength: bytes.byteLength, dtype: t.type, dims: [...t.dims] });
    blobs.push(bytes);
    offset = align64(offset + bytes.byteLength);
  }

  const nodes: PlanNode[] = model.nodes.map((n, i) => ({
    name: n.name,
    op: n.op,
    inputs: n.inputs.map((i) => (i ? valueOf(i) : -1)),
    outputs: n.outputs.map((o) => valueOf(o)),
    attributes: Object.fromEntries(Object.entries(n.attributes).map(([k, v]) => [k, encodeAttribute(v)])),
    precision: options.layers?.[i] ?? 'fp32',
  }));
  const outputs = model.outputs.map((o) => valueOf(o.name, o.type));
  const graph: PlanGraph = { producer: 'int8rt', opset: model.opset, precision: options.precision, values, inputs, outputs, nodes, weights };

  const json = new TextEncoder().encode(JSON.stringify(graph));
  const blobStart = align64(HEADER_BYTES + json.byteLength);
  const total = blobStart + offset + CHECKSUM_BYTES;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(PLAN_MAGIC), 0);
  view.setUint32(8, PLAN_VERSION, true);
  view.setUint32(12, json.byteLength, true);
  out.set(json, HEADER_BYTES);
  weights.forEach((w, i) => out.set(blobs[i]!, blobStart + w.offset));
  const sum = fnv1a64(out.subarray(0, total - CHECKSUM_BYTES));
  view.setUint32(total - 8, sum.lo, true);
  view.setUint32(total - 4, sum.hi, true);
  return out;
}

const corrupt = (why: string) => new Int8rtError('ERR_PLAN_CORRUPT', `plan is corrupt: ${why}`);

/**
 * The plan's header and JSON graph. verify: also check the checksum (the native loader always does;
 * lib/engine.ts reads the graph of plans native code has already verified).
 */
export function readPlanGraph(bytes: Uint8Array, options: { verify?: boolean } = {}): { version: number; graph: PlanGraph; blobStart: number } {
  if (!(bytes instanceof Uint8Array)) throw new Int8rtError('ERR_INVALID_ARG', 'Expected a Uint8Array for plan');
  if (bytes.byteLength < HEADER_BYTES + CHECKSUM_BYTES) throw corrupt('it is too short to be a plan');
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== PLAN_MAGIC) throw corrupt('it does not start with I8RTPLAN');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version > PLAN_VERSION)
    throw new Int8rtError('ERR_PLAN_VERSION', `plan format version ${version} is newer than this build of int8rt reads (${PLAN_VERSION}); rebuild the engine or upgrade int8rt`);
  if (version === 0) throw corrupt('format version 0');
  const body = bytes.byteLength - CHECKSUM_BYTES;
  if (options.verify !== false) {
    const sum = fnv1a64(bytes.subarray(0, body));
    if (sum.lo !== view.getUint32(body, true) || sum.hi !== view.getUint32(body + 4, true))
      throw corrupt('checksum mismatch (the file is damaged or truncated)');
  }
  const jsonLength = view.getUint32(12, true);
  if (jsonLength > body - HEADER_BYTES) throw corrupt('the JSON section runs past the end');
  let graph: PlanGraph;
  try {
    graph = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + jsonLength))) as PlanGraph;
  } catch {
    throw corrupt('the JSON section does not parse');
  }
  if (!graph || !Array.isArray(graph.values) || !Array.isArray(graph.nodes) || !Array.isArray(graph.weights)) throw corrupt('the JSON section lacks the graph');
  return { version, graph, blobStart: align64(HEADER_BYTES + jsonLength) };
}

/** Reads a whole plan back (graph and weights), verifying it. */
export function readPlan(bytes: Uint8Array): Plan {
  const { version, graph, blobStart } = readPlanGraph(bytes);
  const weights = new Map<string, Tensor>();
  for (const w of graph.weights) {
    const start = blobStart + w.offset;
    if (start + w.byteLength > bytes.byteLength - CHECKSUM_BYTES) throw corrupt(`weight '${w.name}' runs past the end`);
    const data = typedArrayFor(w.dtype, sizeOf(w.dims));
    if (data.byteLength !== w.byteLength) throw corrupt(`weight '${w.name}' has a bad extent`);
    new Uint8Array(data.buffer).set(bytes.subarray(start, start + w.byteLength));
    weights.set(w.name, new Tensor(w.dtype, data, w.dims));
  }
  return { version, graph, weights };
}
