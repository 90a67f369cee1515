import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { signUp, startPortal, type TestPortal } from './harness';
import { createTeam } from './teams-world';

/**
 * GET /metrics over real HTTP: Prometheus text for a service token only (401 otherwise, with
 * nothing of the metrics in the body), and the counts moving with known requests: GraphQL
 * operations by type and status (HTTP and graphql-ws), HTTP routes, key cache, usage buffer,
 * websockets, database pool and Redis state. Two portals in one process keep their own counts.
 */

const TOKEN = 'metrics-test-service-token-0123456789abcdef';
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`;
const TEAM = `query($id: ID!) { team(id: $id) { id name } }`;
const TICKS = `subscription($team: ID!) { usageTicks(teamId: $team) { apiKeyId requests } }`;

let t: TestPortal;
/** A second portal in the same process with a token of its own, and a third without any. */
let other: TestPortal;
let none: TestPortal;
const OTHER_TOKEN = 'metrics-test-other-service-token-0123456789';
beforeAll(async () => {
  t = await startPortal({ SERVICE_TOKENS: TOKEN });
  other = await startPortal({ SERVICE_TOKENS: OTHER_TOKEN });
  none = await startPortal();
});
afterAll(async () => {
  await t.stop();
  await other.stop();
  await none.stop();
});

/** Parsed exposition: `name{a="b",…}` → value (labels in the order prom-client writes them). */
type Sample = Map<string, number>;

async function scrape(portal: TestPortal = t, token = TOKEN): Promise<Sample> {
  const res = await fetch(`${portal.url}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples: Sample = new Map();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

const value = (samples: Sample, series: string): number => samples.get(series) ?? 0;

const asKey = (secret: string, query: string, variables: Record<string, unknown>) =>
  t.post(query, variables, { 'x-api-key': secret });

async function keyOfNewTeam() {
  const owner = await signUp(t);
  const teamId = await createTeam(t, owner);
  const created = await t.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    CREATE_KEY,
    { input: { teamId, name: 'metrics', environment: 'DEVELOPMENT', expiration: 'NEVER' } },
    owner.token,
  );
  if (!created.data) throw new Error(JSON.stringify(created.errors));
  return { owner, teamId, ...created.data.createApiKey };
}

