import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { ChildEnded, portIsFree, startChild, waitForHealth, type Child } from './children';
import { seed, type Seeded } from './seed';
import { formatCounts, startTraffic, type Traffic } from './traffic';
import { createAcmeUpstream, listen, SANDBOX_PATH } from './upstream';

/**
 * `pnpm demo`: the portal on SQLite in its own data folder, the sample Acme API, and the gateway
 * in front of it (the built apps, as child processes); a demo account, team and keys; light live
 * traffic through the gateway. Ctrl-C stops it all: the traffic, then each child with SIGINT
 * (waited for), then the Acme API; exit 0. A child that dies on its own is named and the rest are
 * stopped (exit 1).
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Where the person typed `pnpm demo` (pnpm runs the script in apps/demo and says so in INIT_CWD). */
const CALLER_DIR = process.env.INIT_CWD || process.cwd();
/** A path as the person would type it from where they are: relative inside, absolute outside. */
const relative = (file: string) => {
  const rel = path.relative(CALLER_DIR, file);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
};
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

const PORTS = [
  { env: 'DEMO_PORTAL_PORT', what: 'portal', fallback: 4000 },
  { env: 'DEMO_GATEWAY_PORT', what: 'gateway', fallback: 8080 },
  { env: 'DEMO_UPSTREAM_PORT', what: 'sample Acme API', fallback: 9090 },
] as const;

/** How long a child may take to stop after SIGINT before it is killed. */
const STOP_GRACE_MS = 20_000;

const out = (line = '') => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

class DemoError extends Error {}

function readPorts(): [number, number, number] {
  const problems: string[] = [];
  const ports = PORTS.map(({ env, fallback }) => {
    const raw = process.env[env];
    if (raw === undefined || raw === '') return fallback;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      problems.push(`${env} must be a port number from 1 to 65535 (got "${raw}")`);
    return port;
  });
  if (new Set(ports).size !== ports.length)
    problems.push(
      `DEMO_PORTAL_PORT, DEMO_GATEWAY_PORT and DEMO_UPSTREAM_PORT must differ (got ${ports.join(', ')})`,
    );
  if (problems.length > 0) throw new DemoError(problems.join('\n'));
  return ports as [number, number, number];
}

async function checkPorts(ports: readonly number[]): Promise<void> {
  const taken: string[] = [];
  for (const [i, port] of ports.entries()) {
    if (!(await portIsFree(port))) {
      const { env, what } = PORTS[i]!;
      taken.push(
        `Port ${port} (the ${what}) is already in use: stop what listens there, or pick another port, e.g. ${env}=${port + 1} pnpm demo`,
      );
    }
  }
  if (taken.length > 0) throw new DemoError(taken.join('\n'));
}

