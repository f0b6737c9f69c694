// The ONNX backend node tests (../shared/onnx-node-tests) whose ops int8rt implements at the case's
// opset: each runs through loadOnnx → buildEngine → run and must match the expected outputs, unless
// test/conformance-exceptions.ts lists it with a reason; a listed case that passes fails the test too.
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../lib/onnx/load.js';
import { MAX_OPSET, MIN_OPSET, implementedVersion } from '../../lib/onnx/ops.js';
import { CONFORMANCE_EXCEPTIONS, exceptionFor } from '../conformance-exceptions.js';
import { runCase } from '../helpers/conformance.js';
import { nodeTestBytes, nodeTestCases } from '../helpers/onnx-node-tests.js';

/** Cases whose ops are all implemented at the case's opset, with their op types. */
function candidates(): { name: string; ops: string[] }[] {
  const out: { name: string; ops: string[] }[] = [];
  for (const name of nodeTestCases()) {
    const proto = decodeModel(nodeTestBytes(name), name);
    const entry = (proto.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
    const opset = Number(entry?.version ?? 0);
    if (opset < MIN_OPSET || opset > MAX_OPSET) continue;
    const nodes = proto.graph!.node ?? [];
    if (!nodes.every((n) => (!n.domain || n.domain === 'ai.onnx') && implementedVersion(n.opType ?? '', opset) !== undefined)) continue;
    out.push({ name, ops: [...new Set(nodes.map((n) => n.opType ?? ''))] });
  }
  return out;
}

const cases = candidates();
const SLOW_MS = 2000;

describe.skipIf(cases.length === 0)('ONNX node test conformance (fp32, CPU)', () => {
  it('every runnable case passes or is a listed exception', async () => {
    const perOp = new Map<string, { passed: number; failed: number; excepted: number }>();
    const unexpectedFailures: string[] = [], unexpectedPasses: string[] = [], slow: string[] = [];
    const matchedExceptions = new Set<unknown>();
    let passed = 0, excepted = 0;
    for (const { name, ops } of cases) {
      const t0 = performance.now();
      const outcome = await runCase(name);
      const ms = performance.now() - t0;
      if (ms > SLOW_MS) slow.push(`${name} ${(ms / 1000).toFixed(1)} s`);
      const exception = exceptionFor(name);
      if (exception) matchedExceptions.add(exception);
      let kind: 'passed' | 'failed' | 'excepted';
      if (outcome.status === 'passed') {
        kind = 'passed';
        passed++;
        if (exception) unexpectedPasses.push(`${name} (listed: ${exception.reason})`);
      } else if (exception) {
        kind = 'excepted';
        excepted++;
      } else {
        kind = 'failed';
        unexpectedFailures.push(`${name}: ${outcome.detail}`);
      }
      for (const op of ops) {
        const c = perOp.get(op) ?? { passed: 0, failed: 0, excepted: 0 };
        c[kind]++;
        perOp.set(op, c);
      }
    }
    const table = [...perOp].sort(([a], [b]) => a.localeCompare(b))
      .map(([op, c]) => `  ${op.padEnd(22)} ${String(c.passed).padStart(4)} passed ${String(c.failed).padStart(3)} failed ${String(c.excepted).padStart(3)} excepted`);
    console.log(`conformance: ${cases.length} cases run, ${passed} passed, ${unexpectedFailures.length} failed, ${excepted} excepted\n${table.join('\n')}` +
      (slow.length ? `\nslow cases: ${slow.join(', ')}` : ''));
    const unused = CONFORMANCE_EXCEPTIONS.filter((e) => !matchedExceptions.has(e)).map((e) => String(e.match));
    expect(unexpectedFailures).toEqual([]);
    expect(unexpectedPasses).toEqual([]);
    expect(unused).toEqual([]);  // an entry that matches no runnable case is stale
  });
});
