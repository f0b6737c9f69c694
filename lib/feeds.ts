/**
 * Checks a run's feeds against the model's inputs before any native work: every input present and
 * no others, the right dtype and rank, static dims equal, and each symbolic dim (e.g. `batch`) the
 * same size wherever it appears. Messages name the input.
 */
import { Int8rtError, invalid } from './errors.js';
import type { TensorInfo } from './onnx/ir.js';
import { asTensor, type Tensor } from './tensor.js';

const dimsText = (dims: readonly (number | string)[]) => `[${dims.join(', ')}]`;

export function checkFeeds(feeds: unknown, inputs: readonly TensorInfo[]): Tensor[] {
  if (!feeds || typeof feeds !== 'object' || Array.isArray(feeds) || ArrayBuffer.isView(feeds))
    throw invalid('an object mapping input names to tensors', 'feeds', feeds);
  const record = feeds as Record<string, unknown>;
  const known = new Set(inputs.map((i) => i.name));
  const extra = Object.keys(record).filter((k) => !known.has(k));
  if (extra.length)
    throw new Int8rtError('ERR_INVALID_ARG', `Unknown input${extra.length > 1 ? 's' : ''} ${extra.map((e) => `'${e}'`).join(', ')}; the model's inputs are ${[...known].map((k) => `'${k}'`).join(', ')}`);

  const bound = new Map<string, { size: number; input: string }>();
  return inputs.map((info) => {
    const value = record[info.name];
    if (value === undefined || value === null) throw invalid('a tensor', `input '${info.name}'`, value);
    const t = asTensor(value, `input '${info.name}'`);
    if (t.type !== info.type) throw invalid(`a ${info.type} tensor`, `input '${info.name}'`, `a ${t.type} tensor`, 'ERR_DTYPE');
    if (info.unknownRank) return t;
    if (t.dims.length !== info.dims.length)
      throw invalid(`a rank-${info.dims.length} tensor (dims ${dimsText(info.dims)})`, `input '${info.name}'`, `dims ${dimsText(t.dims)}`, 'ERR_SHAPE');
    info.dims.forEach((d, i) => {
      const size = t.dims[i]!;
      if (typeof d === 'number') {
        if (d !== size) throw invalid(`size ${d} in dimension ${i} (dims ${dimsText(info.dims)})`, `input '${info.name}'`, `dims ${dimsText(t.dims)}`, 'ERR_SHAPE');
        return;
      }
      if (d.startsWith('?')) return; // a dim nothing names constrains nothing else
      const seen = bound.get(d);
      if (seen && seen.size !== size)
        throw new Int8rtError('ERR_SHAPE', `Expected dimension '${d}' of input '${info.name}' to be ${seen.size}, as in input '${seen.input}', but received dims ${dimsText(t.dims)}`);
      bound.set(d, { size, input: info.name });
    });
    return t;
  });
}
