/**
 * External tensor data (TensorProto.data_location == EXTERNAL): `location`, `offset` and `length`
 * entries name a byte range of a file beside the model. Paths resolve relative to the model's
 * directory and may not leave it (no absolute paths, no `..`, no symlink out), so a model cannot
 * make the loader read arbitrary files.
 */
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { onnx as O } from 'onnx-proto';
import { Int8rtError } from '../errors.js';

export interface ExternalRef {
  location: string;
  offset: number;
  length: number | undefined;
}

function fail(tensor: string, detail: string): Int8rtError {
  return new Int8rtError('ERR_ONNX_PARSE', `External data of initializer '${tensor}': ${detail}`);
}

export function externalRef(p: O.ITensorProto): ExternalRef {
  const name = p.name ?? '';
  const entries = new Map((p.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location) throw fail(name, 'no location entry');
  const num = (key: string): number | undefined => {
    const s = entries.get(key);
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(n)) throw fail(name, `${key} is ${JSON.stringify(s)}, not a byte count`);
    return n;
  };
  return { location, offset: num('offset') ?? 0, length: num('length') };
}

/** Resolves `location` inside `baseDir`, refusing anything that escapes it. */
export async function resolveExternal(baseDir: string, location: string, tensor: string): Promise<string> {
  if (path.isAbsolute(location) || location.split(/[\\/]/).includes('..'))
    throw fail(tensor, `location ${JSON.stringify(location)} is outside the model's directory`);
  const file = path.resolve(baseDir, location);
  let real: string;
  let realBase: string;
  try {
    [real, realBase] = await Promise.all([realpath(file), realpath(baseDir)]);
  } catch {
    throw fail(tensor, `file ${file} does not exist`);
  }
  const rel = path.relative(realBase, real);
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw fail(tensor, `location ${JSON.stringify(location)} links outside the model's directory`);
  return real;
}

/** Reads the byte range of one external tensor. */
export async function readExternal(baseDir: string, p: O.ITensorProto): Promise<Uint8Array> {
  const name = p.name ?? '';
  const ref = externalRef(p);
  const file = await resolveExternal(baseDir, ref.location, name);
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw fail(name, `cannot open ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw fail(name, `${file} is not a file`);
    const length = ref.length ?? st.size - ref.offset;
    if (ref.offset + length > st.size || length < 0)
      throw fail(name, `bytes ${ref.offset}..${ref.offset + length} are past the end of ${file} (${st.size} bytes)`);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(out, done, length - done, ref.offset + done);
      if (bytesRead === 0) throw fail(name, `${file} ended early`);
      done += bytesRead;
    }
    return out;
  } finally {
    await fh.close();
  }
}
