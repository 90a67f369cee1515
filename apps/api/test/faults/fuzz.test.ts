import { readFileSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import type { GraphQLSchema } from 'graphql';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { buildGraphQLSchema } from '../../src/schema';
import { TestSmtpServer } from '../smtp';
import { invitationToken } from '../teams-world';
import {
  mutateDocument,
  mutateVariables,
  OperationGenerator,
  Rng,
  type Operation,
  type SeedIds,
} from './fuzz-documents';
import { createKey, graphql, runPortal, type PortalProcess } from './portal';

/**
 * The fuzz run: documents generated from the schema (valid, within every limit, with arguments
 * drawn from a seeded world) and the same documents broken (bytes, tokens, structure, size), sent
 * over HTTP and graphql-ws, as a signed-in owner and with an API key, to the built portal running
 * in production mode as its own process. No 5xx, no stack trace, no INTERNAL_SERVER_ERROR, no
 * socket closed with 1011, and the process's memory stays bounded.
 */
const VALID = Number(process.env.FUZZ_VALID ?? 2000);
const INVALID = Number(process.env.FUZZ_INVALID ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const CONCURRENCY = 6;
/** Growth of the server's resident memory from after warm-up to the end of the run. */
const RSS_GROWTH_BOUND_MB = 150;
/** The portal's old-generation heap limit during the run. */
const HEAP_CAP_MB = 128;

const limits = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp' }).limits;
const BODY_BYTES = limits.bodyBytes;
const LEAK = /"stack"|stacktrace|\n\s+at |node_modules|typeorm|sqlite|mysql|\bselect\b.*\bfrom\b/i;

let portal: PortalProcess;
const smtp = new TestSmtpServer();
let schema: GraphQLSchema;
let ownerToken: string;
let keySecret: string;
let ids: SeedIds;

const post = (base: string, query: string, variables: Record<string, unknown>, token?: string) =>
  graphql(base, query, variables, token ? { authorization: `Bearer ${token}` } : {});

async function signUpAs(label: string) {
  const email = `${label}-${Date.now()}@example.test`;
  const res = await post(
    portal.base,
    'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }',
    { i: { email, name: `Fuzz ${label}`, password: 'a fuzz test password' } },
  );
  const signUp = res.body?.data?.signUp as { token: string; user: { id: string } } | undefined;
  if (!signUp) throw new Error(`signUp failed: ${JSON.stringify(res.body)}`);
  return { email, token: signUp.token, id: signUp.user.id };
}

/** A user with two teams, an admin and a member, a pending invitation, keys (one revoked, one rotated) and usage. */
async function seed(): Promise<void> {
  const owner = await signUpAs('owner');
  const admin = await signUpAs('admin');
  const member = await signUpAs('member');
  ownerToken = owner.token;
  const teams: string[] = [];
  for (const name of ['Fuzz One', 'Fuzz Two']) {
    const res = await post(
      portal.base,
      'mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }',
      { i: { name } },
      owner.token,
    );
    teams.push((res.body?.data?.createTeam as { id: string }).id);
  }
  const invitations: string[] = [];
  for (const [person, role] of [
    [admin, 'ADMIN'],
    [member, 'MEMBER'],
    [{ email: `pending-${Date.now()}@example.test`, token: '' }, 'MEMBER'],
  ] as const) {
    const invited = await post(
      portal.base,
      'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }',
      { i: { teamId: teams[0], email: person.email, role } },
      owner.token,
    );
    invitations.push((invited.body?.data?.inviteMember as { id: string }).id);
    if (!person.token) continue;
    const token = await invitationToken(smtp, person.email);
    const accepted = await post(
      portal.base,
      'mutation($t: String!) { acceptInvitation(token: $t) { id } }',
      { t: token },
      person.token,
    );
    if (!accepted.body?.data) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  }
  const keys: string[] = [];
  const main = await createKey(portal.base, owner.token, teams[0]!, 'fuzz main');
  keySecret = main.secret;
  keys.push(main.keyId);
  const limited = await createKey(portal.base, owner.token, teams[0]!, 'fuzz limited', {
    rateLimitPerMinute: 1000,
  });
  keys.push(limited.keyId);
  const revoked = await createKey(portal.base, owner.token, teams[0]!, 'fuzz revoked');
  await post(
    portal.base,
    'mutation($id: ID!) { revokeApiKey(id: $id) { id } }',
    { id: revoked.keyId },
    owner.token,
  );
  keys.push(revoked.keyId);
  const rotated = await post(
    portal.base,
    'mutation($i: RotateApiKeyInput!) { rotateApiKey(input: $i) { apiKey { id } } }',
    { i: { id: limited.keyId, gracePeriodHours: 24 } },
    owner.token,
  );
  keys.push((rotated.body?.data?.rotateApiKey as { apiKey: { id: string } }).apiKey.id);
  keys.push((await createKey(portal.base, owner.token, teams[1]!, 'fuzz other team')).keyId);
  for (let i = 0; i < 20; i++)
    await graphql(portal.base, '{ __typename }', {}, { 'x-api-key': keySecret });
  const team = await post(
    portal.base,
    'query($id: ID!) { team(id: $id) { members { id } } }',
    { id: teams[0] },
    owner.token,
  );
  const memberships = (team.body?.data?.team as { members: Array<{ id: string }> }).members.map(
    (m) => m.id,
  );
  ids = { teams, keys, memberships, invitations, users: [owner.id, admin.id, member.id] };
}

/** The process's resident memory (0 once it has gone). */
function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

interface Tally {
  sent: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  closes: Record<string, number>;
  failures: string[];
}
const tally = (): Tally => ({ sent: 0, byStatus: {}, byCode: {}, closes: {}, failures: [] });
const bump = (counts: Record<string, number>, key: string) =>
  (counts[key] = (counts[key] ?? 0) + 1);

async function overHttp(
  op: { query: string; variables: unknown },
  headers: Record<string, string>,
  into: Tally,
) {
  let res: Response;
  try {
    res = await fetch(`${portal.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: op.query, variables: op.variables }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    into.sent++;
    const cause = (error as { cause?: unknown }).cause;
    into.failures.push(`HTTP no answer (${String(cause ?? error)}) <- ${op.query.slice(0, 300)}`);
    return;
  }
  const text = await res.text();
  into.sent++;
  bump(into.byStatus, String(res.status));
  let codes: string[] = [];
  try {
    const body = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> };
    codes = (body.errors ?? []).map((e) => e.extensions?.code ?? 'none');
  } catch {
    codes = ['not JSON'];
  }
  for (const code of new Set(codes)) bump(into.byCode, code);
  if (res.status >= 500 || LEAK.test(text) || codes.includes('INTERNAL_SERVER_ERROR'))
    into.failures.push(`HTTP ${res.status} ${text.slice(0, 300)} <- ${op.query.slice(0, 300)}`);
}

/**
 * What the graphql-ws client refuses to send (variables that are not an object), sent as raw
 * protocol messages: the server must refuse the message (4400), never fail on it.
 */
function overRawWs(
  params: Record<string, string>,
  op: { query: string; variables: unknown },
  into: Tally,
) {
  return new Promise<void>((resolve) => {
    into.sent++;
    const socket = new WebSocket(
      `${portal.base.replace('http', 'ws')}/graphql`,
      'graphql-transport-ws',
    );
    const timer = setTimeout(() => {
      into.failures.push(`raw ws: no answer in 30 s <- ${op.query.slice(0, 300)}`);
      socket.terminate();
    }, 30_000);
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: params })),
    );
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; payload?: unknown };
      if (message.type === 'connection_ack')
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: op }));
      else if (message.type === 'next' || message.type === 'error') {
        const text = JSON.stringify(message.payload);
        if (LEAK.test(text) || text.includes('INTERNAL_SERVER_ERROR'))
          into.failures.push(`raw ws ${text.slice(0, 300)} <- ${op.query.slice(0, 300)}`);
        bump(into.byCode, `raw ${message.type}`);
      } else if (message.type === 'complete') socket.close(1000);
    });
    socket.on('error', () => undefined);
    socket.on('close', (code) => {
      clearTimeout(timer);
      bump(into.closes, String(code));
      if (code === 1011 || code === 1006)
        into.failures.push(`raw ws closed ${code} <- ${op.query.slice(0, 300)}`);
      resolve();
    });
  });
}

function overWs(client: Client, op: { query: string; variables: unknown }, into: Tally) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      into.failures.push(`ws: no answer in 30 s <- ${op.query.slice(0, 300)}`);
      resolve();
    }, 30_000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    into.sent++;
    const seen = new Set<string>();
    const check = (payload: unknown) => {
      const text = JSON.stringify(payload);
      const errors = (
        Array.isArray(payload) ? payload : ((payload as { errors?: unknown[] }).errors ?? [])
      ) as Array<{ extensions?: { code?: string } }>;
      for (const e of errors) seen.add(e.extensions?.code ?? 'none');
      if (LEAK.test(text) || seen.has('INTERNAL_SERVER_ERROR'))
        into.failures.push(`ws ${text.slice(0, 300)} <- ${op.query.slice(0, 300)}`);
    };
    client.subscribe(
      { query: op.query, variables: op.variables as Record<string, unknown> },
      {
        next: check,
        error: (error: unknown) => {
          if (Array.isArray(error)) check(error);
          else {
            const code =
              (error as { code?: number }).code ?? `client: ${String(error).slice(0, 80)}`;
            bump(into.closes, String(code));
            if (code === 1011 || code === 1006 || typeof code === 'string')
              into.failures.push(`ws closed ${code} <- ${op.query.slice(0, 300)}`);
          }
          for (const code of seen) bump(into.byCode, code);
          done();
        },
        complete: () => {
          for (const code of seen) bump(into.byCode, code);
          if (seen.size === 0) bump(into.byCode, 'ok');
          done();
        },
      },
    );
  });
}

async function pool<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

beforeAll(async () => {
  const smtpUrl = await smtp.start();
  [portal, schema] = await Promise.all([
    runPortal({
      env: { SMTP_URL: smtpUrl, MAIL_OUTBOX: 'false', LOG_LEVEL: 'warn' },
      // The heap is capped as a deployment would cap it: anything kept for good (a leak, an
      // unbounded cache) would exhaust it and crash the process; without a cap V8 grows its heap
      // for fewer collections, and RSS measures that slack rather than what is kept.
      nodeArgs: [`--max-old-space-size=${HEAP_CAP_MB}`],
    }),
    buildGraphQLSchema(),
  ]);
  await seed();
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  await smtp.stop();
});

it(`answers ${VALID} generated and ${INVALID} broken documents over HTTP and graphql-ws, as an owner and with a key, with no 5xx, no stack and bounded memory`, async () => {
  const rng = new Rng(SEED);
  const generator = new OperationGenerator(schema, ids, rng, limits);
  const valid: Operation[] = Array.from({ length: VALID }, () =>
    generator.next({ mutations: true }),
  );
  const invalid = Array.from({ length: INVALID }, (_, i) => {
    const from = valid[i % valid.length]!;
    return {
      query: mutateDocument(from.query, rng, BODY_BYTES - 6_000),
      variables: rng.chance(0.2) ? mutateVariables(from.variables, rng) : from.variables,
    };
  });

  // Every broken document stays within the body limit (the limit itself is the scanner suite's).
  const largest = Math.max(...invalid.map((op) => Buffer.byteLength(JSON.stringify(op))));
  expect(largest).toBeLessThan(BODY_BYTES - 1_000);

  const clients = {
    owner: createClient({
      url: `${portal.base.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${ownerToken}` },
      retryAttempts: 0,
      lazy: true,
      // Kept open between operations (the pool has moments with none in flight).
      lazyCloseTimeout: 600_000,
    }),
    key: createClient({
      url: `${portal.base.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { 'x-api-key': keySecret },
      retryAttempts: 0,
      lazy: true,
      // Kept open between operations (the pool has moments with none in flight).
      lazyCloseTimeout: 600_000,
    }),
  };
  const headers = {
    owner: { authorization: `Bearer ${ownerToken}` },
    key: { 'x-api-key': keySecret },
  };

  const wsParams = {
    owner: { authorization: `Bearer ${ownerToken}` },
    key: { 'x-api-key': keySecret },
  };

  // Warm-up, then the memory baseline.
  const warm = tally();
  await pool(valid.slice(0, 200), (op) => overHttp(op, headers.owner, warm));
  const rssStart = rssMb(portal.child.pid!);
  let rssPeak = rssStart;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(portal.child.pid!))), 250);
  sampler.unref();

  const results = {
    validHttp: tally(),
    validWs: tally(),
    invalidHttp: tally(),
    invalidWs: tally(),
  };
  const started = performance.now();
  const run = (ops: Array<{ query: string; variables: unknown }>, http: Tally, ws: Tally) =>
    pool(ops, async (op, i) => {
      // Each document goes over both transports; the principals alternate between them.
      const [httpAs, wsAs] =
        i % 2 === 0 ? (['owner', 'key'] as const) : (['key', 'owner'] as const);
      const plainVariables =
        op.variables === null || (typeof op.variables === 'object' && !Array.isArray(op.variables));
      await Promise.all([
        overHttp(op, headers[httpAs], http),
        plainVariables ? overWs(clients[wsAs], op, ws) : overRawWs(wsParams[wsAs], op, ws),
      ]);
    });
  await run(valid, results.validHttp, results.validWs);
  const validSeconds = (performance.now() - started) / 1000;
  await run(invalid, results.invalidHttp, results.invalidWs);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const rssEnd = rssMb(portal.child.pid!);
  // dispose() rethrows the close that ended the last socket (a 4400 for broken variables, say).
  for (const client of [clients.owner, clients.key])
    await Promise.resolve()
      .then(() => client.dispose())
      .catch(() => undefined);

  const summary = {
    seed: SEED,
    documents: { valid: VALID, invalid: INVALID },
    requests: Object.values(results).reduce((n, r) => n + r.sent, 0),
    seconds: Number(seconds.toFixed(1)),
    validSeconds: Number(validSeconds.toFixed(1)),
    rssMb: { start: Math.round(rssStart), peak: Math.round(rssPeak), end: Math.round(rssEnd) },
    ...Object.fromEntries(
      Object.entries(results).map(([name, r]) => [
        name,
        {
          sent: r.sent,
          byStatus: r.byStatus,
          byCode: r.byCode,
          closes: r.closes,
          failures: r.failures.length,
        },
      ]),
    ),
  };
  console.log(`fuzz summary ${JSON.stringify(summary, null, 1)}`);
  if (Object.values(results).some((r) => r.failures.length))
    console.log(
      `first failures: ${JSON.stringify(
        Object.values(results).flatMap((r) => r.failures.slice(0, 2)),
        null,
        1,
      )}\nserver stderr: ${portal.stderr().slice(-3000)}`,
    );
  if (Object.values(results).some((r) => r.failures.length))
    console.log(
      `server errors logged: ${JSON.stringify(
        portal
          .logs()
          .filter((l) => (l.level ?? 0) >= 50)
          .slice(0, 3),
        null,
        1,
      )}`,
    );

  for (const r of Object.values(results)) expect(r.failures.slice(0, 5)).toEqual([]);
  expect(results.validHttp.sent).toBe(VALID);
  expect(results.validWs.sent).toBe(VALID);
  expect(results.invalidHttp.sent).toBe(INVALID);
  expect(results.invalidWs.sent).toBe(INVALID);
  // The generated documents are valid: the server runs them (no validation refusal over HTTP).
  expect(results.validHttp.byStatus['400'] ?? 0).toBe(0);
  expect(results.validHttp.byStatus['200']).toBeGreaterThan(VALID * 0.9);
  expect(rssPeak - rssStart).toBeLessThan(RSS_GROWTH_BOUND_MB);
  // The process is still healthy afterwards.
  expect((await fetch(`${portal.base}/healthz`)).status).toBe(200);
});
