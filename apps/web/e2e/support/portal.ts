import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Portal {
  url: string;
  /** The portal's database, for another process of the same deployment (a gateway). */
  databaseUrl: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts the built portal (api + SPA) with a fresh data folder, and waits for /healthz. */
export async function startPortal(options: {
  smtpPort: number;
  env?: Record<string, string>;
}): Promise<Portal> {
  const main = path.join(repoRoot, 'apps', 'api', 'dist', 'main.js');
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: build first (pnpm build at the repository root)`);
  }
  if (!existsSync(path.join(repoRoot, 'apps', 'web', 'dist', 'index.html'))) {
    throw new Error('apps/web/dist is missing: build the web app first');
  }
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pp-e2e-data-'));
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    DATA_DIR: dataDir,
    SMTP_URL: `smtp://127.0.0.1:${options.smtpPort}`,
    MAIL_FROM: 'portal@example.test',
    PUBLIC_URL: url,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
  const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'portal.sqlite')}`;

  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const stop = async () => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exitCode !== undefined) {
      await stop();
      throw new Error(
        `the portal exited with code ${exitCode} before it was healthy:\n${stderr}${stdout}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the portal did not answer GET /healthz with 200 within 30 s:\n${stderr}${stdout}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return { url, databaseUrl, stderr: () => stderr, stop };
}
