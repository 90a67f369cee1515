/**
 * `pnpm bench:graphql`: the figures of issue 11, "Measured", in one run on one machine, each the
 * ratio of a portal figure to stock Apollo Server 5 + TypeGraphQL serving `team(id){ id name }`
 * from memory (baselines.ts) measured in the same run, printed beside its target with PASS or MISS
 * ("reported" where the issue sets none, SKIP where it could not be measured), and written to
 * bench-results/graphql.json.
 *
 * Processes: this one is the load generator (autocannon, 32 connections) and the referee. The
 * stock server and a bare node:http server (baselines.ts), the built portal (dist/main.js,
 * NODE_ENV=production, LOG_LEVEL=info: a line per request) and, with Redis, the same portal with WEB_CONCURRENCY=2
 * each run in a process of their own, started and stopped by the bench.
 *
 * Database: a fresh SQLite file (the default, DATABASE_URL unset), or a fresh database created on
 * the MySQL/MariaDB server of DATABASE_URL and dropped afterwards. Redis: the portals use REDIS_URL
 * when it is set (key limits counted there, under a key prefix of this run's own); without it the
 * 2-process figure is skipped, since WEB_CONCURRENCY > 1 needs Redis. Everything the portal serves
 * is seeded through its own GraphQL API (sign up, log in, createTeam, createApiKey with limits).
 *
 * Measuring: each server is warmed up first (BENCH_WARMUP_SECONDS, every answer checked); then
 * BENCH_ROUNDS rounds, in each of which every subject runs once beside a run of the stock server
 * (stock, a, b, stock, c, d, …, stock) and the order of the subjects reverses from one round to the
 * next, so that the machine's drift hits the baseline and the subjects alike. A ratio is the median
 * of its per-round ratios to the stock run next to it. Every answer of every run is checked (200,
 * the expected data, no GraphQL `errors`): a single non-2xx, error, timeout or mismatch fails the
 * run, as a bench that measures errors measures nothing. Each run also records the server's CPU
 * time per request (Linux /proc), which depends far less than req/s on what else the cores run.
 *
 * Knobs: BENCH_ROUNDS (3), BENCH_SECONDS (5, per run), BENCH_WARMUP_SECONDS (2),
 * BENCH_CONNECTIONS (32), BENCH_OUT (bench-results/graphql.json).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Kind, parse, print, visit, type ASTNode, type SelectionSetNode } from 'graphql';
import { Redis } from 'ioredis';
import type { SpawnedPortal } from './spawn';
import {
  announce,
  cpuMs,
  explained,
  finishBench,
  freshDatabase,
  gql,
  median,
  personWithKey,
  round,
  startProductionPortal,
  type Figure,
} from './support';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** dist/bench → the repository's root. */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const OUT = path.resolve(ROOT, process.env.BENCH_OUT ?? 'bench-results/graphql.json');

/** Both limits, high enough never to be reached: every keyed request pays for checking them. */
const KEY_LIMITS = { rateLimitPerMinute: 1_000_000, monthlyRequestLimit: 1_000_000_000 };
const TEAM_QUERY = 'query Team($id: ID!) { team(id: $id) { id name } }';
const TYPENAME_QUERY = '{ __typename }';
/** The web app's dashboard document: GettingStarted, sent per team by its getting-started checklist. */
const WEB_OPERATIONS = path.join(ROOT, 'apps', 'web', 'src', 'features', 'teams', 'operations.ts');
const DASHBOARD_OPERATION = 'GettingStarted';

// ---------------------------------------------------------------------------------------------
// Servers

interface Server {
  label: string;
  base: string;
  pid: number;
  /** A cluster's primary: its workers' CPU counts too. */
  withChildren: boolean;
  stop(): Promise<unknown>;
}

