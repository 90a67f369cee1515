import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { generateApiKey } from '@partner-portal/keys';
import { PortalClient } from './portal-client';
import {
  freePort,
  freshDeployment,
  runGatewayToExit,
  startGatewayProcess,
  startPortalProcess,
  type Deployment,
  type Proc,
} from './processes';
import { startUpstream, type TestUpstream } from './upstream-server';

/**
 * The built gateway as its own process in front of a real upstream, with the real key core
 * against a real portal (its own process and database: SQLite by default, MariaDB and Redis when
 * the run has DATABASE_URL and REDIS_URL). Keys are made and usage is read over the portal's
 * GraphQL API, as a partner would.
 */
let deployment: Deployment;
let portal: Proc;
let upstream: TestUpstream;
let sandbox: TestUpstream;
let gateway: Proc;
let owner: PortalClient;

const TIMEOUT_MS = 1_000;

beforeAll(async () => {
  deployment = await freshDeployment();
  portal = await startPortalProcess(deployment);
  [upstream, sandbox] = await Promise.all([startUpstream('production'), startUpstream('sandbox')]);
  gateway = await startGatewayProcess(deployment, {
    UPSTREAM_URL: upstream.url,
    SANDBOX_UPSTREAM_URL: sandbox.url,
    UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  owner = await new PortalClient(portal.base).owner();
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await portal?.stop();
  await upstream?.close();
  await sandbox?.close();
  await deployment?.dispose();
});

beforeEach(() => {
  upstream.seen.length = 0;
  sandbox.seen.length = 0;
});

const call = (path: string, key: string | undefined, init: RequestInit = {}) =>
  fetch(`${gateway.base}${path}`, {
    redirect: 'manual',
    ...init,
    headers: { ...(key ? { 'x-api-key': key } : {}), ...(init.headers as Record<string, string>) },
  });

/** The process's peak resident memory so far (Linux), in MB. */
function peakRssMb(proc: Proc): number {
  const status = readFileSync(`/proc/${proc.child.pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024);
}

type ErrorBody = { error: { code: string; message: string; reason?: string } };

describe('forwarding', () => {
  it('streams a 50 MB body to the upstream and its answer back, byte for byte', async () => {
    const key = await owner.createKey();
    const size = 50 * 1024 * 1024;
    const peakBefore = peakRssMb(gateway);
    const sent = createHash('sha256');
    const received = createHash('sha256');
    let receivedBytes = 0;
    // Generated as it is sent (chunked, no length): neither side ever holds the whole body.
    let left = size;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (left === 0) return controller.close();
        const chunk = randomBytes(Math.min(left, 256 * 1024));
        left -= chunk.length;
        sent.update(chunk);
        controller.enqueue(chunk);
      },
    });
    const res = await call('/echo', key.secret, {
      method: 'POST',
      body: source,
      duplex: 'half',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-upstream')).toBe('production');
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      receivedBytes += chunk.length;
      received.update(chunk);
    }
    const hash = sent.digest('hex');
    const peakAfter = peakRssMb(gateway);
    console.log(
      `gateway peak RSS: ${peakBefore} MB before, ${peakAfter} MB after streaming 50 MB both ways`,
    );
    expect(receivedBytes).toBe(size);
    expect(received.digest('hex')).toBe(hash);
    expect(upstream.seen[0]).toMatchObject({ method: 'POST', bytes: size, sha256: hash });
    expect(upstream.seen[0]!.headers['transfer-encoding']).toBe('chunked');
  });

  it('forwards method, path and query; strips the key; sets the partner headers over spoofed ones', async () => {
    const key = await owner.createKey();
    const res = await call('/things/42?expand=all&q=a%20b', undefined, {
      method: 'DELETE',
      headers: {
        authorization: `Bearer ${key.secret}`,
        'x-partner-team-id': 'team_spoofed',
        'X-Partner-Key-Id': 'key_spoofed',
        'x-partner-environment': 'PRODUCTION',
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-host': 'evil.example',
        'x-kept': 'yes',
      },
    });
    expect(res.status).toBe(200);
    const seen = upstream.seen[0]!;
    expect(seen.method).toBe('DELETE');
    expect(seen.url).toBe('/things/42?expand=all&q=a%20b');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(key.secret);
    expect(seen.headers['x-partner-team-id']).toBe(key.teamId);
    expect(seen.headers['x-partner-key-id']).toBe(key.id);
    expect(seen.headers['x-partner-environment']).toBe('PRODUCTION');
    for (const name of ['x-partner-team-id', 'x-partner-key-id', 'x-partner-environment'])
      expect(seen.names.filter((n) => n === name)).toHaveLength(1);
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-host']).toBe(new URL(gateway.base).host);
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-kept']).toBe('yes');
  });

  it('drops hop-by-hop headers, and those the Connection header names', async () => {
    const key = await owner.createKey();
    await new Promise<void>((resolve, reject) => {
      httpRequest(
        `${gateway.base}/plain`,
        {
          headers: {
            'x-api-key': key.secret,
            connection: 'keep-alive, x-only-this-hop',
            'x-only-this-hop': 'secret',
            te: 'trailers',
            'proxy-authorization': 'Basic Zm9vOmJhcg==',
          },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      )
        .on('error', reject)
        .end();
    });
    const seen = upstream.seen[0]!;
    expect(seen.headers['x-only-this-hop']).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
    expect(seen.headers['proxy-authorization']).toBeUndefined();
  });

  it('sends DEVELOPMENT keys to the sandbox, PRODUCTION keys to the upstream', async () => {
    const dev = await owner.createKey({ environment: 'DEVELOPMENT' });
    const prod = await owner.createKey({ environment: 'PRODUCTION' });
    const a = await call('/where', dev.secret);
    const b = await call('/where', prod.secret);
    expect(a.headers.get('x-upstream')).toBe('sandbox');
    expect(b.headers.get('x-upstream')).toBe('production');
    expect(sandbox.seen.map((s) => s.headers['x-partner-environment'])).toEqual(['DEVELOPMENT']);
    expect(upstream.seen.map((s) => s.headers['x-partner-environment'])).toEqual(['PRODUCTION']);
  });

  it('answers its health check at /__gateway/healthz', async () => {
    const res = await fetch(`${gateway.base}/__gateway/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('refusals', () => {
  it('answers 401 for a missing, malformed, unknown or revoked key, in the contract shape', async () => {
    const revoked = await owner.createKey();
    await owner.revoke(revoked.id);
    const valid = await owner.createKey();
    // Well formed (its checksum holds) but never issued: looked up, and not found.
    const unknown = generateApiKey('PRODUCTION').secret;
    const mistyped = valid.secret.slice(0, -3) + 'zzz';
    for (const key of [undefined, 'not-a-key', mistyped, unknown, revoked.secret]) {
      const res = await call('/x', key);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('UNAUTHENTICATED');
      expect(body.error.message.length).toBeGreaterThan(0);
    }
    expect(upstream.seen).toHaveLength(0);
  });

  it('answers 429 with Retry-After and RateLimit-* once the per-minute limit is spent', async () => {
    const key = await owner.createKey({ rateLimitPerMinute: 3 });
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      const res = await call('/limited', key.secret);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(res.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await call('/limited', key.secret);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-limit')).toBe('3');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('RATE_LIMITED');
    expect(upstream.seen).toHaveLength(3);
  });

  it('answers 429 once the monthly quota is spent, until the month turns', async () => {
    const key = await owner.createKey({ monthlyRequestLimit: 2 });
    expect((await call('/q', key.secret)).status).toBe(200);
    expect((await call('/q', key.secret)).status).toBe(200);
    const refused = await call('/q', key.secret);
    expect(refused.status).toBe(429);
    const now = new Date();
    const monthEnds = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Math.abs(retryAfter - (monthEnds - now.getTime()) / 1000)).toBeLessThan(10);
    expect(refused.headers.get('ratelimit-limit')).toBe('2');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(((await refused.json()) as ErrorBody).error.code).toBe('RATE_LIMITED');
  });

  it('answers 504 when the upstream is slower than UPSTREAM_TIMEOUT_MS', async () => {
    const key = await owner.createKey();
    const began = Date.now();
    const res = await call(`/slow/${TIMEOUT_MS * 3}`, key.secret);
    expect(res.status).toBe(504);
    expect(Date.now() - began).toBeLessThan(TIMEOUT_MS * 2.5);
    expect(await res.json()).toMatchObject({
      error: { code: 'INTERNAL_SERVER_ERROR', reason: 'UPSTREAM_TIMEOUT' },
    });
  });

  it('answers 502 when the upstream cannot be reached, and counts it', async () => {
    const closedPort = await freePort();
    const down = await startGatewayProcess(deployment, {
      UPSTREAM_URL: `http://127.0.0.1:${closedPort}`,
    });
    try {
      const key = await owner.createKey();
      const res = await fetch(`${down.base}/x`, { headers: { 'x-api-key': key.secret } });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({
        error: { code: 'INTERNAL_SERVER_ERROR', reason: 'UPSTREAM_UNREACHABLE' },
      });
      // Without a sandbox, DEVELOPMENT keys are refused: never sent to UPSTREAM_URL.
      const dev = await owner.createKey({ environment: 'DEVELOPMENT' });
      const refused = await fetch(`${down.base}/x`, { headers: { 'x-api-key': dev.secret } });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as ErrorBody).error.code).toBe('FORBIDDEN');
      expect(await owner.waitForCounts(key.id, { 502: 1 })).toEqual({ 502: 1 });
      expect(await owner.waitForCounts(dev.id, { 403: 1 })).toEqual({ 403: 1 });
    } finally {
      expect(await down.stop()).toBe(0);
    }
  });
});

describe('counting', () => {
  it('counts every keyed request with the status its client received, exactly', async () => {
    const key = await owner.createKey({ rateLimitPerMinute: 14 });
    const mix = [200, 200, 200, 200, 201, 204, 301, 404, 404, 500, 500, 503];
    for (const status of mix)
      expect((await call(`/status/${status}`, key.secret)).status).toBe(status);
    expect((await call(`/slow/${TIMEOUT_MS * 3}`, key.secret)).status).toBe(504);
    expect((await call('/plain', key.secret)).status).toBe(200);
    expect((await call('/plain', key.secret)).status).toBe(429);
    expect((await call('/plain', key.secret)).status).toBe(429);
    const expected = { 200: 5, 201: 1, 204: 1, 301: 1, 404: 2, 500: 2, 503: 1, 504: 1, 429: 2 };
    expect(await owner.waitForCounts(key.id, expected)).toEqual(expected);
  });
});

describe('logs', () => {
  it('never carry a key', async () => {
    const key = await owner.createKey();
    await call('/logged?token=secret-query-value', undefined, {
      headers: { authorization: `Bearer ${key.secret}` },
    });
    await call('/logged', 'pp_live_not_a_real_key_at_all');
    await new Promise((r) => setTimeout(r, 200));
    const output = gateway.output();
    expect(output).toContain('"path":"/logged"');
    expect(output).not.toContain(key.secret);
    expect(output).not.toContain('pp_live_not_a_real_key_at_all');
    expect(output).not.toContain('secret-query-value');
  });
});

describe('shutdown', () => {
  it('finishes the request in flight, flushes its count and exits 0 on SIGTERM', async () => {
    const second = await startGatewayProcess(deployment, { UPSTREAM_URL: upstream.url });
    const key = await owner.createKey();
    const inFlight = fetch(`${second.base}/slow/600`, { headers: { 'x-api-key': key.secret } });
    await new Promise((r) => setTimeout(r, 150));
    second.child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ upstream: 'production', path: '/slow/600' });
    expect(await second.exited).toBe(0);
    // Written before the exit: no later flush is coming.
    expect(await owner.statusCounts(key.id)).toEqual({ 200: 1 });
  });
});

describe('configuration', () => {
  it('refuses to start with one line per problem and exit code 1', async () => {
    const { code, output } = await runGatewayToExit({
      PORT: 'http',
      UPSTREAM_TIMEOUT_MS: 'soon',
      REDIS_URL: 'localhost',
    });
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([
      'Configuration error: PORT must be a port number',
      'Configuration error: UPSTREAM_TIMEOUT_MS must be a number of milliseconds',
      'Configuration error: REDIS_URL must be a URL starting with redis:// or rediss://',
      "Configuration error: UPSTREAM_URL is required: the provider's API the gateway stands in front of",
    ]);
  });

  it('names a portal database that is not there', async () => {
    const { code, output } = await runGatewayToExit({
      UPSTREAM_URL: upstream.url,
      DATABASE_URL: 'sqlite:/nonexistent/portal.sqlite',
    });
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toContain('/nonexistent/portal.sqlite');
  });
});
