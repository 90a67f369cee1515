#!/usr/bin/env node
// Makes sure Debian's chromium is there for the browser tests (never a test tool's own download).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (executable(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find((p) => existsSync(p));

if (isRoot && aptGet && !process.env.CHROMIUM_PATH) {
  console.log(`e2e: no chromium at ${path}; installing it with apt-get (about 30 s)...`);
  const run = spawnSync('sh', ['-c', 'apt-get update && apt-get install -y chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (run.status === 0 && executable(path)) process.exit(0);
  console.error(
    `e2e: installing chromium failed; run "apt-get update && apt-get install -y chromium" as root.`,
  );
  process.exit(1);
}

console.error(
  `e2e: no chromium at ${path}: install it ("sudo apt-get install -y chromium" on Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium/Chrome binary.`,
);
process.exit(1);
