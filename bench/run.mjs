#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --filter <substring>]`: runs the suites in order, prints their tables and
// writes each suite's JSON to bench/results/<suite>.json. --quick: fewer, shorter slices (CI smoke).
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const SUITES = ['gemm-cpu', 'calib', 'models', 'gemm-cuda'];

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, filter: { type: 'string', default: '' } },
});
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const selected = SUITES.filter((s) => s.includes(values.filter));
if (!selected.length) {
  console.error(`no suite matches --filter ${JSON.stringify(values.filter)} (suites: ${SUITES.join(', ')})`);
  process.exit(1);
}

let failed = 0;
for (const suite of selected) {
  try {
    const mod = await import(`./suites/${suite}.mjs`);
    const result = await mod.run({ quick: values.quick });
    if (result) {
      mkdirSync(resultsDir, { recursive: true });
      const file = `${resultsDir}${suite}.json`;
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      console.log(`\n→ ${file}`);
    }
  } catch (e) {
    failed++;
    console.error(`\n${suite} FAILED: ${e?.stack ?? e}`);
  }
}
process.exit(failed ? 1 : 0);
