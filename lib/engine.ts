/**
 * Engine: a loaded plan, ready to run. Holds the native executor (immutable weights, pooled
 * execution contexts), so overlapping run() calls are safe; each run is one native call on a worker.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolveDevice, type Device } from './backends.js';
import { checkFeeds } from './feeds.js';
import { Int8rtError, invalid } from './errors.js';
import { native, withCallerStack, type NativeEngine } from './native.js';
import type { TensorInfo } from './onnx/ir.js';
import { readPlanGraph, type LayerPrecision, type PlanGraph } from './build/plan.js';
import { DTYPES, Tensor, dtypeCode } from './tensor.js';

export interface EngineLoadOptions {
  /** Only 'cpu' runs engines in this version; the CUDA executor is not part of this build yet. */
  device?: Device;
}

export interface LayerInfo {
  name: string;
  op: string;
  precision: LayerPrecision;
  /** The original model's nodes folded or fused into this layer (BatchNormalization, bias Add, activation). */
  fusedFrom?: string[];
}

function engineDevice(requested: unknown): Device {
  if (requested === undefined) return 'cpu';
  const device = resolveDevice(requested);
  if (device === 'cuda')
    throw new Int8rtError('ERR_NO_CUDA', "device 'cuda' was requested but this version of int8rt runs engines on the CPU only; use device 'cpu'");
  return device;
}

export class Engine {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  readonly precision: string;
  readonly device: Device;
  #native: NativeEngine | null;
  readonly #bytes: Uint8Array;
  readonly #graph: PlanGraph;

  private constructor(nativeEngine: NativeEngine, bytes: Uint8Array, graph: PlanGraph, device: Device) {
    this.#native = nativeEngine;
    this.#bytes = bytes;
    this.#graph = graph;
    this.device = device;
    this.precision = graph.precision;
    const info = (i: number): TensorInfo => {
      const v = graph.values[i]!;
      return v.dims ? { name: v.name, type: v.dtype, dims: [...v.dims] } : { name: v.name, type: v.dtype, dims: [], unknownRank: true };
    };
    this.inputs = graph.inputs.map(info);
    this.outputs = graph.outputs.map(info);
  }

  /** Loads a plan from a file or from bytes (as written by save / serialize). */
  static async load(source: string | Uint8Array, options: EngineLoadOptions = {}): Promise<Engine> {
    const stack = new Error().stack;
    const device = engineDevice(options?.device);
    let bytes: Uint8Array;
    if (typeof source === 'string') {
      try {
        bytes = new Uint8Array(await readFile(source));
      } catch (e) {
        throw new Int8rtError('ERR_INVALID_ARG', `Could not read the plan file '${source}': ${(e as Error).message}`);
      }
    } else if (source instanceof Uint8Array) {
      bytes = source.slice(); // the engine keeps its own copy for serialize()
    } else {
      throw invalid('a file path or a Uint8Array', 'source', source);
    }
    const nativeEngine = await withCallerStack(native.NativeEngine.load(bytes), stack);
    return new Engine(nativeEngine, bytes, readPlanGraph(bytes, { verify: false }).graph, device);
  }

  /** The plan bytes (a copy). */
  serialize(): Uint8Array {
    return this.#bytes.slice();
  }

  async save(path: string): Promise<void> {
    if (typeof path !== 'string' || !path) throw invalid('a file path', 'path', path);
    await writeFile(path, this.#bytes);
  }

  /** The layers as built: one per plan node, with the precision it runs in. */
  layers(): LayerInfo[] {
    return this.#graph.nodes.map((n) => {
      const fused = n.attributes.fusedFrom;
      return { name: n.name, op: n.op, precision: n.precision, ...(Array.isArray(fused) ? { fusedFrom: fused as string[] } : {}) };
    });
  }

  async run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const stack = new Error().stack;
    if (!this.#native) throw new Int8rtError('ERR_DISPOSED', 'Engine.run was called after dispose()');
    const tensors = checkFeeds(feeds, this.inputs);
    const results = await withCallerStack(
      this.#native.run(tensors.map((t) => ({ type: dtypeCode(t.type), data: t.data, dims: [...t.dims] }))),
      stack,
    );
    const out: Record<string, Tensor> = {};
    this.outputs.forEach((o, i) => {
      const r = results[i]!;
      out[o.name] = new Tensor(DTYPES[r.type]!, r.data, r.dims);
    });
    return out;
  }

  /** Frees the native engine; runs already started finish first. Later calls to run fail with ERR_DISPOSED. */
  dispose(): void {
    this.#native?.dispose();
    this.#native = null;
  }
}
