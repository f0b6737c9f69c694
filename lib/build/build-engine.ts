/**
 * buildEngine: optimize the model, serialize it into a plan, and load the plan as an Engine.
 * fp32 is the precision this version builds; fp16 and int8 need the precision-assignment and
 * quantization steps that are not part of it yet.
 */
import { invalid } from '../errors.js';
import { Engine, type EngineLoadOptions } from '../engine.js';
import { optimize } from '../graph/optimize.js';
import type { Model } from '../onnx/ir.js';
import { writePlan } from './plan.js';

export interface BuildOptions extends EngineLoadOptions {
  precision: 'fp32';
}

export async function buildEngine(model: Model, options: BuildOptions): Promise<Engine> {
  if (!model || typeof model !== 'object' || !Array.isArray(model.nodes) || !(model.initializers instanceof Map))
    throw invalid('a Model (from loadOnnx)', 'model', model);
  if (!options || typeof options !== 'object') throw invalid('an options object with a precision', 'options', options);
  if (options.precision !== 'fp32') throw invalid("'fp32'", 'precision', options.precision);
  const plan = writePlan(optimize(model), { precision: 'fp32' });
  return Engine.load(plan, { device: options.device });
}
