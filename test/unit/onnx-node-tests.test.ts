// Every ONNX backend node test whose ops int8rt supports must load, and shape inference must give
// the output dims the test declares.
import { describe, expect, it } from 'vitest';
import { Int8rtError } from '../../lib/errors.js';
import type { Model } from '../../lib/onnx/ir.js';
import { decodeModel, modelFromProto } from '../../lib/onnx/load.js';
import { MAX_OPSET, MIN_OPSET, implementedVersion } from '../../lib/onnx/ops.js';
import { inferShapes } from '../../lib/onnx/shape-inference.js';
import { tensorInfoOf } from '../../lib/onnx/value-info.js';
import { nodeTestBytes, nodeTestCases, nodeTestData, nodeTestModel } from '../helpers/onnx-node-tests.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readTensorProto } from '../../lib/onnx/tensor-proto.js';

const cases = nodeTestCases();

interface Outcome { name: string; opset: number; supportedOps: boolean; model?: Model; error?: Int8rtError }

async function loadAll(): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const name of cases) {
    const proto = decodeModel(nodeTestBytes(name), name);
    const opset = Number((proto.opsetImport.find((o) => !o.domain) ?? { version: 1 }).version);
    const supportedOps = (proto.graph!.node ?? []).every((n) => !n.domain && implementedVersion(n.opType ?? '', opset) !== undefined);
    try {
      const model = await modelFromProto(proto, name, path.dirname(nodeTestModel(name)));
      out.push({ name, opset, supportedOps, model });
    } catch (e) {
      if (!(e instanceof Int8rtError)) throw e;
      out.push({ name, opset, supportedOps, error: e });
    }
  }
  return out;
}

/**
 * Declared graph-output dims against what inference alone (no declared value_info) finds. Many
 * cases pass shapes, axes or scales as feeds; with `bindFeeds` those feeds are bound to the
 * case's test data (as initializers) first, which is what the test generator's shapes assume.
 */
function shapeMismatches(o: Outcome, bindFeeds: boolean): string[] {
  const m = o.model!;
  const initializers = new Map(m.initializers);
  let inputs = m.inputs;
  if (bindFeeds) {
    const data = nodeTestData(o.name, 'input');
    m.inputs.forEach((inp, i) => { if (data[i]) initializers.set(inp.name, readTensorProto(readFileSync(data[i]!), data[i])); });
    inputs = m.inputs.filter((inp) => !initializers.has(inp.name));
  }
  const { valueInfo } = inferShapes({ ...m, inputs, initializers });
  const proto = decodeModel(nodeTestBytes(o.name), o.name);
  const bad: string[] = [];
  for (const v of proto.graph!.output ?? []) {
    const declared = tensorInfoOf(v, 'output', () => '?', false);
    const got = valueInfo.get(v.name ?? '');
    if (!declared || declared.unknownRank) continue;
    const same = got && got.type === declared.type && got.dims.length === declared.dims.length &&
      got.dims.every((d, i) => d === declared.dims[i] || typeof declared.dims[i] === 'string');
    if (!same) bad.push(`${o.name}/${v.name}: declared ${declared.type}[${declared.dims}] inferred ${got ? `${got.type}[${got.dims}]` : 'nothing'}`);
  }
  return bad;
}

describe.skipIf(cases.length === 0)('ONNX node tests', () => {
  it(`loads every case with supported op versions and opset ${MIN_OPSET}..${MAX_OPSET}; infers declared output shapes`, async () => {
    const all = await loadAll();
    const candidates = all.filter((o) => o.supportedOps && o.opset >= MIN_OPSET && o.opset <= MAX_OPSET);
    // Supported ops on types int8rt has no dtype for (strings, optionals, float8, int4 …) are refused, not crashed on.
    const refusedTypes = candidates.filter((o) => o.error && /element type|only handles tensors|casts to/.test(o.error.message));
    const failed = candidates.filter((o) => o.error && !refusedTypes.includes(o)).map((o) => `${o.name}: ${o.error!.code} ${o.error!.message}`);
    const loaded = candidates.filter((o) => o.model);
    const unbound = loaded.flatMap((o) => shapeMismatches(o, false));
    const mismatches = loaded.flatMap((o) => shapeMismatches(o, true));
    const unsupported = all.filter((o) => !o.supportedOps || o.opset < MIN_OPSET);
    console.log(`node tests: ${all.length} cases; ${candidates.length} with supported op versions: ${loaded.length} load, ` +
      `${refusedTypes.length} refused for their element types; ` +
      `output shapes: ${unbound.length} outputs not static from the graph alone (shape/axes/scales are feeds), ` +
      `${mismatches.length} mismatches with those feeds bound to test data; ` +
      `${unsupported.length} cases with unsupported ops or opsets, all refused with ERR_UNSUPPORTED_OP`);
    if (process.env.SHOW) console.log([...failed, ...mismatches, ...unbound].join('\n'));
    expect(failed).toEqual([]);
    expect(refusedTypes.filter((o) => !['ERR_DTYPE', 'ERR_UNSUPPORTED_OP'].includes(o.error!.code)).map((o) => `${o.name}: ${o.error!.code} ${o.error!.message}`)).toEqual([]);
    expect(mismatches).toEqual([]);
    // Unbound, inference may only be less specific (a ?<n> symbol), never wrong.
    expect(unbound.filter((s) => !/inferred (nothing|\w+\[[^\]]*\?)/.test(s))).toEqual([]);
    expect(unsupported.filter((o) => o.error?.code !== 'ERR_UNSUPPORTED_OP').map((o) => o.name)).toEqual([]);
    expect(loaded.length).toBeGreaterThan(500);
  });
});