/** A baseline server of baselines.ts, forked (production mode), once it sends its URL. */
async function startBaseline(
  which: 'stock-apollo' | 'bare-http',
  env: Record<string, string>,
): Promise<Server> {
  const child: ChildProcess = fork(path.join(__dirname, 'baselines.js'), [which], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url?: string }) => resolve(m.url!));
    child.once('exit', (code) => reject(new Error(`the ${which} server exited (${code})`)));
  });
  return {
    label: which,
    base,
    pid: child.pid!,
    withChildren: false,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const portalServer = (label: string, portal: SpawnedPortal, withChildren = false): Server => ({
  label,
  base: portal.base,
  pid: portal.pid,
  withChildren,
  stop: () => portal.stop(),
});

/**
 * Waits until `count` workers of a cluster answer /healthz (each answer names its worker in
 * X-Portal-Worker; a fresh connection per request, so the primary hands them out in turn).
 */
async function allWorkersUp(base: string, count: number): Promise<void> {
  const seen = new Set<string>();
  const deadline = Date.now() + 60_000;
  while (seen.size < count) {
    if (Date.now() > deadline)
      throw new Error(`only ${seen.size} of ${count} workers answered within 60 s`);
    const worker = await new Promise<string | undefined>((resolve) => {
      const req = http.get(`${base}/healthz`, { agent: false }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve(res.statusCode === 200 ? (res.headers['x-portal-worker'] as string) : undefined),
        );
      });
      req.on('error', () => resolve(undefined));
    });
    if (worker) seen.add(worker);
    else await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------------------------------------
// What is sent, and how every answer is checked

interface Scenario {
  /** The key in the JSON's details. */
  name: string;
  server: Server;
  headers: Record<string, string>;
  body: string;
  /** The whole first answer, parsed, is as expected (throws otherwise). */
  checkFirst: (body: unknown, headers: Headers) => void;
  /** Every answer under load: data, the expected piece of it, no errors. */
  verifyBody: (body: string | Buffer | undefined) => boolean;
}

const JSON_POST = { 'content-type': 'application/json' };

/** An answer with `data` that holds `piece` (its JSON, exactly) and no `errors`. */
const holds = (piece: string) => (body: string | Buffer | undefined) =>
  typeof body === 'string' &&
  body.startsWith('{"data":') &&
  !body.includes('"errors":') &&
  body.includes(piece);

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(
      `${what}: answered ${JSON.stringify(actual).slice(0, 500)}, expected ${JSON.stringify(expected)}`,
    );
}

/** One request, checked as a whole: 200, no errors, the data `checkFirst` wants. */
async function checkOnce(s: Scenario): Promise<string> {
  const res = await fetch(`${s.server.base}/graphql`, {
    method: 'POST',
    headers: s.headers,
    body: s.body,
  });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`${s.name}: the first answer is ${res.status}: ${text.slice(0, 500)}`);
  const parsed = JSON.parse(text) as { errors?: unknown };
  if (parsed.errors) throw new Error(`${s.name}: GraphQL errors ${JSON.stringify(parsed.errors)}`);
  s.checkFirst(parsed, res.headers);
  if (!s.verifyBody(text))
    throw new Error(`${s.name}: the first answer fails the check made under load: ${text}`);
  return text;
}

/**
 * The web app's dashboard query as Apollo Client 4 sends it: the document of operations.ts with
 * `__typename` added to every selection set below the root (the cache's addTypenameToDocument),
 * printed, in the body HttpLink writes ({ operationName, variables, extensions, query }) with the
 * variables the dashboard gives it (the last 30 days by day: recentWindow in usage/ranges.ts).
 */
