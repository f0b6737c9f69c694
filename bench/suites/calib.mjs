// Calibration throughput: runs bench/calib.mjs (owned by the calibration work) as a child process and
// passes its output through. It writes its own results; this suite only reports whether it ran.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const name = 'calib';

const script = fileURLToPath(new URL('../calib.mjs', import.meta.url));

export async function run({ quick }) {
  if (!existsSync(script)) {
    console.log('\ncalib: bench/calib.mjs does not exist yet: skipped');
    return null;
  }
  console.log('\ncalib: node bench/calib.mjs');
  const code = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`bench/calib.mjs exited with code ${code}`);
  return null;
}
