/**
 * fp16 layers for buildEngine on the CPU: "fp16 storage, fp32 compute". The constant weight (input 1)
 * of each Conv, ConvTranspose, Gemm and MatMul not in keepFloat is stored as IEEE half in the plan
 * (half the bytes); the engine widens it back to fp32 when it loads and computes in fp32, as these
 * CPUs have no fp16 arithmetic worth using. Biases and every other op stay fp32.
 */
import { NameTable } from '../export/names.js';
import { floatToHalf } from '../half.js';
import type { Model } from '../onnx/ir.js';
import { Tensor } from '../tensor.js';
import type { LayerAssignment } from './int8-layers.js';

const FP16_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

export function fp16Layers(model: Model, keepFloat: ReadonlySet<string>): LayerAssignment {
  const names = new NameTable(model);
  const initializers = new Map(model.initializers);
  const made = new Map<string, string>(); // float weight → its half copy
  const layers: LayerAssignment['layers'] = [];
  const nodes = model.nodes.map((node) => {
    const name = node.inputs[1];
    const w = name ? model.initializers.get(name) : undefined;
    const half = FP16_OPS.has(node.op) && !keepFloat.has(node.name) && w?.type === 'float32';
    layers.push(half ? 'fp16' : 'fp32');
    if (!half) return node;
    let copy = made.get(name!);
    if (!copy) {
      copy = names.fresh(`${name}_fp16`);
      initializers.set(copy, new Tensor('float16', floatToHalf(w.data as Float32Array), w.dims));
      made.set(name!, copy);
    }
    const inputs = [...node.inputs];
    inputs[1] = copy;
    return { ...node, inputs };
  });
  return { model: { ...model, nodes, initializers }, layers };
}
