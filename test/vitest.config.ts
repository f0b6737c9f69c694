import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    // One process per file: the CPU ISA switch used by the kernel tests is process-wide.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
