/**
 * buildEngine: optimize the model, choose each layer's precision (int8-layers.ts, fp16-layers.ts),
 * serialize it into a plan, and load the plan as an Engine.
 */
import type { Calibration } from '../calibrate/calibration.js';
import { calibrationWatches } from '../calibrate/calibration-tensors.js';
import type { AmaxMethod } from '../calibrate/histogram.js';
import { invalid } from '../errors.js';
import { Engine, type EngineLoadOptions } from '../engine.js';
import { optimize } from '../graph/optimize.js';
import type { Model } from '../onnx/ir.js';
import { calibrationRanges, checkPrecision, keepFloatNodes } from './build-options.js';
import { fp16Layers } from './fp16-layers.js';
import { int8Layers, type LayerAssignment } from './int8-layers.js';
import { writePlan, type LayerPrecision } from './plan.js';

export interface BuildOptions extends EngineLoadOptions {
  precision: LayerPrecision;
  /** Activation ranges, required for int8: a Calibration (read with `method`) or amax by tensor name. */
  calibration?: Calibration | Map<string, number>;
  /** How a Calibration's ranges are read (default 'entropy'). */
  method?: AmaxMethod;
  /** For method 'percentile'. */
  percentile?: number;
  /** Node names left in fp32 (partial quantization). */
  keepFloat?: string[];
}

/** Ranges keyed by the original model's names, re-keyed to the optimized values holding those tensors. */
function optimizedRanges(model: Model, optimized: Model, amax: Map<string, number>): Map<string, number> {
  const out = new Map(amax);
  for (const [name, value] of calibrationWatches(model, optimized)) {
    const a = amax.get(name);
    if (a !== undefined && !out.has(value)) out.set(value, a);
  }
  return out;
}

export async function buildEngine(model: Model, options: BuildOptions): Promise<Engine> {
  if (!model || typeof model !== 'object' || !Array.isArray(model.nodes) || !(model.initializers instanceof Map))
    throw invalid('a Model (from loadOnnx)', 'model', model);
  if (!options || typeof options !== 'object') throw invalid('an options object with a precision', 'options', options);
  const precision = checkPrecision(options.precision);
  const amax = precision === 'int8' ? calibrationRanges(options.calibration, options.method, options.percentile) : undefined;
  const optimized = optimize(model);
  const keep = keepFloatNodes(model, optimized, options.keepFloat);
  let built: LayerAssignment = { model: optimized, layers: [] };
  if (precision === 'int8') built = int8Layers(optimized, optimizedRanges(model, optimized, amax!), keep);
  else if (precision === 'fp16') built = fp16Layers(optimized, keep);
  return Engine.load(writePlan(built.model, { precision, layers: built.layers }), { device: options.device });
}
