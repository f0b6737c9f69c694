/**
 * loadOnnx: an ONNX file (or its bytes) → Model. Every failure is an Int8rtError: ERR_ONNX_PARSE
 * for anything that is not a well-formed ONNX graph (garbage, truncation, empty or missing file,
 * dangling inputs, cycles, unreadable external data); ERR_UNSUPPORTED_OP — listing every offender
 * at once — for well-formed models that use ops, op versions, domains or an opset outside what int8rt
 * runs (default-domain opsets 7 to 28, each op at the versions lib/onnx/ops.ts lists).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { onnx as O } from 'onnx-proto';
import { Int8rtError, invalid } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { decodeAttribute } from './attributes.js';
import { readExternal } from './external-data.js';
import { topoSort } from './graph-order.js';
import type { Dim, Model, NodeInfo, TensorInfo } from './ir.js';
import { MAX_OPSET, MIN_OPSET, OP_VERSIONS, SUPPORTED_OPS, implementedVersion } from './ops.js';
import { onnx, toNumber, type LongLike } from './proto.js';
import { inferShapes } from './shape-inference.js';
import { isExternal, tensorFromProto } from './tensor-proto.js';
import { tensorInfoOf } from './value-info.js';

export interface LoadOptions {
  /** Where external data files live when the model is given as bytes (default: none allowed). */
  baseDir?: string;
}

export async function loadOnnx(source: string | Uint8Array, options: LoadOptions = {}): Promise<Model> {
  const { bytes, label, baseDir } = await readSource(source, options);
  return modelFromProto(decodeModel(bytes, label), label, baseDir);
}

