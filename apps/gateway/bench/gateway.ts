/**
 * `pnpm bench:gateway`: the figures of issue 9, "Measured", in one run on one machine.
 *
 * Processes: this one is the load generator (autocannon) and the referee; the upstream (a bare
 * node:http server answering a small JSON, bench/upstream.ts), the built portal (apps/api
 * dist/main.js), the built gateway (dist/main.js), the same gateway passing through without a key
 * core (bench/pass-through.ts) and the SDK's servers (packages/sdk/bench/servers.ts) each run as a child
 * process in production mode, so the generator never shares their event loop.
 *
 * On 2 cores the generator and the servers share the CPU, so absolute req/s mean little: every
 * throughput figure is the ratio of two servers measured in the same run, in short alternating
 * rounds (a figure's servers back to back, the order rotating each round), and the figure is
 * the median of the per-round ratios.
 *
 * The portal's database is a fresh SQLite file, or a fresh database on the MariaDB server of
 * DATABASE_URL when it is set. Throughput is measured on a deployment with Redis (REDIS_URL,
 * default redis://127.0.0.1:6379: limits shared by portal and gateways, as a provider with more
 * than one gateway runs it); revocations are measured with Redis and without it.
 *
 * Knobs: BENCH_ROUNDS (12), BENCH_SECONDS (2, per run), BENCH_CONNECTIONS (32), BENCH_TRIALS (50),
 * BENCH_RATE (for profiling: each run sends that many requests a second instead of all it can, so
 * the throughput ratios read about 1× and the CPU per request of each process compares at equal
 * load), BENCH_PROFILE=gateway,pass-through,portal,sdk (node --cpu-prof on those children; profiles in
 * bench-results/profiles/), BENCH_OUT (bench-results/gateway.json), BENCH_ONLY (a comma list of
 * the throughput variants below: only those are loaded, and the counting and revoke figures are
 * skipped; e.g. BENCH_ONLY=verify,verifyLocal,bareVerifyJson for figure 1 alone, written to
 * bench-results/gateway.partial.json).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { PortalClient } from '../test/portal-client';
import { freePort, freshDeployment, type Deployment } from '../test/processes';

// 12, not 8: on this VM the per-round ratios of one figure spread from 0.72× to 1.09× (once 1.49×),
// and the median of 8 rounds moved by ±0.05 from one run to the next.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** For profiling: every run at this many requests a second, so CPU per request compares at equal load. */
const RATE = Number(process.env.BENCH_RATE ?? 0);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 50);
const PROFILE = new Set((process.env.BENCH_PROFILE ?? '').split(',').filter(Boolean));
/** For profiling one side: only these throughput servers, and no counting or revoke figures. */
const ONLY = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));

/** dist-bench/bench → the repository's root. */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const PORTAL_MAIN = path.join(ROOT, 'apps', 'api', 'dist', 'main.js');
const GATEWAY_MAIN = path.join(ROOT, 'apps', 'gateway', 'dist', 'main.js');
const OUT = path.resolve(
  ROOT,
  process.env.BENCH_OUT ??
    (ONLY.size > 0 ? 'bench-results/gateway.partial.json' : 'bench-results/gateway.json'),
);
const PROFILE_DIR = path.join(ROOT, 'bench-results', 'profiles');
const SDK_SERVERS = path.join(ROOT, 'packages', 'sdk', 'dist-bench', 'bench', 'servers.js');
const SERVICE_TOKEN = `bench-${randomBytes(24).toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// Child processes

interface Server {
  label: string;
  base: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 20 s). */
  stop(): Promise<void>;
}

const running = new Set<Server>();

function execArgv(label: string): string[] {
  if (!PROFILE.has(label)) return [];
  mkdirSync(PROFILE_DIR, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${label}.cpuprofile`];
}

/**
 * A server as a child process in production mode, on a free port; resolves once `healthPath`
 * answers 200. Its stdout (the gateway's log line per request) goes nowhere, so that reading it
 * costs the generator nothing; stderr is kept for errors.
 */
