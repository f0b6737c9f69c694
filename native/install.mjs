// `npm install` builds the addon: with cmake-js (CPU kernels, plus CUDA when nvcc is found) where CMake
// is available, else with node-gyp and binding.gyp (CPU only). INT8RT_BUILD=cmake|gyp forces one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: false }).status === 0;
const has = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

const wanted = process.env.INT8RT_BUILD ?? (has('cmake') ? 'cmake' : 'gyp');
let ok;
if (wanted === 'cmake') {
  ok = run(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'compile', '--log-level', 'warn']);
} else {
  // npm sets npm_config_node_gyp for install scripts; otherwise use the node-gyp bundled with npm.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const gyp = process.env.npm_config_node_gyp ?? path.join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  // node-gyp needs Node's headers; use the ones installed beside this node rather than downloading them.
  const local = !process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include/node/node_api.h'));
  ok = run(process.execPath, [gyp, 'rebuild', ...(local ? [`--nodedir=${prefix}`] : [])]);
}
if (!ok) {
  console.error(`int8rt: the native build (${wanted}) failed; see the compiler output above.`);
  process.exit(1);
}
