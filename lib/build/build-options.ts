/** Argument checks for buildEngine: every mistake is an ERR_INVALID_ARG naming the option. */
import { Calibration } from '../calibrate/calibration.js';
import type { AmaxMethod } from '../calibrate/histogram.js';
import { invalid } from '../errors.js';
import { checkAmax, resolveKeepFloat } from '../export/validate.js';
import type { Model } from '../onnx/ir.js';
import type { LayerPrecision } from './plan.js';

const PRECISIONS: readonly LayerPrecision[] = ['fp32', 'fp16', 'int8'];

export function checkPrecision(precision: unknown): LayerPrecision {
  if (!PRECISIONS.includes(precision as LayerPrecision)) throw invalid("'fp32', 'fp16' or 'int8'", 'precision', precision);
  return precision as LayerPrecision;
}

/** amax by tensor name from a Calibration (by method) or a Map; required for int8. */
export function calibrationRanges(calibration: unknown, method: AmaxMethod | undefined, percentile: number | undefined): Map<string, number> {
  if (calibration instanceof Calibration) return calibration.amax(method ?? 'entropy', { percentile });
  if (calibration === undefined)
    throw invalid("a Calibration or a Map of tensor name to amax (precision 'int8' needs activation ranges)", 'options.calibration', calibration);
  if (!(calibration instanceof Map)) throw invalid('a Calibration or a Map of tensor name to amax', 'options.calibration', calibration);
  return checkAmax(calibration);
}

/**
 * keepFloat names nodes of the original model (checked there); the optimized model may have fused
 * them into another node (fusedFrom) or dropped them (Identity), which resolveKeepFloat maps.
 */
export function keepFloatNodes(model: Model, optimized: Model, keepFloat: unknown): Set<string> {
  resolveKeepFloat(model, keepFloat);
  if (keepFloat === undefined) return new Set();
  const present = new Set(optimized.nodes.flatMap((n) => [n.name, ...(Array.isArray(n.attributes.fusedFrom) ? (n.attributes.fusedFrom as string[]) : [])]));
  return resolveKeepFloat(optimized, (keepFloat as string[]).filter((name) => present.has(name)));
}
