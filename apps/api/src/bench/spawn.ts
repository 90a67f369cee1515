import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SpawnedPortal {
  base: string;
  /** The process's id (a cluster's primary with WEB_CONCURRENCY > 1). */
  pid: number;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit; removes the data folder. */
  stop(): Promise<number | null>;
  stderr(): string;
}

/** dist/main.js, whether this file runs compiled (dist/bench) or from source under jest (src/bench). */
const MAIN = [
  path.join(__dirname, '..', 'main.js'),
  path.join(__dirname, '..', '..', 'dist', 'main.js'),
].find((p) => existsSync(p))!;

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface PortalProcess {
  child: ChildProcess;
  base: string;
  /** What the process wrote to stderr (and to stdout, when asked for). */
  output: () => string;
  /** Resolves with the exit code once the process has ended and its data folder is removed. */
  exited: Promise<number | null>;
}

/**
 * The built portal (dist/main.js) as a separate process, as it runs in production, on `port` with
 * its own data folder (removed when it exits), LOG_LEVEL warn unless `env` says otherwise. Does not
 * wait for it to answer.
 */
export function startPortalProcess(
  env: Record<string, string>,
  port: number,
  options: { stdout?: boolean } = {},
): PortalProcess {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-process-'));
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  return { child, base: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/**
 * The built portal (dist/main.js) as a separate process, as it runs in production, on a free port
 * with its own data folder; resolves once /healthz answers 200.
 */
export async function spawnPortal(env: Record<string, string>): Promise<SpawnedPortal> {
  const { child, base, output, exited } = startPortalProcess(env, await freePort());
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 200 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the portal did not start: ${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    pid: child.pid!,
    exited,
    stderr: output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