async function readSource(source: string | Uint8Array, options: LoadOptions) {
  if (source instanceof Uint8Array) return { bytes: source, label: 'the given bytes', baseDir: options.baseDir };
  if (typeof source !== 'string') throw invalid('a file path or a Uint8Array', 'source', source);
  const file = path.resolve(source);
  let bytes: Uint8Array;
  try {
    if ((await stat(file)).isDirectory()) throw parseError(source, 'it is a directory, not an ONNX file');
    bytes = await readFile(file);
  } catch (e) {
    if (e instanceof Int8rtError) throw e;
    throw parseError(source, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { bytes, label: source, baseDir: options.baseDir ?? path.dirname(file) };
}

function parseError(label: string, detail: string): Int8rtError {
  return new Int8rtError('ERR_ONNX_PARSE', `Cannot load ONNX model ${label}: ${detail}`);
}

/** Protobuf decoding; protobufjs throws on truncation and bad wire types, never loops. */
export function decodeModel(bytes: Uint8Array, label: string): O.ModelProto {
  if (bytes.length === 0) throw parseError(label, 'it is empty');
  let proto: O.ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw parseError(label, `not a valid ONNX protobuf (${(e as Error).message})`);
  }
  if (!proto.graph) throw parseError(label, 'it has no graph (not an ONNX model?)');
  return proto;
}

/** Assembles the IR from a decoded ModelProto. */
export async function modelFromProto(proto: O.ModelProto, label: string, baseDir: string | undefined): Promise<Model> {
  const g = proto.graph!;
  const declaredOpset = defaultOpset(proto, label);
  const initProtos = g.initializer ?? [];
  if ((g.sparseInitializer ?? []).length > 0) throw parseError(label, 'it has sparse initializers, which int8rt does not read');
  const initNames = new Set(initProtos.map((t) => t.name ?? ''));
  if (initNames.size !== initProtos.length) throw parseError(label, 'two initializers have the same name');

  const raw = nameNodes(g.node ?? []);
  const graphInputs = (g.input ?? []).map((v) => v.name ?? '');
  const sources = new Set([...initNames, ...graphInputs]);
  const outputNames = (g.output ?? []).map((v) => v.name ?? '');
  const ordered = topoSort(raw, sources, outputNames, label);
  checkSupported(ordered, declaredOpset, label);
  const opset = declaredOpset ?? MAX_OPSET; // no default-domain nodes at all: any opset reads the same

  let next = 1;
  const fresh = (): string => `?${next++}`;
  const inputs = (g.input ?? []).filter((v) => !initNames.has(v.name ?? ''))
    .map((v) => tensorInfoOf(v, 'Graph input', fresh, true) ?? parseFail(label, `graph input '${v.name}' has no element type`));
  const nodes: NodeInfo[] = ordered.map((n) => ({
    name: n.name, op: n.op, inputs: n.inputs, outputs: n.outputs,
    attributes: Object.fromEntries((n.proto.attribute ?? []).map((a) => [a.name ?? '', decodeAttribute(a, n.name)])),
  }));
  const initializers = await readInitializers(initProtos, label, baseDir);

  const { valueInfo } = inferShapes({ inputs, nodes, initializers, opset });
  next = Math.max(next, maxFresh(valueInfo.values()) + 1);
  for (const v of g.valueInfo ?? []) {
    const declared = tensorInfoOf(v, 'Value', fresh, false);
    if (declared) valueInfo.set(declared.name, merge(valueInfo.get(declared.name), declared)!);
  }
  const outputs = (g.output ?? []).map((v) => {
    const declared = tensorInfoOf(v, 'Graph output', fresh, true);
    const info = merge(valueInfo.get(v.name ?? ''), declared) ?? parseFail(label, `the type of graph output '${v.name}' is unknown`);
    valueInfo.set(info.name, info);
    return info;
  });
  for (const t of inputs) if (!valueInfo.has(t.name) && !t.unknownRank) valueInfo.set(t.name, t);
  return { inputs, outputs, nodes, initializers, opset, valueInfo };
}

function maxFresh(infos: Iterable<TensorInfo>): number {
  let max = 0;
  for (const t of infos) for (const d of t.dims) {
    const m = typeof d === 'string' ? /^\?(\d+)$/.exec(d) : null;
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

function parseFail(label: string, detail: string): never {
  throw parseError(label, detail);
}

/** The default domain's opset; undefined when the model imports none (then it may not use it). */
function defaultOpset(proto: O.ModelProto, label: string): number | undefined {
  const entry = (proto.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (entry) return toNumber(entry.version as number | LongLike);
  // IR version 2 models predate opset_import and mean opset 1.
  if (toNumber(proto.irVersion as number | LongLike) < 3) return 1;
  const usesDefault = (proto.graph?.node ?? []).some((n) => !n.domain || n.domain === 'ai.onnx');
  if (usesDefault) throw parseError(label, 'it has no opset_import for the default domain its nodes use');
  return undefined;
}

interface RawNode {
  name: string;
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  proto: O.INodeProto;
}

/** Unnamed (or duplicate-named) nodes get `<op>_<index>`, made unique with a suffix. */
function nameNodes(protos: O.INodeProto[]): RawNode[] {
  const taken = new Set(protos.map((n) => n.name ?? '').filter((s) => s !== ''));
  const used = new Set<string>();
  return protos.map((n, i) => {
    let name = n.name ?? '';
    if (name === '' || used.has(name)) {
      const base = `${n.opType ?? 'node'}_${i}`;
      name = base;
      for (let k = 1; taken.has(name) || used.has(name); k++) name = `${base}_${k}`;
    }
    used.add(name);
    const domain = n.domain === 'ai.onnx' ? '' : (n.domain ?? '');
    return { name, op: n.opType ?? '', domain, inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], proto: n };
  });
}

/**
 * One ERR_UNSUPPORTED_OP listing every offender: op types int8rt lacks, op versions it does not
 * implement (each with the version the opset selects) and an opset outside MIN_OPSET..MAX_OPSET.
 */
function checkSupported(nodes: RawNode[], opset: number | undefined, label: string): void {
  const badOpset = opset !== undefined && (opset < MIN_OPSET || opset > MAX_OPSET);
  const offenders = new Map<string, string[]>();
  for (const n of nodes) {
    if (n.domain === '' && (badOpset ? SUPPORTED_OPS.has(n.op) : implementedVersion(n.op, opset!) !== undefined)) continue;
    const key = n.domain ? `${n.domain}.${n.op}` : `${n.op}${versionNote(n.op, opset!)}`;
    offenders.set(key, [...(offenders.get(key) ?? []), n.name]);
  }
  const parts = [...offenders].map(([op, names]) => {
    const shown = names.slice(0, 5).map((s) => `'${s}'`).join(', ');
    return `${op} (node${names.length > 1 ? 's' : ''} ${shown}${names.length > 5 ? ` and ${names.length - 5} more` : ''})`;
  });
  if (parts.length === 0 && !badOpset) return;
  const msgs: string[] = [];
  if (parts.length > 0) msgs.push(`${parts.length} unsupported op${parts.length > 1 ? 's' : ''}: ${parts.join(', ')}`);
  if (badOpset) msgs.push(`opset ${opset} of the default domain (int8rt reads opsets ${MIN_OPSET} to ${MAX_OPSET})`);
  throw new Int8rtError('ERR_UNSUPPORTED_OP', `ONNX model ${label} uses what int8rt does not support: ${msgs.join('; ')}`);
}

/** For a known op whose selected version int8rt lacks: which version that is. */
function versionNote(op: string, opset: number): string {
  if (!SUPPORTED_OPS.has(op)) return '';
  const first = OP_VERSIONS[op]![0]!;
  if (opset < first) return ` (not in opset ${opset}; int8rt implements it from version ${first})`;
  return ` (int8rt does not support the version that opset ${opset} selects)`;
}

async function readInitializers(protos: O.ITensorProto[], label: string, baseDir: string | undefined): Promise<Map<string, Tensor>> {
  const out = new Map<string, Tensor>();
  for (const p of protos) {
    let external: Uint8Array | undefined;
    if (isExternal(p)) {
      if (baseDir === undefined)
        throw parseError(label, `initializer '${p.name}' keeps its data in an external file; load the model from its path (or pass baseDir)`);
      external = await readExternal(baseDir, p);
    }
    out.set(p.name ?? '', tensorFromProto(p, 'initializer', external));
  }
  return out;
}

/** Declared and inferred info together: a known size beats a symbol, a declared name beats `?<n>`. */
function merge(inferred: TensorInfo | undefined, declared: TensorInfo | undefined): TensorInfo | undefined {
  if (!inferred || inferred.unknownRank) return declared ?? inferred;
  if (!declared || declared.unknownRank || declared.dims.length !== inferred.dims.length) return inferred;
  const dims: Dim[] = inferred.dims.map((d, i) => {
    const e = declared.dims[i]!;
    if (typeof d === 'number') return d;
    if (typeof e === 'number' || !e.startsWith('?')) return e;
    return d;
  });
  return { name: inferred.name, type: inferred.type, dims };
}
