/**
 * Runs one ONNX backend node test case through loadOnnx → buildEngine → run and compares every
 * data set's outputs with the expected ones, with the ONNX backend test runner's default tolerances
 * (|ours − expected| ≤ atol + rtol·|expected|, rtol 1e-3, atol 1e-7; NaN must meet NaN) for floats and
 * exact equality for integers and bools.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildEngine } from '../../lib/build/build-engine.js';
import { Int8rtError } from '../../lib/errors.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { readTensorProto } from '../../lib/onnx/tensor-proto.js';
import { halfToFloat } from '../../lib/half.js';
import type { Tensor } from '../../lib/tensor.js';
import { NODE_TESTS, nodeTestModel } from './onnx-node-tests.js';

export const RTOL = 1e-3;
export const ATOL = 1e-7;

export type Outcome = { status: 'passed' } | { status: 'failed' | 'error'; detail: string };

function dataSets(name: string): string[] {
  const dir = path.join(NODE_TESTS, name);
  return readdirSync(dir).filter((d) => d.startsWith('test_data_set_')).sort().map((d) => path.join(dir, d));
}

function readAll(dir: string, kind: 'input' | 'output'): Tensor[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(`${kind}_`) && f.endsWith('.pb')) : [];
  files.sort((a, b) => parseInt(a.slice(kind.length + 1)) - parseInt(b.slice(kind.length + 1)));
  return files.map((f) => readTensorProto(readFileSync(path.join(dir, f)), `${path.basename(dir)}/${f}`));
}

function values(t: Tensor): number[] {
  if (t.type === 'float16') return Array.from(halfToFloat(t.data as Uint16Array, { scalar: true }));
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

/** Why `ours` differs from `expected`, or undefined when it matches. */
export function mismatch(ours: Tensor, expected: Tensor): string | undefined {
  if (ours.type !== expected.type) return `dtype ${ours.type}, expected ${expected.type}`;
  if (ours.dims.join() !== expected.dims.join()) return `dims [${ours.dims}], expected [${expected.dims}]`;
  const a = values(ours), b = values(expected);
  const exact = ours.type !== 'float32' && ours.type !== 'float16';
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(y) || Number.isNaN(x)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return `element ${i}: ${x}, expected ${y}`;
      continue;
    }
    if (x === y) continue;
    if (exact || !(Math.abs(x - y) <= ATOL + RTOL * Math.abs(y))) return `element ${i}: ${x}, expected ${y}`;
  }
  return undefined;
}

export async function runCase(name: string): Promise<Outcome> {
  let engine;
  try {
    engine = await buildEngine(await loadOnnx(nodeTestModel(name)), { precision: 'fp32', device: 'cpu' });
  } catch (e) {
    if (e instanceof Int8rtError) return { status: 'error', detail: `${e.code}: ${e.message}` };
    throw e;
  }
  try {
    for (const dir of dataSets(name)) {
      const inputs = readAll(dir, 'input'), expected = readAll(dir, 'output');
      const feeds = Object.fromEntries(engine.inputs.map((inp, i) => [inp.name, inputs[i]!]));
      let out: Record<string, Tensor>;
      try {
        out = await engine.run(feeds);
      } catch (e) {
        if (e instanceof Int8rtError) return { status: 'error', detail: `${e.code}: ${e.message}` };
        throw e;
      }
      for (let i = 0; i < expected.length; i++) {
        const o = engine.outputs[i]!;
        const why = mismatch(out[o.name]!, expected[i]!);
        if (why) return { status: 'failed', detail: `${path.basename(dir)} output '${o.name}': ${why}` };
      }
    }
    return { status: 'passed' };
  } finally {
    engine.dispose();
  }
}
