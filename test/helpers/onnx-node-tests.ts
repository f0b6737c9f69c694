/** The ONNX backend node tests in ../shared/onnx-node-tests (read in place). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_TESTS = path.resolve(fileURLToPath(new URL('../../../shared/onnx-node-tests', import.meta.url)));

export function nodeTestCases(): string[] {
  if (!existsSync(NODE_TESTS)) return [];
  return readdirSync(NODE_TESTS).filter((c) => existsSync(path.join(NODE_TESTS, c, 'model.onnx'))).sort();
}

export function nodeTestModel(name: string): string {
  return path.join(NODE_TESTS, name, 'model.onnx');
}

export function nodeTestBytes(name: string): Uint8Array {
  return readFileSync(nodeTestModel(name));
}

/** input_<i>.pb / output_<i>.pb files of a case's first data set. */
export function nodeTestData(name: string, kind: 'input' | 'output'): string[] {
  const dir = path.join(NODE_TESTS, name, 'test_data_set_0');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.startsWith(`${kind}_`) && f.endsWith('.pb'))
    .sort((a, b) => parseInt(a.slice(kind.length + 1)) - parseInt(b.slice(kind.length + 1)))
    .map((f) => path.join(dir, f));
}
