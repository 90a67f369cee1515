import { existsSync, readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort, startPortalProcess, type PortalProcess } from '../src/bench/spawn';
import { freshDatabase } from './harness';

/**
 * WEB_CONCURRENCY on the real built server (dist/main.js): the primary forks the workers behind
 * one port, both answer, a key revoked through one is refused by both (through Redis), /metrics
 * sums the workers, a worker that dies is replaced, and SIGTERM stops them all with exit code 0.
 * Every request here opens its own connection, so the primary hands them to the workers in turn.
 */

const MAIN = path.join(__dirname, '..', 'dist', 'main.js');
// Processes start and stop here (a worker's start includes its database and Redis connections).
jest.setTimeout(60_000);
const TOKEN = 'cluster-test-service-token-0123456789abcdef';

interface Answer {
  status: number;
  worker: string | undefined;
  body: string;
}

/** One request on a fresh connection (no keep-alive), with the worker that answered it. */
function request(
  base: string,
  pathname: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = http.request(
      `${base}${pathname}`,
      {
        method: init.method ?? 'GET',
        agent: false,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            worker: res.headers['x-portal-worker'] as string | undefined,
            body: text,
          }),
        );
      },
    );
    req.on('error', reject);
    // A connection handed to a worker as it dies is never answered.
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    req.end(body);
  });
}

const gql = (base: string, query: string, variables: object, headers: Record<string, string>) =>
  request(base, '/graphql', { method: 'POST', headers, body: { query, variables } });

/** The built server on `port`, its stdout and stderr kept (the primary logs at info). */
const start = (env: Record<string, string>, port: number): PortalProcess =>
  startPortalProcess({ LOG_LEVEL: 'info', ...env }, port, { stdout: true });

/** The pids of a process's children (Linux /proc). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch((error: unknown) => {
      if (error instanceof Error && error.message.startsWith('the portal exited')) throw error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Asks on fresh connections until every wanted worker has answered; returns the answers by worker. */
