import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { repoRoot } from './portal';

/** A stand-in for the provider's API: answers JSON naming the partner the gateway said was calling. */
export async function startUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        ok: true,
        path: req.url,
        team: req.headers['x-partner-team-id'] ?? null,
        environment: req.headers['x-partner-environment'] ?? null,
        sawKey: Boolean(req.headers.authorization ?? req.headers['x-api-key']),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The built gateway (apps/gateway) on `port`, in front of `upstream`, on the portal's database. */
export async function startGateway(options: {
  port: number;
  upstreamUrl: string;
  databaseUrl: string;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const main = path.join(repoRoot, 'apps', 'gateway', 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (pnpm build)`);
  const child = spawn(process.execPath, [main], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      UPSTREAM_URL: options.upstreamUrl,
      SANDBOX_UPSTREAM_URL: `${options.upstreamUrl}/sandbox`,
      DATABASE_URL: options.databaseUrl,
      LOG_LEVEL: 'warn',
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited: ${stderr}`);
    const ok = await fetch(`${url}/__gateway/healthz`)
      .then((res) => res.status === 200)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the gateway did not become healthy within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