function checkBuilt(): { portalMain: string; gatewayMain: string } {
  const portalMain = path.join(packageDir('@partner-portal/api'), 'dist', 'main.js');
  const gatewayMain = path.join(packageDir('@partner-portal/gateway'), 'dist', 'main.js');
  const missing = [portalMain, gatewayMain].filter((file) => !existsSync(file));
  if (missing.length > 0)
    throw new DemoError(
      `Not built: ${missing.map(relative).join(', ')}. Run \`pnpm demo\` from the repository root (it builds first), or \`pnpm build\`.`,
    );
  const web = path.join(packageDir('@partner-portal/web'), 'dist', 'index.html');
  if (!existsSync(web))
    err(`Note: ${relative(web)} is missing, so the portal serves its API but not its pages.`);
  return { portalMain, gatewayMain };
}

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.DEMO_DATA_DIR || path.join(REPO_ROOT, '.demo'));
  const rate = Number(process.env.DEMO_RATE || 3);
  const children: Child[] = [];
  let upstream: Server | undefined;
  let traffic: Traffic | undefined;
  let stopping: Promise<never> | undefined;
  let firstSignalAt = 0;

  /** Stops everything that was started, in order, then exits with `code`. Runs once. */
  const shutdown = (code: number): Promise<never> =>
    (stopping ??= (async () => {
      if (children.length === 0 && !upstream) process.exit(code);
      out(`Stopping${code === 0 ? '' : ' the rest'}…`);
      await traffic?.stop();
      // The gateway first: its last counts are flushed while the portal still runs.
      for (const child of [...children].reverse()) {
        if (!child.running()) continue;
        const { code: exit, signal } = await child.stop(STOP_GRACE_MS);
        out(`  ${child.name} stopped (${signal ? `signal ${signal}` : `exit code ${exit}`})`);
      }
      if (upstream) {
        upstream.closeAllConnections();
        await new Promise((resolve) => upstream!.close(resolve));
        out('  sample Acme API stopped');
      }
      out('Demo stopped.');
      process.exit(code);
    })());

  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) {
      firstSignalAt = Date.now();
      out(`\n${signal}: stopping the demo (Ctrl-C again to force).`);
      void shutdown(0);
    } else if (Date.now() - firstSignalAt > 1000) {
      // A terminal and pnpm may both deliver the first Ctrl-C; a later one means "now".
      out('Forcing: killing the child processes.');
      for (const child of children) if (child.running()) child.process.kill('SIGKILL');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  /** A child that ends while the demo runs: say which, stop the rest, exit 1. */
  const supervise = (child: Child) => {
    void child.exited.then(({ code, signal }) => {
      if (stopping) return;
      err(
        `The ${child.name} (pid ${child.pid}) stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); stopping the rest.`,
      );
      void shutdown(1);
    });
  };

  try {
    const [portalPort, gatewayPort, upstreamPort] = readPorts();
    const { portalMain, gatewayMain } = checkBuilt();
    await checkPorts([portalPort, gatewayPort, upstreamPort]);

    const portalUrl = `http://localhost:${portalPort}`;
    const gatewayUrl = `http://localhost:${gatewayPort}`;
    const database = path.join(dataDir, 'portal.sqlite');
    // The gateway warns of each 504, which the demo makes on purpose: errors only, unless asked.
    const portalLogLevel = process.env.DEMO_LOG_LEVEL || 'warn';
    const gatewayLogLevel = process.env.DEMO_LOG_LEVEL || 'error';
    // Only what the demo means to pass: a DATABASE_URL or REDIS_URL in the shell must not leak in.
    const baseEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      // Optional: without Redis the portal reads the gateway's counts from the database for its live
      // charts (within about two seconds); with it, ticks cross at once.
      ...(process.env.DEMO_REDIS_URL
        ? { REDIS_URL: process.env.DEMO_REDIS_URL, REDIS_KEY_PREFIX: 'pp-demo:' }
        : {}),
    };

    upstream = createAcmeUpstream();
    const upstreamUrl = await listen(upstream, upstreamPort);
    out(`Sample Acme API at ${upstreamUrl} (sandbox under ${SANDBOX_PATH})`);

    const portal = startChild(
      'portal',
      portalMain,
      {
        ...baseEnv,
        NODE_ENV: 'development',
        PORT: String(portalPort),
        DATA_DIR: dataDir,
        PUBLIC_URL: portalUrl,
        GATEWAY_PUBLIC_URL: gatewayUrl,
        LOG_LEVEL: portalLogLevel,
      },
      // The portal's own "running at" line names 127.0.0.1; the demo's banner says it once.
      (line) => {
        if (!/Partner Portal is running at/.test(line)) err(line);
      },
    );
    children.push(portal);
    supervise(portal);
    out(
      `Starting the portal (pid ${portal.pid}) on SQLite in ${relative(dataDir)}${process.env.DEMO_REDIS_URL ? ', with Redis' : ''}…`,
    );
    await waitForHealth(portal, `http://127.0.0.1:${portalPort}/healthz`, 90_000);

    const gateway = startChild(
      'gateway',
      gatewayMain,
      {
        ...baseEnv,
        PORT: String(gatewayPort),
        UPSTREAM_URL: upstreamUrl,
        SANDBOX_UPSTREAM_URL: `${upstreamUrl}${SANDBOX_PATH}`,
        // Short enough that the Acme API's slowest answers become the gateway's 504s.
        UPSTREAM_TIMEOUT_MS: '3000',
        DATABASE_URL: `sqlite:${database}`,
        SHUTDOWN_TIMEOUT_MS: '5000',
        LOG_LEVEL: gatewayLogLevel,
      },
      err,
    );
    children.push(gateway);
    supervise(gateway);
    out(`Starting the gateway (pid ${gateway.pid})…`);
    await waitForHealth(gateway, `http://127.0.0.1:${gatewayPort}/__gateway/healthz`, 60_000);

    const seeded = await seed(`http://127.0.0.1:${portalPort}`, dataDir);
    if (stopping) return;
    traffic = startTraffic({
      gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      keys: {
        production: seeded.keys.production.secret,
        development: seeded.keys.development.secret,
        revoked: seeded.keys.revoked.secret,
      },
      rate,
      burstSize: 30,
      burstEveryMs: 30_000,
      reportEveryMs: Number(process.env.DEMO_REPORT_MS || 30_000),
      onReport: (counts, periodMs) => {
        const total = [...counts.values()].reduce((a, b) => a + b, 0);
        out(
          `[traffic] ${total} requests in the last ${Math.round(periodMs / 1000)} s: ${formatCounts(counts) || 'none'}`,
        );
      },
    });
    banner(seeded, { portalUrl, gatewayUrl, upstreamUrl, dataDir, rate });
  } catch (error) {
    if (stopping) return;
    if (error instanceof DemoError) err(error.message);
    else if (error instanceof ChildEnded) {
      // supervise() has said which one and is stopping the rest.
      return;
    } else
      err(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

function banner(
  seeded: Seeded,
  urls: {
    portalUrl: string;
    gatewayUrl: string;
    upstreamUrl: string;
    dataDir: string;
    rate: number;
  },
): void {
  const { portalUrl, gatewayUrl, upstreamUrl, dataDir, rate } = urls;
  const made = seeded.keysMade;
  const state = relative(seeded.stateFile);
  out();
  out('  The Acme demo is running.');
  out();
  out(`  Portal    ${portalUrl}`);
  out(`            log in as ${seeded.email} with password ${seeded.password}`);
  out(`            live usage: ${portalUrl}/teams/${seeded.teamId}/usage`);
  out(`  Gateway   ${gatewayUrl}   (in front of the sample Acme API at ${upstreamUrl})`);
  out();
  out('  Call the Acme API through the gateway with the production key:');
  out(
    `    curl -sS -H "Authorization: Bearer ${seeded.keys.production.secret}" ${gatewayUrl}/v1/products`,
  );
  out(`  The development key (its calls go to the sandbox): ${seeded.keys.development.secret}`);
  out();
  out(
    `  Account ${seeded.account}, team "${seeded.teamName}"; ${made.length === 0 ? 'keys reused' : `keys made: ${made.join(', ')}`}.`,
  );
  out(
    `  The login and the keys' secrets are kept in ${state} (mode 600): the next run reuses them.`,
  );
  out(`  Delete ${relative(dataDir)} to start afresh.`);
  out();
  out(
    `  Traffic: about ${rate} requests a second through the gateway with both keys: some 404s, 4xx,`,
  );
  out(
    '  503s and slow answers (504) from GET /v1/status, 429s from bursts on the development key,',
  );
  out('  401s from a revoked and a mistyped key. A line every 30 s sums it up.');
  out('  Open the usage page: the charts move live (Live is on by default for short ranges).');
  out('  Press Ctrl-C to stop everything.');
  out();
}

main().catch((error: unknown) => {
  err(`The demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