async function fromWorkers(
  count: number,
  ask: () => Promise<Answer>,
  ms = 10_000,
): Promise<Map<string, Answer[]>> {
  const byWorker = new Map<string, Answer[]>();
  await until(`answers from ${count} workers`, ms, async () => {
    const answer = await ask();
    if (answer.worker)
      byWorker.set(answer.worker, [...(byWorker.get(answer.worker) ?? []), answer]);
    return byWorker.size >= count ? true : undefined;
  });
  return byWorker;
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the api first (pnpm build)`);
});

describe('WEB_CONCURRENCY is checked at start', () => {
  it.each([
    [{ WEB_CONCURRENCY: '65' }, 'WEB_CONCURRENCY must be at most 64 (received "65")'],
    [{ WEB_CONCURRENCY: 'two' }, 'WEB_CONCURRENCY must be a whole number (received "two")'],
    [{ WEB_CONCURRENCY: '0' }, 'WEB_CONCURRENCY must be at least 1 (received "0")'],
    [{ WEB_CONCURRENCY: '2', REDIS_URL: '' }, 'WEB_CONCURRENCY=2 needs REDIS_URL'],
  ])('%j is refused with one clear line', async (env, message) => {
    const started = start(env, await freePort());
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain(`Configuration error: ${message}`);
  });
});

const withRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL)
  console.log(
    'cluster.test: REDIS_URL is not set, so the two-worker tests are skipped (WEB_CONCURRENCY > 1 needs Redis)',
  );

withRedis('WEB_CONCURRENCY=2', () => {
  let started: PortalProcess;
  let dropDatabase: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const database = await freshDatabase();
    dropDatabase = database ? () => database.drop() : undefined;
    started = start(
      {
        WEB_CONCURRENCY: '2',
        SERVICE_TOKENS: TOKEN,
        REDIS_KEY_PREFIX: `pp-cluster-${Date.now()}:`,
        ...(database ? { DATABASE_URL: database.url } : {}),
      },
      await freePort(),
    );
    await until('the first worker answers', 30_000, async () => {
      if (started.child.exitCode !== null)
        throw new Error(`the portal exited: ${started.output()}`);
      return (await request(started.base, '/healthz')).status === 200 ? true : undefined;
    });
  });
  afterAll(async () => {
    if (started.child.exitCode === null) {
      started.child.kill('SIGKILL');
      for (const pid of childrenOf(started.child.pid!)) process.kill(pid, 'SIGKILL');
    }
    await dropDatabase?.();
  });

  it('answers from both workers; a key revoked through one is refused by both; /metrics sums them', async () => {
    const { base } = started;
    const workers = await fromWorkers(2, () => request(base, '/healthz'), 20_000);
    expect([...workers.keys()].sort()).toEqual(['1', '2']);

    const email = `cluster-${Date.now()}@example.test`;
    const signUp = await gql(
      base,
      `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
      { i: { email, name: 'Cluster', password: 'cluster password' } },
      {},
    );
    const session = {
      authorization: `Bearer ${(JSON.parse(signUp.body) as { data: { signUp: { token: string } } }).data.signUp.token}`,
    };
    const team = JSON.parse(
      (await gql(base, `mutation { createTeam(input: { name: "Cluster" }) { id } }`, {}, session))
        .body,
    ) as { data: { createTeam: { id: string } } };
    const teamId = team.data.createTeam.id;
    const created = JSON.parse(
      (
        await gql(
          base,
          `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`,
          { i: { teamId, name: 'cluster', environment: 'DEVELOPMENT', expiration: 'NEVER' } },
          session,
        )
      ).body,
    ) as { data: { createApiKey: { secret: string; apiKey: { id: string } } } };
    const { secret, apiKey } = created.data.createApiKey;
    const asKey = () =>
      gql(
        base,
        `query($id: ID!) { team(id: $id) { id } }`,
        { id: teamId },
        { 'x-api-key': secret },
      );

    // Both workers know the key (and keep it in their caches).
    const before = await fromWorkers(2, asKey);
    for (const answers of before.values())
      expect(answers.every((a) => a.status === 200)).toBe(true);

    const revoked = await gql(
      base,
      `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
      { id: apiKey.id },
      session,
    );
    expect(revoked.status).toBe(200);
    const revokedBy = revoked.worker;
    const revokedAt = Date.now();

    // Each worker refuses it within a second, and never accepts it again after its first refusal.
    const firstRefusal = new Map<string, number>();
    await until('both workers refuse the revoked key', 5_000, async () => {
      const answer = await asKey();
      const worker = answer.worker!;
      if (answer.status === 401) firstRefusal.set(worker, firstRefusal.get(worker) ?? Date.now());
      else expect(firstRefusal.has(worker)).toBe(false);
      return firstRefusal.size === 2 ? true : undefined;
    });
    for (const [worker, at] of firstRefusal) {
      console.log(
        `cluster: worker ${worker} (${worker === revokedBy ? 'revoked through it' : 'the other'}) refused the key ${at - revokedAt} ms after the revocation answered`,
      );
      expect(at - revokedAt).toBeLessThan(1000);
    }
    const after = await fromWorkers(2, asKey);
    for (const answers of after.values()) expect(answers.every((a) => a.status === 401)).toBe(true);

    // /metrics, asked of either worker, answers for both: each has its own pool and Redis pair.
    const metrics = await request(base, '/metrics', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(metrics.status).toBe(200);
    const poolMax = Number(/^portal_db_pool_max (\d+)$/m.exec(metrics.body)?.[1]);
    expect(poolMax).toBe(process.env.DATABASE_URL ? 20 : 2);
    expect(metrics.body).toMatch(
      /^portal_redis_state\{connection="commands",state="connected"\} 2$/m,
    );
    // Request counts are summed too: one line, counting both workers' answers to /healthz.
    const healthz = metrics.body.match(
      /^portal_http_requests_total\{route="\/healthz",status="200"\} (\d+)$/gm,
    );
    expect(healthz).toHaveLength(1);
    expect(Number(healthz![0].split(' ')[1])).toBeGreaterThanOrEqual(2);
    expect((await request(base, '/metrics')).status).toBe(401);
  });

  it('replaces a worker that dies, then stops every worker on SIGTERM with exit code 0', async () => {
    const { base, child } = started;
    await fromWorkers(2, () => request(base, '/healthz'));
    const workers = childrenOf(child.pid!);
    expect(workers).toHaveLength(2);
    process.kill(workers[0]!, 'SIGKILL');
    // A third worker (cluster ids count up) takes its place and answers.
    await fromWorkers(
      1,
      async () => {
        const answer = await request(base, '/healthz');
        return answer.worker === '3' ? answer : { ...answer, worker: undefined };
      },
      30_000,
    );
    expect(started.output()).toContain('worker died unexpectedly; starting another');
    const now = childrenOf(child.pid!);
    expect(now).toHaveLength(2);

    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    const took = Date.now() - stoppedAt;
    console.log(`cluster: SIGTERM → primary and 2 workers exited 0 in ${took} ms`);
    expect(took).toBeLessThan(20_000);
    for (const pid of now) expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(started.output()).toContain('all workers stopped');
    await expect(request(base, '/healthz')).rejects.toThrow();
  });
});