async function startServer(
  label: string,
  main: string,
  env: Record<string, string>,
  healthPath: string,
): Promise<Server> {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` first`);
  const port = await freePort();
  const child = spawn(process.execPath, [...execArgv(label), main], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}${healthPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 300 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the ${label} did not start:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const server: Server = {
    label,
    base,
    child,
    stderr: () => stderr,
    async stop() {
      running.delete(server);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
  running.add(server);
  return server;
}

/** A bench child (forked, IPC; `file` relative to this one's folder) and its first message carrying `field`. */
function forkChild(label: string, file: string, env: Record<string, string> = {}) {
  const child = fork(path.resolve(__dirname, file), {
    execArgv: execArgv(label),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
  });
  const message = <T>(field: string) =>
    new Promise<T>((resolve, reject) => {
      const on = (m: Record<string, unknown>) => {
        if (!(field in m)) return;
        child.off('message', on);
        child.off('exit', onExit);
        resolve(m[field] as T);
      };
      const onExit = () => reject(new Error(`the ${label} exited before sending ${field}`));
      child.on('message', on);
      child.once('exit', onExit);
    });
  return { child, message };
}

const dataDirs: string[] = [];

function portalEnv(deployment: Deployment): Record<string, string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-bench-gw-portal-'));
  dataDirs.push(dataDir);
  return {
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    DATABASE_URL: deployment.databaseUrl,
    JWT_SECRET: randomBytes(32).toString('hex'),
    MAIL_OUTBOX: 'true',
    SERVICE_TOKENS: SERVICE_TOKEN,
    // The bench makes a few teams and a hundred keys from one address.
    TEAMS_PER_HOUR: '1000',
    ...deployment.redis,
  };
}

function gatewayEnv(deployment: Deployment, upstream: string): Record<string, string> {
  return {
    // The production default: one JSON log line per request (to /dev/null here).
    LOG_LEVEL: 'info',
    DATABASE_URL: deployment.databaseUrl,
    UPSTREAM_URL: upstream,
    ...deployment.redis,
  };
}

// ---------------------------------------------------------------------------------------------
// Load and figures

interface Target {
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** Requests per second (and requests) over one run; any non-2xx or error spoils the figure. */
async function load(target: Target, label: string): Promise<{ rps: number; requests: number }> {
  const result = await autocannon({
    url: target.url,
    method: target.method ?? 'GET',
    headers: target.headers,
    ...(target.body !== undefined ? { body: target.body } : {}),
    connections: CONNECTIONS,
    duration: SECONDS,
    ...(RATE > 0 ? { overallRate: RATE } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
    throw new Error(
      `${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  return { rps: result.requests.total / SECONDS, requests: result.requests.total };
}

/** USER_HZ: /proc counts CPU time in ticks of 1/100 s on Linux. */
const MS_PER_CLOCK_TICK = 10;

/**
 * CPU time a process has used so far, in ms (utime + stime from /proc, in clock ticks).
 * Unlike req/s, CPU per request hardly depends on what else the 2 cores are running.
 */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_CLOCK_TICK;
  } catch {
    return NaN;
  }
}

/**
 * The whole machine's busy CPU so far, in ms (/proc/stat: every process and the kernel, idle and
 * iowait left out): what a variant's requests cost all told, the database's and the loopback's
 * share included, which no one process's reading shows.
 */
function machineCpuMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  // cpu user nice system idle iowait irq softirq steal (guest time is already within user).
  const [user, nice, system, , , irq, softirq, steal] = fields.slice(1, 9).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * MS_PER_CLOCK_TICK;
}

/** Redis's own CPU so far, in ms (INFO cpu), for the servers that call it on every request. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

interface Figure {
  id: number;
  figure: string;
  /** What exactly was measured, in a sentence. */
  measured: string;
  value: number | Record<string, unknown>;
  unit: string;
  target: string;
  /** null: reported, no target. */
  pass: boolean | null;
  detail: Record<string, unknown>;
}

type Variant =
  | 'bareVerifyJson'
  | 'verify'
  | 'verifyLocal'
  | 'passThrough'
  | 'gateway'
  | 'gatewayLocal'
  | 'upstream'
  | 'sdkBare'
  | 'sdk';

/**
 * The variants each figure compares. Within a round a group's runs follow one another, so the
 * two sides of a ratio are measured seconds apart, never a whole round apart: this machine's
 * speed drifts over tens of seconds (the same bare server took 23 µs a request in one minute
 * and 46 µs in another), and a round of every variant lasts 18 s.
 */
const GROUPS: Variant[][] = [
  ['bareVerifyJson', 'verify', 'verifyLocal'],
  ['passThrough', 'gateway', 'gatewayLocal', 'upstream'],
  ['sdkBare', 'sdk'],
];

/** `list` rotated left by `by`: round i starts with its i-th element. */
const rotated = <T>(list: T[], by: number): T[] =>
  list.map((_, j) => list[(by + j) % list.length]!);

/** Revoke → first 401 at a gateway process, per trial (ms from sending the revoke mutation). */
async function revokeTrials(portal: PortalClient, gateway: string, trials: number) {
  const delays: number[] = [];
  for (let i = 0; i < trials; i++) {
    const key = await portal.createKey();
    const headers = { authorization: `Bearer ${key.secret}` };
    // The gateway has the key cached (a 200) before the revoke: the revoke must reach its cache.
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${gateway}/`, { headers });
      await res.arrayBuffer();
      if (res.status === 200) break;
      if (attempt > 100) throw new Error(`a fresh key is refused by the gateway: ${res.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const started = performance.now();
    const revoked = portal.revoke(key.id);
    let delay: number | undefined;
    // Back-to-back requests from the moment the mutation is sent until the first refusal.
    while (delay === undefined) {
      const res = await fetch(`${gateway}/`, { headers });
      await res.arrayBuffer();
      if (res.status === 401) delay = performance.now() - started;
      else if (res.status !== 200) throw new Error(`unexpected ${res.status} while waiting`);
      else if (performance.now() - started > 15_000)
        throw new Error('a revoked key was still served after 15 s');
    }
    await revoked;
    delays.push(delay);
  }
  return delays;
}

/** The known mix of upstream statuses sent through the gateway for figure 6. */
const STATUS_MIX: Record<number, number> = {
  200: 400,
  201: 60,
  204: 40,
  301: 30,
  400: 50,
  404: 120,
  429: 20,
  500: 50,
  503: 30,
};

async function main() {
  const begun = performance.now();
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  const database =
    process.env.DATABASE_URL && !process.env.DATABASE_URL.startsWith('sqlite:')
      ? 'mariadb'
      : 'sqlite';
  process.env.REDIS_URL ||= 'redis://127.0.0.1:6379';
  const redisUrl = process.env.REDIS_URL;
  console.log(
    `pnpm bench:gateway — portal database: ${database === 'mariadb' ? 'MariaDB (DATABASE_URL)' : 'SQLite (a fresh file)'}; Redis: ${redisUrl.replace(/\/\/[^@]*@/, '//***@')} (figures 1, 2 and 5 are measured with it and without it)`,
  );
  console.log(
    `${os.cpus().length} cores, Node ${process.version}; ${ROUNDS} alternating rounds of ${SECONDS} s per server, ${CONNECTIONS} connections (autocannon in this process); load average ${loadAtStart.join(' ')}`,
  );

  const figures: Figure[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  try {
    // ---- the shared upstream
    const upstreamChild = forkChild('upstream', 'upstream.js');
    cleanups.push(async () => {
      if (upstreamChild.child.connected) upstreamChild.child.send({ stop: true });
      await new Promise((r) => upstreamChild.child.once('exit', r));
    });
    const upstream = await upstreamChild.message<string>('url');

    // ---- deployment with Redis: portal, gateway, pass-through gateway, SDK servers
    const withRedis = await freshDeployment({ redis: true });
    cleanups.push(() => withRedis.dispose());
    const portal = await startServer('portal', PORTAL_MAIN, portalEnv(withRedis), '/healthz');
    cleanups.push(() => portal.stop());
    const gateway = await startServer(
      'gateway',
      GATEWAY_MAIN,
      gatewayEnv(withRedis, upstream),
      '/__gateway/healthz',
    );
    cleanups.push(() => gateway.stop());
    const passThrough = await startServer(
      'pass-through',
      path.join(__dirname, 'pass-through.js'),
      gatewayEnv(withRedis, upstream),
      '/__gateway/healthz',
    );
    cleanups.push(() => passThrough.stop());

    // ---- the same without Redis (no REDIS_URL: limits in each process's memory; revokes polled)
    const noRedis = await freshDeployment({ redis: false });
    cleanups.push(() => noRedis.dispose());
    const portalLocal = await startServer(
      'portal-no-redis',
      PORTAL_MAIN,
      portalEnv(noRedis),
      '/healthz',
    );
    cleanups.push(() => portalLocal.stop());
    const gatewayLocal = await startServer(
      'gateway-no-redis',
      GATEWAY_MAIN,
      gatewayEnv(noRedis, upstream),
      '/__gateway/healthz',
    );
    cleanups.push(() => gatewayLocal.stop());

    const client = await new PortalClient(portal.base).owner();
    const clientLocal = await new PortalClient(portalLocal.base).owner();
    // Valid keys with limits far above what the bench can send, so every request takes from the
    // limits (per minute and per month) and none is refused.
    const limited = { rateLimitPerMinute: 1_000_000, monthlyRequestLimit: 1_000_000_000 };
    const gatewayKey = await client.createKey(limited);
    const verifyKey = await client.createKey(limited);
    const gatewayLocalKey = await clientLocal.createKey(limited);
    const verifyLocalKey = await clientLocal.createKey(limited);
    // The SDK caches answers for keys without limits (a limited key takes one verify per request).
    const sdkKey = await client.createKey();

    // The SDK's own bench servers (packages/sdk/bench/servers.ts, built by this package's bench
    // script): node:http bare and behind withPartnerAuth, in one process.
    const sdkChild = forkChild('sdk', SDK_SERVERS, {
      PORTAL_URL: portal.base,
      SERVICE_TOKEN,
    });
    let sdkStopped = false;
    cleanups.push(async () => {
      if (!sdkStopped && sdkChild.child.exitCode === null) sdkChild.child.kill();
      await Promise.resolve();
    });
    const sdkUrls = await sdkChild.message<{ bare: string; sdk: string }>('urls');

    const verifyBody = JSON.stringify({ key: verifyKey.secret, count: true });
    const verifyLocalBody = JSON.stringify({ key: verifyLocalKey.secret, count: true });
    const verifyHeaders = {
      authorization: `Bearer ${SERVICE_TOKEN}`,
      'content-type': 'application/json',
    };
    const sample = await fetch(`${portal.base}/v1/keys/verify`, {
      method: 'POST',
      headers: verifyHeaders,
      body: verifyBody,
    });
    const sampleJson = await sample.text();
    if (sample.status !== 200 || !(JSON.parse(sampleJson) as { valid: boolean }).valid)
      throw new Error(`the verify endpoint did not admit the key: ${sample.status} ${sampleJson}`);
    upstreamChild.child.send({ verifyJson: sampleJson });
    await upstreamChild.message('verifyJsonSet');

    const auth = (secret: string) => ({ authorization: `Bearer ${secret}` });
    const targets: Record<Variant, Target> = {
      bareVerifyJson: {
        url: `${upstream}/verify-json`,
        method: 'POST',
        headers: verifyHeaders,
        body: verifyBody,
      },
      verify: {
        url: `${portal.base}/v1/keys/verify`,
        method: 'POST',
        headers: verifyHeaders,
        body: verifyBody,
      },
      verifyLocal: {
        url: `${portalLocal.base}/v1/keys/verify`,
        method: 'POST',
        headers: verifyHeaders,
        body: verifyLocalBody,
      },
      passThrough: { url: `${passThrough.base}/`, headers: auth(gatewayKey.secret) },
      gateway: { url: `${gateway.base}/`, headers: auth(gatewayKey.secret) },
      gatewayLocal: { url: `${gatewayLocal.base}/`, headers: auth(gatewayLocalKey.secret) },
      upstream: { url: `${upstream}/`, headers: auth(gatewayKey.secret) },
      sdkBare: { url: `${sdkUrls.bare}/`, headers: auth(sdkKey.secret) },
      sdk: { url: `${sdkUrls.sdk}/`, headers: auth(sdkKey.secret) },
    };
    const variants = (Object.keys(targets) as Variant[]).filter(
      (v) => ONLY.size === 0 || ONLY.has(v),
    );

    // ---- throughput: warm every server (JIT, keep-alive, caches), then alternating rounds
    console.log('\nthroughput (req/s per run; only the ratios within a round mean anything):');
    for (const v of variants) await load(targets[v], v);
    const redisInfo = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redisInfo.connect();
    cleanups.push(async () => {
      // The run's counters (a month's live 32 days) go with it: everything under its prefix.
      const prefix = withRedis.redis.REDIS_KEY_PREFIX;
      if (prefix)
        for await (const keys of redisInfo.scanStream({ match: `${prefix}*`, count: 500 }))
          if ((keys as string[]).length > 0) await redisInfo.unlink(...(keys as string[]));
      await redisInfo.quit().catch(() => redisInfo.disconnect());
    });
    const pid = (child: ChildProcess) => () => Promise.resolve(processCpuMs(child.pid!));
    const meters = {
      upstream: pid(upstreamChild.child),
      portal: pid(portal.child),
      portalLocal: pid(portalLocal.child),
      gateway: pid(gateway.child),
      gatewayLocal: pid(gatewayLocal.child),
      passThrough: pid(passThrough.child),
      sdkServers: pid(sdkChild.child),
      redis: () => redisCpuMs(redisInfo),
      machine: () => Promise.resolve(machineCpuMs()),
      loadGenerator: () => {
        const { user, system } = process.cpuUsage();
        return Promise.resolve((user + system) / 1000);
      },
    };
    type Meter = keyof typeof meters;
    const measuredBy: Record<Variant, Meter[]> = {
      bareVerifyJson: ['upstream'],
      verify: ['portal', 'redis'],
      verifyLocal: ['portalLocal'],
      passThrough: ['passThrough', 'upstream'],
      gateway: ['gateway', 'upstream', 'redis'],
      gatewayLocal: ['gatewayLocal', 'upstream'],
      upstream: ['upstream'],
      sdkBare: ['sdkServers'],
      sdk: ['sdkServers', 'portal'],
    };
    const cpu = {} as Record<Variant, Partial<Record<Meter | 'loadGenerator', number>>>;
    const requests = {} as Record<Variant, number>;
    const rounds: Record<Variant, number>[] = [];
    const groups = GROUPS.map((g) => g.filter((v) => variants.includes(v))).filter(
      (g) => g.length > 0,
    );
    for (let i = 0; i < ROUNDS; i++) {
      // The groups' order rotates, and so does the order within each: no variant always runs
      // first, or right after the same other one.
      const order = rotated(groups, i).flatMap((g) => rotated(g, i));
      const r = {} as Record<Variant, number>;
      for (const v of order) {
        const names: Meter[] = [...measuredBy[v], 'loadGenerator', 'machine'];
        const before = await Promise.all(names.map((m) => meters[m]()));
        const run = await load(targets[v], v);
        const after = await Promise.all(names.map((m) => meters[m]()));
        r[v] = run.rps;
        requests[v] = (requests[v] ?? 0) + run.requests;
        cpu[v] ??= {};
        names.forEach((m, k) => (cpu[v][m] = (cpu[v][m] ?? 0) + after[k]! - before[k]!));
      }
      rounds.push(r);
      console.log(
        `  round ${i + 1}: ${variants.map((v) => `${v} ${Math.round(r[v])}`).join(', ')}`,
      );
    }
    /** CPU µs per request of each process a variant's requests go through (all rounds). */
    const cpuPerRequest = (v: Variant) =>
      Object.fromEntries(
        Object.entries(cpu[v]).map(([m, ms]) => [m, Math.round((ms * 1000) / requests[v])]),
      );
    console.log('CPU µs per request, by process and for the whole machine (all rounds):');
    for (const v of variants)
      console.log(
        `  ${v}: ${Object.entries(cpuPerRequest(v))
          .map(([m, us]) => `${m} ${us}`)
          .join(', ')}`,
      );
    sdkChild.child.send('stop');
    const sdkStats = await sdkChild.message<Record<string, unknown>>('stats');
    sdkStopped = true;

    const ratio = (
      id: number,
      figure: string,
      measured: string,
      a: Variant,
      b: Variant,
      target: number | null,
      extra: Record<string, unknown> = {},
    ) => {
      if (!variants.includes(a) || !variants.includes(b)) return;
      const perRound = rounds.map((r) => r[a] / r[b]);
      const value = round(median(perRound));
      figures.push({
        id,
        figure,
        measured,
        value,
        unit: '×',
        target: target === null ? 'reported' : `≥ ${target}×`,
        pass: target === null ? null : value >= target,
        detail: {
          perRound: perRound.map((x) => round(x)),
          medianReqPerSecond: {
            [a]: Math.round(median(rounds.map((r) => r[a]))),
            [b]: Math.round(median(rounds.map((r) => r[b]))),
          },
          cpuMicrosecondsPerRequest: { [a]: cpuPerRequest(a), [b]: cpuPerRequest(b) },
          ...extra,
        },
      });
    };
    ratio(
      1,
      'verify endpoint vs a bare node:http server answering the same JSON, with Redis',
      'req/s of POST /v1/keys/verify on the built portal (service token, a valid key with per-minute and monthly limits in Redis, count on) over req/s of a bare node:http server that reads the same POST, parses its JSON and answers the same bytes with the same headers; median of per-round ratios',
      'verify',
      'bareVerifyJson',
      0.6,
      { configuration: 'with Redis (REDIS_URL)' },
    );
    ratio(
      1,
      'verify endpoint vs a bare node:http server answering the same JSON, without Redis',
      'as above, on a portal without REDIS_URL: the key limits are counted in its own memory',
      'verifyLocal',
      'bareVerifyJson',
      0.6,
      { configuration: 'without Redis (limits in process memory)' },
    );
    ratio(
      2,
      'gateway with auth + limits + counting vs the same gateway passing through without them, with Redis',
      'req/s of GET / through the built gateway (key checked, per-minute and monthly limits in Redis, counted) over req/s through the same createGateway with a key check that admits every key without look-up, limits or counting (bench/pass-through.ts); same upstream, both logging a line per request; median of per-round ratios',
      'gateway',
      'passThrough',
      0.8,
      {
        configuration: 'with Redis (REDIS_URL)',
        reference: 'Kong with key-auth and rate limiting: 0.76×',
      },
    );
    ratio(
      2,
      'gateway with auth + limits + counting vs the same gateway passing through without them, without Redis',
      'as above, with a built gateway (and portal) without REDIS_URL: the key limits are counted in the gateway process (the gateway default)',
      'gatewayLocal',
      'passThrough',
      0.8,
      {
        configuration: 'without Redis (limits in process memory)',
        reference: 'Kong with key-auth and rate limiting: 0.76×',
      },
    );
    ratio(
      3,
      'gateway vs calling the upstream directly, with Redis',
      'req/s of GET / through the built gateway (auth + limits + counting) over req/s of GET / on the upstream itself; median of per-round ratios',
      'gateway',
      'upstream',
      null,
    );
    ratio(
      3,
      'gateway vs calling the upstream directly, without Redis',
      'as above, through the built gateway without REDIS_URL',
      'gatewayLocal',
      'upstream',
      null,
    );
    ratio(
      4,
      'an http server with the SDK middleware (warm cache) vs without',
      'req/s of a node:http server behind withPartnerAuth (a key without limits, so its verify answer is cached; every request reported to /v1/usage of the real portal, the equal requests of a second as one event with a count) over req/s of the same server bare, both in one child process; median of per-round ratios',
      'sdk',
      'sdkBare',
      0.9,
      { sdkClientStats: sdkStats },
    );

    if (ONLY.size === 0) {
      // ---- figure 6: requests sent through the gateway vs requests counted, per status
      console.log('\ncounting: a known mix of upstream statuses through the gateway');
      const countKey = await client.createKey();
      const sent: Record<number, number> = {};
      for (const [status, amount] of Object.entries(STATUS_MIX)) {
        const result = await autocannon({
          url: `${gateway.base}/status/${status}`,
          headers: auth(countKey.secret),
          connections: 8,
          amount,
        });
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
          sent[Number(code)] = (sent[Number(code)] ?? 0) + (stat.count ?? 0);
      }
      const counted = await client.waitForCounts(countKey.id, sent, 15_000);
      const statuses = [
        ...new Set([...Object.keys(sent), ...Object.keys(counted)].map(Number)),
      ].sort((a, b) => a - b);
      const countsEqual =
        statuses.every((s) => sent[s] === counted[s]) &&
        statuses.every((s) => sent[s] === STATUS_MIX[s]);
      figures.push({
        id: 6,
        figure: 'requests sent through the gateway vs requests counted, per status',
        measured:
          'answers autocannon received per status for a known mix of upstream statuses through the built gateway (one key without limits), against the key usage per status read back over the portal GraphQL API',
        value: Object.fromEntries(
          statuses.map((s) => [
            s,
            { intended: STATUS_MIX[s] ?? 0, sent: sent[s] ?? 0, counted: counted[s] ?? 0 },
          ]),
        ),
        unit: 'requests',
        target: 'equal',
        pass: countsEqual,
        detail: { total: Object.values(sent).reduce((a, b) => a + b, 0) },
      });

      // ---- figure 5: revoke → first refusal at another gateway process
      console.log(`\nrevocations: ${TRIALS} trials with Redis`);
      const withRedisDelays = await revokeTrials(client, gateway.base, TRIALS);
      // The deployment with Redis is done: only the one without runs from here.
      await passThrough.stop();
      await gateway.stop();
      await portal.stop();
      console.log(`revocations: ${TRIALS} trials without Redis (the gateway polls the database)`);
      const noRedisDelays = await revokeTrials(clientLocal, gatewayLocal.base, TRIALS);

      const revokeFigure = (delays: number[], redis: boolean, targetMs: number) => {
        const p99 = round(percentile(delays, 99), 1);
        figures.push({
          id: 5,
          figure: `revoke in the portal → first refusal at another gateway process, ${redis ? 'with' : 'without'} Redis`,
          measured: `ms from sending the revokeApiKey mutation to the portal to the first 401 at a separate gateway process that had the key cached (requests sent back to back), p99 of ${delays.length} trials${redis ? '' : ' (no REDIS_URL: the gateway polls the database)'}`,
          value: p99,
          unit: 'ms',
          target: `≤ ${targetMs} ms`,
          pass: p99 <= targetMs,
          detail: {
            median: round(median(delays), 1),
            min: round(Math.min(...delays), 1),
            max: round(Math.max(...delays), 1),
            trials: delays.map((d) => round(d, 1)),
          },
        });
      };
      revokeFigure(withRedisDelays, true, 1000);
      revokeFigure(noRedisDelays, false, 2000);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    for (const server of running) await server.stop().catch(() => {});
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }

  figures.sort((a, b) => a.id - b.id);
  const durationSeconds = round((performance.now() - begun) / 1000, 1);
  console.log('\nfigure | measured | target | verdict');
  for (const f of figures) {
    const shown =
      typeof f.value === 'number'
        ? `${f.value}${f.unit === '×' ? '×' : ` ${f.unit}`}`
        : Object.entries(f.value)
            .map(([s, v]) => {
              const c = v as { sent: number; counted: number };
              return `${s}: ${c.sent} sent / ${c.counted} counted`;
            })
            .join(', ');
    const verdict = f.pass === null ? 'reported' : f.pass ? 'PASS' : 'MISS';
    console.log(`${f.id}. ${f.figure}: ${shown} (target ${f.target}) ${verdict}`);
  }
  console.log(`\nrun took ${durationSeconds} s`);

  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(
    OUT,
    `${JSON.stringify(
      {
        bench: 'pnpm bench:gateway',
        startedAt: startedAt.toISOString(),
        durationSeconds,
        machine: {
          cores: os.cpus().length,
          cpu: os.cpus()[0]?.model,
          node: process.version,
          // 1, 5 and 15 minute load averages: the cores are shared with whatever else runs.
          loadAverageAtStart: loadAtStart,
          loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
        },
        database,
        loadGenerator: `autocannon, in the bench's own process, ${CONNECTIONS} connections`,
        rounds: ROUNDS,
        secondsPerRun: SECONDS,
        revokeTrials: TRIALS,
        figures,
        allPass: figures.every((f) => f.pass !== false),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`written to ${path.relative(process.cwd(), OUT) || OUT}`);
  if (PROFILE.size > 0) console.log(`CPU profiles in ${PROFILE_DIR}`);
}

main().catch((error: unknown) => {
  console.error(error);
  for (const server of running) server.child.kill('SIGKILL');
  process.exit(1);
});
