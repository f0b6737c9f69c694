/**
 * The graph passes, run in order until nothing changes. Shape inference is refreshed between
 * rounds so shape folding sees the dims that earlier folds made static.
 */
import type { Model } from '../onnx/ir.js';
import { inferShapes } from '../onnx/shape-inference.js';
import { eliminateDead } from './passes/eliminate-dead.js';
import { foldBatchNorm } from './passes/fold-batchnorm.js';
import { foldConstants } from './passes/fold-constants.js';
import { fuseActivation } from './passes/fuse-activation.js';
import { fuseBias } from './passes/fuse-bias.js';
import { fuseHardSwish } from './passes/fuse-hardswish.js';
import { removeIdentity } from './passes/remove-identity.js';

export type Pass = (model: Model) => Model;

export const PASSES: readonly [string, Pass][] = [
  ['removeIdentity', removeIdentity],
  ['foldConstants', foldConstants],
  ['eliminateDead', eliminateDead],
  ['foldBatchNorm', foldBatchNorm],
  ['fuseBias', fuseBias],
  ['fuseHardSwish', fuseHardSwish],
  ['fuseActivation', fuseActivation],
];

const MAX_ROUNDS = 20;

export function optimize(model: Model, passes: readonly [string, Pass][] = PASSES): Model {
  let current = model;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = signature(current);
    for (const [, pass] of passes) current = pass(current);
    current = eliminateDead(refreshShapes(current));
    if (signature(current) === before) break;
  }
  return current;
}

/** Re-infers shapes; declared or earlier info is kept where inference now knows less. */
function refreshShapes(model: Model): Model {
  const { valueInfo } = inferShapes(model);
  const merged = new Map(model.valueInfo);
  for (const [name, info] of valueInfo) {
    const old = merged.get(name);
    const known = (d: typeof info.dims) => d.filter((x) => typeof x === 'number').length;
    if (!old || old.dims.length !== info.dims.length || known(info.dims) >= known(old.dims)) merged.set(name, info);
  }
  return { ...model, valueInfo: merged };
}

function signature(model: Model): string {
  return JSON.stringify([model.nodes.map((n) => [n.op, n.inputs, n.outputs, Object.keys(n.attributes)]), [...model.initializers.keys()]]);
}