describe('GET /metrics', () => {
  it('answers 401 without a service token or with a wrong one, revealing nothing', async () => {
    for (const headers of <Array<Record<string, string>>>[
      {},
      { authorization: 'Bearer not-the-right-token-but-long-enough-0123456789' },
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
      // A session is not a service token.
      { authorization: `Bearer ${(await signUp(t)).token}` },
    ]) {
      const res = await fetch(`${t.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = await res.text();
      expect(JSON.parse(body)).toEqual({
        error: {
          code: 'UNAUTHENTICATED',
          message: 'Send a service token: Authorization: Bearer <token>.',
        },
      });
      expect(body).not.toMatch(/portal_|process_|nodejs_/);
    }
    // A portal without SERVICE_TOKENS answers no one; another portal does not take this one's token.
    for (const [portal, token] of [
      [none, TOKEN],
      [other, TOKEN],
    ] as const) {
      const refused = await fetch(`${portal.url}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(refused.status).toBe(401);
    }
    // Only GET (and HEAD).
    const post = await fetch(`${t.url}/metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(post.status).toBe(405);
  });

  it('answers Prometheus text to a service token: process metrics, database pool, Redis state', async () => {
    const m = await scrape();
    expect(value(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(m.has('nodejs_eventloop_lag_seconds')).toBe(true);
    if (process.env.DATABASE_URL) {
      expect(value(m, 'portal_db_pool_max')).toBe(10);
      expect(value(m, 'portal_db_pool_connections{state="all"}')).toBeGreaterThanOrEqual(1);
      expect(m.has('portal_db_pool_connections{state="queued"}')).toBe(true);
    } else {
      expect(value(m, 'portal_db_pool_max')).toBe(1);
      expect(value(m, 'portal_db_pool_connections{state="all"}')).toBe(1);
    }
    if (process.env.REDIS_URL) {
      expect(value(m, 'portal_redis_configured')).toBe(1);
      for (const connection of ['commands', 'subscriber']) {
        expect(value(m, `portal_redis_state{connection="${connection}",state="connected"}`)).toBe(
          1,
        );
        expect(value(m, `portal_redis_state{connection="${connection}",state="down"}`)).toBe(0);
      }
    } else {
      console.log(
        'metrics.test: REDIS_URL is not set, so the Redis state series are checked absent',
      );
      expect(value(m, 'portal_redis_configured')).toBe(0);
      expect([...m.keys()].some((k) => k.startsWith('portal_redis_state'))).toBe(false);
    }
  });

  it('counts keyed queries by type and status, refusals with theirs, and the key cache', async () => {
    const key = await keyOfNewTeam();
    const before = await scrape();
    const otherBefore = await scrape(other, OTHER_TOKEN);

    for (let i = 0; i < 3; i++) {
      const res = await asKey(key.secret, TEAM, { id: key.teamId });
      expect(res.status).toBe(200);
    }
    // A document the gate refuses (400), then the key revoked and refused (401).
    expect((await asKey(key.secret, '{ nope }', {})).status).toBe(400);
    await t.gql(REVOKE, { id: key.apiKey.id }, key.owner.token);
    expect((await asKey(key.secret, TEAM, { id: key.teamId })).status).toBe(401);

    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('portal_graphql_operations_total{type="query",status="200"}')).toBe(3);
    // The other portal in this process counted none of them (a registry per portal).
    const otherAfter = await scrape(other, OTHER_TOKEN);
    const queries = 'portal_graphql_operations_total{type="query",status="200"}';
    expect(value(otherAfter, queries)).toBe(value(otherBefore, queries));
    expect(delta('portal_graphql_operation_duration_seconds_count{type="query"}')).toBe(3);
    expect(delta('portal_graphql_operations_total{type="unknown",status="400"}')).toBe(1);
    expect(delta('portal_graphql_operations_total{type="unknown",status="401"}')).toBe(1);
    // The revocation was a mutation by a session.
    expect(delta('portal_graphql_operations_total{type="mutation",status="200"}')).toBe(1);
    expect(delta('portal_http_requests_total{route="/graphql",status="200"}')).toBe(4);
    expect(delta('portal_http_requests_total{route="/graphql",status="401"}')).toBe(1);
    // The first look-up of the key went to the database, the next ones came from the cache
    // (its revocation dropped it, so the last one looked it up again).
    const hits = delta('portal_key_cache_hits_total');
    const misses = delta('portal_key_cache_misses_total');
    expect(hits + misses).toBe(5);
    expect(hits).toBeGreaterThanOrEqual(3);
    expect(misses).toBeGreaterThanOrEqual(1);
    // The scrape before this one is counted too.
    expect(delta('portal_http_requests_total{route="/metrics",status="200"}')).toBe(1);
  });

  it('counts /v1/ requests by route and status', async () => {
    const key = await keyOfNewTeam();
    const before = await scrape();
    const verify = (authorization: string) =>
      fetch(`${t.url}/v1/keys/verify`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ key: key.secret }),
      });
    expect((await verify(`Bearer ${TOKEN}`)).status).toBe(200);
    expect((await verify(`Bearer ${TOKEN}`)).status).toBe(200);
    expect((await verify('Bearer wrong-token-wrong-token-wrong-token-0')).status).toBe(401);
    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('portal_http_requests_total{route="/v1/keys/verify",status="200"}')).toBe(2);
    expect(delta('portal_http_requests_total{route="/v1/keys/verify",status="401"}')).toBe(1);
    expect(delta('portal_http_request_duration_seconds_count{route="/v1/keys/verify"}')).toBe(3);
  });

  it('shows the usage buffer and its flush lag while counts wait, and zero once written', async () => {
    const key = await keyOfNewTeam();
    const recorder = t.portal.services.usageRecorder;
    // Hold the flushes: counts wait in the buffer.
    await recorder.stop();
    try {
      for (let i = 0; i < 2; i++)
        expect((await asKey(key.secret, TEAM, { id: key.teamId })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const waiting = await scrape();
      expect(value(waiting, 'portal_usage_buffer_cells')).toBeGreaterThanOrEqual(1);
      expect(value(waiting, 'portal_usage_flush_lag_seconds')).toBeGreaterThan(0.04);
    } finally {
      recorder.start();
    }
    await recorder.flush();
    const written = await scrape();
    expect(value(written, 'portal_usage_buffer_cells')).toBe(0);
    expect(value(written, 'portal_usage_flush_lag_seconds')).toBe(0);
    expect(value(written, 'portal_usage_dropped_requests')).toBe(0);
  });

  it('counts open websockets and subscriptions, and operations over graphql-ws', async () => {
    const owner = await signUp(t);
    const teamId = await createTeam(t, owner);
    const before = await scrape();
    let connected!: () => void;
    const ready = new Promise<void>((resolve) => (connected = resolve));
    const client: Client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner.token}` },
      retryAttempts: 0,
      lazy: false,
      on: { connected: () => connected() },
    });
    try {
      await ready;
      const open = await scrape();
      expect(
        value(open, 'portal_websocket_connections') - value(before, 'portal_websocket_connections'),
      ).toBe(1);

      const stop = client.subscribe(
        { query: TICKS, variables: { team: teamId } },
        {
          next: () => undefined,
          error: () => undefined,
          complete: () => undefined,
        },
      );
      // Established: counted once as a subscription with 200, and streaming.
      const deadline = Date.now() + 5000;
      let streaming = open;
      while (Date.now() < deadline) {
        streaming = await scrape();
        const established = 'portal_graphql_operations_total{type="subscription",status="200"}';
        if (value(streaming, established) > value(before, established)) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(
        value(streaming, 'portal_graphql_subscriptions') -
          value(open, 'portal_graphql_subscriptions'),
      ).toBe(1);
      expect(
        value(streaming, 'portal_graphql_operations_total{type="subscription",status="200"}') -
          value(before, 'portal_graphql_operations_total{type="subscription",status="200"}'),
      ).toBe(1);
      stop();
    } finally {
      await client.dispose();
    }
    // Closed: the gauge falls back.
    const deadline = Date.now() + 5000;
    let closed = await scrape();
    while (
      Date.now() < deadline &&
      value(closed, 'portal_websocket_connections') > value(before, 'portal_websocket_connections')
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      closed = await scrape();
    }
    expect(value(closed, 'portal_websocket_connections')).toBe(
      value(before, 'portal_websocket_connections'),
    );
    expect(value(closed, 'portal_graphql_subscriptions')).toBe(0);
  });
});