function dashboardRequest(teamId: string, now = Date.now()): { body: string; query: string } {
  const source = readFileSync(WEB_OPERATIONS, 'utf8');
  const documents = [...source.matchAll(/graphql\(`([^`]*)`\)/g)].map((m) => m[1]!);
  const found = documents.find((d) => new RegExp(`query ${DASHBOARD_OPERATION}\\b`).test(d));
  if (!found) throw new Error(`${WEB_OPERATIONS} has no query ${DASHBOARD_OPERATION}`);
  const withTypename = visit(parse(found), {
    SelectionSet: {
      enter(node: SelectionSetNode, _key, parent: ASTNode | readonly ASTNode[] | undefined) {
        if (parent && 'kind' in parent && parent.kind === Kind.OPERATION_DEFINITION) return;
        if (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__')))
          return;
        return {
          ...node,
          selections: [
            ...node.selections,
            { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } },
          ],
        };
      },
    },
  });
  const query = print(withTypename);
  const day = 86_400_000;
  const until = Math.floor(now / day) * day + day;
  const variables = {
    teamId,
    since: new Date(until - 30 * day).toISOString(),
    until: new Date(until).toISOString(),
  };
  const web = JSON.parse(readFileSync(path.join(ROOT, 'apps', 'web', 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const extensions = {
    clientLibrary: { name: '@apollo/client', version: web.dependencies['@apollo/client'] },
  };
  return {
    body: JSON.stringify({ operationName: DASHBOARD_OPERATION, variables, extensions, query }),
    query,
  };
}

// ---------------------------------------------------------------------------------------------
// Load

interface Run {
  rps: number;
  /** This run's req/s over the stock run's next to it (subjects only). */
  vsStock?: number;
  requests: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  /** Cores the server's processes used during the run, the load generator (this process), and the database and Redis servers on this machine. */
  serverCores: number;
  loadGeneratorCores: number;
  storeCores: number;
}

/** The database and Redis servers running on this machine (by process name), whose CPU the runs share. */
const STORES = /^(mariadbd|mysqld|redis-server)$/;
function storeCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (STORES.test(readFileSync(`/proc/${entry}/comm`, 'utf8').trim()))
        total += cpuMs(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** One autocannon run against a scenario; any non-2xx, error, timeout or mismatch fails it. */
async function load(s: Scenario, seconds: number): Promise<Run> {
  const cpuBefore = cpuMs(s.server.pid, s.server.withChildren);
  const ownBefore = process.cpuUsage();
  const storesBefore = storeCpuMs();
  const result = await autocannon({
    url: `${s.server.base}/graphql`,
    method: 'POST',
    headers: s.headers,
    body: s.body,
    connections: CONNECTIONS,
    duration: seconds,
    verifyBody: s.verifyBody,
  });
  const cpu = cpuMs(s.server.pid, s.server.withChildren) - cpuBefore;
  const own = process.cpuUsage(ownBefore);
  const stores = storeCpuMs() - storesBefore;
  const failed = {
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: (result as unknown as { mismatches: number }).mismatches,
  };
  if (Object.values(failed).some((n) => n > 0) || result.requests.total === 0)
    throw new Error(
      `${s.name}: ${result.requests.total} requests, of which failed ${JSON.stringify(failed)} (mismatches: answers that are not 200 with the expected data, or carry GraphQL errors)`,
    );
  return {
    rps: result.requests.total / result.duration,
    requests: result.requests.total,
    p99Ms: result.latency.p99,
    cpuUsPerRequest: (cpu * 1000) / result.requests.total,
    serverCores: cpu / (result.duration * 1000),
    loadGeneratorCores: (own.user + own.system) / 1000 / (result.duration * 1000),
    storeCores: stores / (result.duration * 1000),
  };
}

/** Median cores used by the server's processes and by the load generator over some runs. */
function cores(runs: Run[]): { portal: number; databaseAndRedis: number; loadGenerator: number } {
  return {
    portal: round(median(runs.map((r) => r.serverCores)), 2),
    databaseAndRedis: round(median(runs.map((r) => r.storeCores)), 2),
    loadGenerator: round(median(runs.map((r) => r.loadGeneratorCores)), 2),
  };
}

const coresText = (c: ReturnType<typeof cores>) =>
  `portal ${c.portal} + database and Redis ${c.databaseAndRedis} + load generator ${c.loadGenerator}`;

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const begun = performance.now();
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  const database = await freshDatabase();
  const redisUrl = process.env.REDIS_URL;
  const redisPrefix = `pp-bench-gql-${randomBytes(4).toString('hex')}:`;
  console.log(
    `pnpm bench:graphql — issue 11; ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadAtStart.join(' ')}`,
  );
  console.log(`database: ${database.described}`);
  console.log(
    `redis: ${redisUrl ? `REDIS_URL (${redisUrl.replace(/\/\/[^@]*@/, '//***@')}), key prefix ${redisPrefix}: key limits are counted there` : 'none (REDIS_URL unset): the portal counts key limits in its own memory; the 2-process figure needs Redis and is skipped'}`,
  );
  console.log(
    `servers: each in its own process, NODE_ENV=production; load generator: autocannon in this process, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds, ${WARMUP_SECONDS} s warm-up per server\n`,
  );

  const servers: Server[] = [];
  const figures: Figure[] = [];
  let portal: SpawnedPortal | undefined;
  try {
    // LOG_LEVEL=info, production's default: the portal writes its line per request (to a stdout
    // nobody reads), as a deployed portal does; the stock server logs nothing.
    const portalEnv: Record<string, string> = {
      LOG_LEVEL: 'info',
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: redisPrefix } : {}),
    };
    portal = await startProductionPortal(database.url, portalEnv);
    const onePortal = portalServer('portal', portal);
    servers.push(onePortal);

    // Seeded through the portal's own API: a person, their team, a key with both limits, a session.
    const person = await personWithKey(portal.base, KEY_LIMITS);
    const { logIn } = await gql<{ logIn: { token: string } }>(
      portal.base,
      `mutation($i: LogInInput!) { logIn(input: $i) { token } }`,
      { i: { email: person.email, password: person.password } },
    );
    const team = { id: person.teamId, name: 'Bench' };

    const stock = await startBaseline('stock-apollo', {
      BENCH_TEAM_ID: team.id,
      BENCH_TEAM_NAME: team.name,
    });
    servers.push(stock);

    // WEB_CONCURRENCY=2: the same database and Redis (prefix) as the one-process portal.
    let cluster: Server | undefined;
    if (redisUrl) {
      const spawned = await startProductionPortal(database.url, {
        ...portalEnv,
        WEB_CONCURRENCY: '2',
      });
      cluster = portalServer('portal, WEB_CONCURRENCY=2', spawned, true);
      servers.push(cluster);
      await allWorkersUp(cluster.base, 2);
    }

    const teamBody = JSON.stringify({ query: TEAM_QUERY, variables: { id: team.id } });
    const teamData = { team };
    const teamPiece = JSON.stringify(teamData);
    const checkTeam = (body: unknown) =>
      expectEqual('team', (body as { data: unknown }).data, teamData);
    const checkLimits = (_body: unknown, headers: Headers) =>
      expectEqual(
        'RateLimit-Limit of the key',
        headers.get('ratelimit-limit'),
        String(KEY_LIMITS.rateLimitPerMinute),
      );
    const key = { ...JSON_POST, 'x-api-key': person.secret };
    const session = { ...JSON_POST, authorization: `Bearer ${logIn.token}` };
    const dashboard = dashboardRequest(team.id);

    const stockRun: Scenario = {
      name: 'stock',
      server: stock,
      headers: JSON_POST,
      body: teamBody,
      checkFirst: checkTeam,
      verifyBody: holds(teamPiece),
    };
    const stockAnswer = await checkOnce(stockRun);
    const bare = await startBaseline('bare-http', { BENCH_BARE_BODY: stockAnswer });
    servers.push(bare);

    const subjects: Scenario[] = [
      { ...stockRun, name: 'bareHttp', server: bare },
      {
        name: 'anonymousTypename',
        server: onePortal,
        headers: JSON_POST,
        body: JSON.stringify({ query: TYPENAME_QUERY }),
        checkFirst: (body) =>
          expectEqual('{ __typename }', (body as { data: unknown }).data, { __typename: 'Query' }),
        verifyBody: holds('{"__typename":"Query"}'),
      },
      {
        name: 'keyed',
        server: onePortal,
        headers: key,
        body: teamBody,
        checkFirst: (body, headers) => {
          checkTeam(body);
          checkLimits(body, headers);
        },
        verifyBody: holds(teamPiece),
      },
      ...(cluster
        ? [
            {
              name: 'keyedTwoProcesses',
              server: cluster,
              headers: key,
              body: teamBody,
              checkFirst: (body: unknown, headers: Headers) => {
                checkTeam(body);
                checkLimits(body, headers);
              },
              verifyBody: holds(teamPiece),
            },
          ]
        : []),
      {
        name: 'session',
        server: onePortal,
        headers: session,
        body: teamBody,
        checkFirst: checkTeam,
        verifyBody: holds(teamPiece),
      },
      {
        name: 'dashboard',
        server: onePortal,
        headers: { ...session, accept: 'application/graphql-response+json,application/json;q=0.9' },
        body: dashboard.body,
        checkFirst: (body) => {
          const t = (body as { data: { team: DashboardTeam | null } }).data.team;
          expectEqual(
            'the dashboard team',
            {
              id: t?.id,
              viewerRole: t?.viewerRole,
              members: t?.members.length,
              apiKeys: t?.apiKeys.map((k) => k.id),
            },
            { id: team.id, viewerRole: 'OWNER', members: 1, apiKeys: [person.keyId] },
          );
        },
        verifyBody: holds(`{"data":{"team":{"id":"${team.id}","name":"${team.name}"`),
      },
    ];

    // Warm-up: every server, every answer checked; the stock server first.
    for (const s of [stockRun, ...subjects]) {
      await checkOnce(s);
      await load(s, WARMUP_SECONDS);
    }

    // Each round: stock, a, b, stock, c, d, …, stock (every subject next to a stock run), the
    // subjects' order reversed in every other round.
    const measured: Measured[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? subjects : [...subjects].reverse();
      const sequence: Scenario[] = [];
      order.forEach((s, i) => sequence.push(...(i % 2 === 0 ? [stockRun, s] : [s])));
      sequence.push(stockRun);
      const line: string[] = [];
      const inRound: Measured[] = [];
      for (const s of sequence) {
        const run = await load(s, SECONDS);
        inRound.push({ round: r, name: s.name, run });
        line.push(`${s.name} ${run.rps.toFixed(0)}`);
      }
      console.log(`round ${r + 1}/${ROUNDS} (req/s): ${line.join(', ')}`);
      // Each subject's ratio: to the stock run next to it (the mean of both, where it has two).
      inRound.forEach((entry, i) => {
        if (entry.name === 'stock') return;
        const next = [inRound[i - 1], inRound[i + 1]].filter((e) => e?.name === 'stock');
        const stockRps = next.reduce((sum, e) => sum + e!.run.rps, 0) / next.length;
        measured.push({ ...entry, run: { ...entry.run, vsStock: entry.run.rps / stockRps } });
      });
      measured.push(...inRound.filter((e) => e.name === 'stock'));
    }
    figures.push(...reduce(measured, { cluster: Boolean(cluster), stockAnswer, dashboard }));
  } catch (error) {
    throw portal ? explained(error, portal) : error;
  } finally {
    for (const s of servers.reverse()) await s.stop();
    await database.drop();
    if (redisUrl) await dropRedisKeys(redisUrl, redisPrefix);
  }

  finishBench(
    {
      bench: 'pnpm bench:graphql',
      out: OUT,
      startedAt,
      begun,
      loadAverageAtStart: loadAtStart,
      database: database.kind,
    },
    {
      servers: {
        baseline:
          'stock Apollo Server 5 (expressMiddleware of @as-integrations/express5, Express 5) + TypeGraphQL, team(id){ id name } from memory, no auth, introspection off, NODE_ENV=production, its own process (apps/api dist/bench/baselines.js)',
        bareHttp: "node:http answering the baseline's JSON answer as it is, its own process",
        portal:
          'apps/api dist/main.js in its own process, NODE_ENV=production, LOG_LEVEL=info (a line per request, to a stdout nobody reads)',
      },
      loadGenerator: `autocannon, in the bench's own process, ${CONNECTIONS} connections`,
      rounds: ROUNDS,
      secondsPerRun: SECONDS,
      warmupSecondsPerServer: WARMUP_SECONDS,
    },
    figures,
  );
}

/** This run's keys in Redis (its own prefix): limit windows, monthly counts, sign-up limits. */
async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

interface Measured {
  round: number;
  name: string;
  run: Run & { vsStock?: number };
}

/** The figures, from every run of every round. */
function reduce(
  measured: Measured[],
  context: { cluster: boolean; stockAnswer: string; dashboard: { query: string } },
): Figure[] {
  const of = (name: string) => measured.filter((m) => m.name === name).map((m) => m.run);
  const stock = of('stock');
  const stockRps = median(stock.map((r) => r.rps));
  const stockCpu = median(stock.map((r) => r.cpuUsPerRequest));
  const versus = (name: string) => {
    const runs = of(name);
    const cpu = median(runs.map((r) => r.cpuUsPerRequest));
    return {
      value: round(median(runs.map((r) => r.vsStock!)), 2),
      detail: {
        perRound: runs.map((r) => round(r.vsStock!, 3)),
        medianReqPerSecond: {
          [name]: round(median(runs.map((r) => r.rps))),
          stock: round(stockRps),
        },
        cpuMicrosecondsPerRequest: { [name]: round(cpu), stock: round(stockCpu) },
        // Stock's CPU per request over this one's: the ratio on a machine with nothing else to do.
        cpuRatio: round(stockCpu / cpu, 2),
      },
      line: `${median(runs.map((r) => r.rps)).toFixed(0)} req/s vs stock ${stockRps.toFixed(0)} req/s (medians); per round [${runs.map((r) => r.vsStock!.toFixed(2)).join(' ')}]; CPU per request ${cpu.toFixed(0)} µs vs stock ${stockCpu.toFixed(0)} µs`,
    };
  };
  const ratioFigure = (
    id: number,
    name: string,
    figure: string,
    measuredText: string,
    min: number | null,
  ): Figure => {
    const v = versus(name);
    return announce(
      {
        id,
        figure,
        measured: measuredText,
        value: v.value,
        unit: '×',
        target: min === null ? 'none (context)' : `≥ ${min.toFixed(1)}×`,
        pass: min === null ? null : v.value >= min,
        detail: v.detail,
      },
      v.line,
    );
  };
  const sameRun = `${CONNECTIONS} connections, ${SECONDS} s per run, every answer checked (200, the expected data, no errors); median over ${ROUNDS} rounds of the ratio to the stock run next to it`;
  const teamSent = `POST /graphql ${TEAM_QUERY} (variables { id })`;
  const figures: Figure[] = [
    ratioFigure(
      1,
      'anonymousTypename',
      'portal, anonymous { __typename } vs stock',
      `req/s of the portal answering POST /graphql ${TYPENAME_QUERY}, no credentials (no database work), over req/s of the stock server answering ${teamSent} from memory; ${sameRun}`,
      1.5,
    ),
    ratioFigure(
      2,
      'keyed',
      'portal, team(id){ id name } with an API key that has limits vs stock',
      `req/s of the portal answering ${teamSent} sent with x-api-key: a key with a per-minute limit of ${KEY_LIMITS.rateLimitPerMinute.toLocaleString('en-US')} and a monthly limit of ${KEY_LIMITS.monthlyRequestLimit.toLocaleString('en-US')} (key look-up, both limits checked${process.env.REDIS_URL ? ' in Redis' : " in the portal's memory"}, the request counted into usage, the team read), over req/s of the stock server answering the same request; ${sameRun}`,
      1.0,
    ),
    ratioFigure(
      3,
      'session',
      'portal, team(id){ id name } with a session vs stock',
      `req/s of the portal answering ${teamSent} sent with Authorization: Bearer <session token from logIn> (session look-up, membership check, the team read), over req/s of the stock server answering the same request; ${sameRun}`,
      0.8,
    ),
  ];

  const dash = of('dashboard');
  const p99 = median(dash.map((r) => r.p99Ms));
  figures.push(
    announce(
      {
        id: 4,
        figure: `the web app's dashboard query (${DASHBOARD_OPERATION}) with a session: p99 latency`,
        measured: `p99 latency (autocannon, ms, from this process) of POST /graphql with the ${DASHBOARD_OPERATION} document of apps/web/src/features/teams/operations.ts as Apollo Client sends it for the dashboard's getting-started checklist (__typename added, operationName, variables { teamId, since, until: the last 30 days by day }, extensions), Authorization: Bearer <session>, for a team with one member and one key; ${CONNECTIONS} connections, ${SECONDS} s per run, every answer checked; median of the ${ROUNDS} rounds' p99`,
        value: round(p99, 1),
        unit: 'ms',
        target: 'reported; ≤ 50 ms',
        pass: p99 <= 50,
        detail: {
          perRoundP99Ms: dash.map((r) => r.p99Ms),
          medianReqPerSecond: round(median(dash.map((r) => r.rps))),
          cpuMicrosecondsPerRequest: round(median(dash.map((r) => r.cpuUsPerRequest))),
          query: context.dashboard.query,
        },
      },
      `p99 per round [${dash.map((r) => r.p99Ms).join(' ')}] ms at ${median(dash.map((r) => r.rps)).toFixed(0)} req/s`,
    ),
  );

  const twoCores = os.cpus().length === 2;
  if (context.cluster) {
    const one = of('keyed');
    const two = of('keyedTwoProcesses');
    const perRound = two.map((r, i) => r.rps / one[i]!.rps);
    const value = round(median(perRound), 2);
    figures.push(
      announce(
        {
          id: 5,
          figure: '2 processes vs 1 on the keyed query',
          measured: `req/s of the portal with WEB_CONCURRENCY=2 (a primary and 2 workers behind one port, limits shared through Redis) answering the keyed request of figure 2, over req/s of the one-process portal answering it, both on the same database and Redis, run next to each other in each round; median over ${ROUNDS} rounds of the per-round ratio; the load generator shares the ${os.cpus().length} cores`,
          value,
          unit: '×',
          target: twoCores ? 'reported; ≥ 1.4× on 2 cores' : 'reported (≥ 1.4× is for 2 cores)',
          pass: twoCores ? value >= 1.4 : null,
          detail: {
            perRound: perRound.map((x) => round(x, 3)),
            medianReqPerSecond: {
              twoProcesses: round(median(two.map((r) => r.rps))),
              oneProcess: round(median(one.map((r) => r.rps))),
            },
            cpuMicrosecondsPerRequest: {
              twoProcesses: round(median(two.map((r) => r.cpuUsPerRequest))),
              oneProcess: round(median(one.map((r) => r.cpuUsPerRequest))),
            },
            twoProcessesVsStock: round(median(two.map((r) => r.vsStock!)), 2),
            // What the cores did: a second process only helps while a core is left for it.
            coresUsed: {
              oneProcess: cores(one),
              twoProcesses: cores(two),
            },
          },
        },
        `${median(two.map((r) => r.rps)).toFixed(0)} vs ${median(one.map((r) => r.rps)).toFixed(0)} req/s; per round [${perRound.map((x) => x.toFixed(2)).join(' ')}]; cores used: 1 process: ${coresText(cores(one))}; 2 processes: ${coresText(cores(two))}; of ${os.cpus().length}`,
      ),
    );
  } else {
    figures.push(
      announce(
        {
          id: 5,
          figure: '2 processes vs 1 on the keyed query',
          measured:
            'not measured: WEB_CONCURRENCY=2 needs REDIS_URL (the processes share limits through Redis)',
          value: null,
          unit: '×',
          target: 'reported; ≥ 1.4× on 2 cores',
          pass: null,
          skipped:
            'REDIS_URL is unset: the portal refuses WEB_CONCURRENCY > 1 without Redis (config.ts); run with REDIS_URL=redis://… to measure it',
          detail: {},
        },
        'SKIP: REDIS_URL is unset, and WEB_CONCURRENCY=2 needs Redis',
      ),
    );
  }

  figures.push(
    ratioFigure(
      6,
      'bareHttp',
      'bare node:http answering the same JSON vs stock',
      `req/s of a node:http server that reads the request and answers the stock server's answer to ${teamSent} byte for byte (${context.stockAnswer.length} bytes), over req/s of the stock server; ${sameRun}`,
      null,
    ),
    announce(
      {
        id: 7,
        figure:
          'stock Apollo Server 5 + TypeGraphQL, team(id){ id name } from memory (the baseline)',
        measured: `req/s of the baseline itself (the denominator of 1, 2, 3 and 6): ${teamSent}, no auth; median of its ${stock.length} runs (${Math.ceil(subjectsPerRound(measured) / 2) + 1} per round)`,
        value: round(stockRps),
        unit: 'req/s',
        target: 'none (baseline)',
        pass: null,
        detail: {
          allRunsReqPerSecond: stock.map((r) => round(r.rps)),
          p99Ms: median(stock.map((r) => r.p99Ms)),
          cpuMicrosecondsPerRequest: round(stockCpu),
        },
      },
      `${stock.length} runs: [${stock.map((r) => r.rps.toFixed(0)).join(' ')}]`,
    ),
  );
  return figures;
}

const subjectsPerRound = (measured: Measured[]) =>
  new Set(measured.filter((m) => m.name !== 'stock').map((m) => m.name)).size;

interface DashboardTeam {
  id: string;
  viewerRole: string;
  members: unknown[];
  apiKeys: Array<{ id: string }>;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
