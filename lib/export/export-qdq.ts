/**
 * exportQDQ: a Model and activation ranges → a standard ONNX model in explicit-quantization (Q/DQ)
 * form that TensorRT 10+ and ONNX Runtime read. The model may be as loaded or after optimize():
 * fused activations are expanded back into ONNX nodes. Steps: expand fused activations → raise the
 * opset to 13 if lower (opset.ts) → insert Q/DQ (qdq-insert.ts) → write ModelProto.
 */
import { writeFile } from 'node:fs/promises';
import { Int8rtError, invalid } from '../errors.js';
import type { Model } from '../onnx/ir.js';
import { expandFused } from './expand-fused.js';
import { encodeModel } from './model-writer.js';
import { NameTable } from './names.js';
import { raiseOpset } from './opset.js';
import { insertQDQ, type QDQSummary } from './qdq-insert.js';
import { checkAmax, checkModel, checkOptions, resolveKeepFloat } from './validate.js';

export interface ExportQDQOptions {
  /** Node names left in float: no Q/DQ on their inputs, weights kept float. */
  keepFloat?: string[];
  /** Q/DQ on both inputs of residual Adds that feed quantized nodes (default true). */
  residualAdd?: boolean;
}

/** The Q/DQ model as IR, with the summary of what was quantized. */
export function toQDQ(model: Model, amax: Map<string, number>, options: ExportQDQOptions = {}): { model: Model; summary: QDQSummary } {
  checkModel(model);
  const ranges = checkAmax(amax);
  checkOptions(options);
  const keep = resolveKeepFloat(model, options.keepFloat);
  const names = new NameTable(model);
  const standard = raiseOpset(expandFused(model, names), names);
  return insertQDQ(standard, ranges, keep, names, options.residualAdd !== false);
}

/** The Q/DQ model's ONNX bytes. */
export function exportQDQBytes(model: Model, amax: Map<string, number>, options: ExportQDQOptions = {}): Uint8Array {
  return encodeModel(toQDQ(model, amax, options).model);
}

/** Writes the Q/DQ model to `path`; resolves to what was quantized and what was left float. */
export async function exportQDQ(model: Model, amax: Map<string, number>, path: string, options: ExportQDQOptions = {}): Promise<QDQSummary> {
  if (typeof path !== 'string' || path === '') throw invalid('a file path', 'path', path);
  const { model: qdq, summary } = toQDQ(model, amax, options);
  const bytes = encodeModel(qdq);
  try {
    await writeFile(path, bytes);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Int8rtError('ERR_INVALID_ARG', `Cannot write the Q/DQ model to ${path}: ${err.code ?? err.message}`);
  }
  return summary;
}

export type { QDQSummary } from './qdq-insert.js';
