import { createHash, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createGateway, type Gateway } from './gateway';
import type { KeyCheck, KeyOutcome, VerifyOptions } from './key-check';
import { createLogger } from './logger';

/**
 * The proxy's mechanics against a real upstream over real HTTP. The key core is replaced here
 * (and only here) by a table of keys: the integration tests in test/ use the real core against a
 * real portal database.
 */
class TableKeys implements KeyCheck {
  readonly records: Array<{ keyId?: string; status: number; latencyMs: number }> = [];
  readonly verified: Array<{ key: string; options: VerifyOptions }> = [];
  constructor(private readonly table: Record<string, KeyOutcome>) {}
  verify(key: string, options: VerifyOptions): Promise<KeyOutcome> {
    this.verified.push({ key, options });
    const outcome = this.table[key] ?? { valid: false, code: 'NOT_FOUND' };
    if (
      outcome.valid &&
      options.environment !== undefined &&
      outcome.environment !== options.environment
    )
      return Promise.resolve({ valid: false, code: 'WRONG_ENVIRONMENT', keyId: outcome.keyId });
    return Promise.resolve(outcome);
  }
  record(outcome: KeyOutcome, status: number, latencyMs: number): void {
    this.records.push({ keyId: outcome.keyId, status, latencyMs });
  }
  ready = () => Promise.resolve(true);
  start = () => Promise.resolve();
  stop = () => Promise.resolve();
}

const PROD: KeyOutcome = {
  valid: true,
  keyId: 'key_prod',
  teamId: 'team_1',
  environment: 'PRODUCTION',
  ratelimit: { limit: 100, remaining: 99, resetSeconds: 42 },
  monthly: null,
  headers: { 'RateLimit-Limit': '100', 'RateLimit-Remaining': '99', 'RateLimit-Reset': '42' },
};
const DEV: KeyOutcome = {
  ...PROD,
  keyId: 'key_dev',
  environment: 'DEVELOPMENT',
  ratelimit: null,
  headers: {},
};

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  bytes: number;
  hash: string;
}

/** An upstream that tells what it received (in headers) and can answer big bodies. */
async function startUpstream(name: string): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      const entry: Seen = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        bytes,
        hash: hash.digest('hex'),
      };
      seen.push(entry);
      const path = new URL(req.url!, 'http://x').pathname;
      if (path.endsWith('/status/503')) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        return res.end('busy');
      }
      if (path.endsWith('/reset')) {
        req.socket.destroy();
        return;
      }
      if (path.endsWith('/hang')) {
        res.on('close', () => hangsClosed++);
        return;
      }
      if (path.endsWith('/hop')) {
        res.writeHead(200, {
          connection: 'keep-alive, x-secret-hop',
          'x-secret-hop': 'no',
          'keep-alive': 'timeout=77',
          'x-kept': 'yes',
          // The upstream's own limit headers: the gateway's replace them for a key with limits.
          'ratelimit-limit': '5000',
          'ratelimit-policy': '5000;w=3600',
        });
        return res.end('ok');
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name });
      res.end(JSON.stringify({ upstream: name, bytes, hash: entry.hash }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let hangsClosed = 0;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let sandbox: Awaited<ReturnType<typeof startUpstream>>;
let keys: TableKeys;
let gateway: Gateway;
let base: string;
const logs: string[] = [];

async function start(options: { sandbox: boolean; upstreamUrl?: string; timeoutMs?: number }) {
  keys = new TableKeys({ pk_prod_1: PROD, pk_dev_1: DEV });
  gateway = createGateway(
    {
      port: 0,
      host: '127.0.0.1',
      upstreamUrl: new URL(options.upstreamUrl ?? `${upstream.url}/base/`),
      sandboxUpstreamUrl: options.sandbox ? new URL(sandbox.url) : undefined,
      upstreamTimeoutMs: options.timeoutMs ?? 5_000,
      upstreamConnections: null,
      trustProxy: false,
      shutdownTimeoutMs: 5_000,
    },
    {
      keys,
      logger: createLogger('info', { write: (line: string) => void logs.push(line) }),
    },
  );
  base = await gateway.listen();
}

beforeAll(async () => {
  upstream = await startUpstream('production');
  sandbox = await startUpstream('sandbox');
});
afterAll(async () => {
  await new Promise((r) => upstream.server.close(r));
  await new Promise((r) => sandbox.server.close(r));
});
afterEach(async () => {
  await gateway?.stop();
  upstream.seen.length = 0;
  sandbox.seen.length = 0;
});

describe('forwarding', () => {
  beforeEach(() => start({ sandbox: true }));

  it('forwards method, path under the base path, query and body; strips the key; sets partner and forwarding headers', async () => {
    const res = await fetch(`${base}/v1/things?a=1&b=two`, {
      method: 'PATCH',
      headers: {
        authorization: 'Bearer pk_prod_1',
        'x-api-key': 'pk_prod_1',
        'X-Partner-Team-Id': 'spoofed-team',
        'x-partner-key-id': 'spoofed-key',
        'x-partner-environment': 'PRODUCTION',
        'x-partner-anything': 'spoofed',
        'x-forwarded-for': '6.6.6.6',
        'x-custom': 'kept',
        'content-type': 'application/json',
      },
      body: '{"hello":"world"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-upstream')).toBe('production');
    expect(res.headers.get('ratelimit-limit')).toBe('100');
    expect(res.headers.get('ratelimit-remaining')).toBe('99');
    expect(res.headers.get('ratelimit-reset')).toBe('42');
    const seen = upstream.seen[0]!;
    expect(seen.method).toBe('PATCH');
    expect(seen.url).toBe('/base/v1/things?a=1&b=two');
    expect(seen.bytes).toBe(17);
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.headers['x-partner-team-id']).toBe('team_1');
    expect(seen.headers['x-partner-key-id']).toBe('key_prod');
    expect(seen.headers['x-partner-environment']).toBe('PRODUCTION');
    expect(seen.headers['x-partner-anything']).toBeUndefined();
    // One value each: the client's copies are gone, not merely joined.
    const raw = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase());
    expect(raw.filter((h) => h === 'x-partner-team-id')).toHaveLength(1);
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(new URL(base).host);
    expect(seen.headers.host).toBe(new URL(upstream.url).host);
    expect(seen.headers['x-custom']).toBe('kept');
    expect(seen.headers['x-request-id']).toBe(res.headers.get('x-request-id'));
    expect(keys.verified[0]!.options.address).toBe('127.0.0.1');
  });

  it("gives every answer, forwarded or its own, one X-Request-Id: the client's when it sent a plain one", async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const answers = {
      forwarded: await fetch(`${base}/x`, { headers: { 'x-api-key': 'pk_prod_1' } }),
      refused: await fetch(`${base}/x`),
      health: await fetch(`${base}/__gateway/healthz`),
      traced: await fetch(`${base}/x`, {
        headers: { 'x-api-key': 'pk_prod_1', 'x-request-id': 'trace-42' },
      }),
      tracedRefusal: await fetch(`${base}/x`, { headers: { 'x-request-id': 'trace-43' } }),
      unsafeTrace: await fetch(`${base}/x`, {
        headers: { 'x-api-key': 'pk_prod_1', 'x-request-id': 'a b<script>' },
      }),
    };
    const ids = Object.fromEntries(
      Object.entries(answers).map(([name, res]) => [name, res.headers.get('x-request-id')]),
    );
    expect(ids).toEqual({
      forwarded: expect.stringMatching(uuid),
      refused: expect.stringMatching(uuid),
      health: expect.stringMatching(uuid),
      traced: 'trace-42',
      tracedRefusal: 'trace-43',
      unsafeTrace: expect.stringMatching(uuid),
    });
    expect(new Set(Object.values(ids)).size).toBe(6);
    expect(upstream.seen.map((s) => s.headers['x-request-id'])).toEqual([
      ids.forwarded,
      'trace-42',
      ids.unsafeTrace,
    ]);
    // The gateway's own headers did not push out the answer's.
    expect(answers.forwarded.headers.get('ratelimit-remaining')).toBe('99');
    expect(answers.forwarded.headers.get('x-upstream')).toBe('production');
  });

  it('drops hop-by-hop headers both ways, including those a Connection header names', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${base}/hop`, {
        headers: {
          'x-api-key': 'pk_prod_1',
          connection: 'keep-alive, x-hop-only',
          'x-hop-only': 'secret',
          te: 'trailers',
          'proxy-authorization': 'Basic abc',
        },
      });
      req.on('response', resolve).on('error', reject).end();
    });
    res.resume();
    const seen = upstream.seen[0]!;
    expect(seen.headers['x-hop-only']).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(res.headers['x-secret-hop']).toBeUndefined();
    expect(res.headers['keep-alive']).not.toBe('timeout=77');
    expect(res.headers['x-kept']).toBe('yes');
  });

  it("replaces the upstream's RateLimit-* with the key's, and passes them for a key without limits", async () => {
    const limited = await fetch(`${base}/hop`, { headers: { 'x-api-key': 'pk_prod_1' } });
    expect(limited.headers.get('ratelimit-limit')).toBe('100');
    expect(limited.headers.get('ratelimit-remaining')).toBe('99');
    expect(limited.headers.get('ratelimit-policy')).toBeNull();
    expect(limited.headers.get('x-kept')).toBe('yes');
    expect(limited.headers.get('x-secret-hop')).toBeNull();
    // A DEVELOPMENT key of the table has no limits: the sandbox's own headers pass.
    const unlimited = await fetch(`${base}/hop`, { headers: { 'x-api-key': 'pk_dev_1' } });
    expect(unlimited.headers.get('ratelimit-limit')).toBe('5000');
    expect(unlimited.headers.get('ratelimit-policy')).toBe('5000;w=3600');
    expect(unlimited.headers.get('ratelimit-remaining')).toBeNull();
    expect(unlimited.headers.get('x-secret-hop')).toBeNull();
  });

  it('streams a 20 MB chunked body both ways unchanged', async () => {
    const body = randomBytes(20 * 1024 * 1024);
    const hash = createHash('sha256').update(body).digest('hex');
    const res = await fetch(`${base}/upload`, {
      method: 'POST',
      headers: { 'x-api-key': 'pk_prod_1' },
      // A stream: sent chunked, without a length.
      body: new Blob([body]).stream(),
      duplex: 'half',
    });
    const answer = (await res.json()) as { bytes: number; hash: string };
    expect(answer).toEqual({ upstream: 'production', bytes: body.length, hash });
    expect(upstream.seen[0]!.headers['transfer-encoding']).toBe('chunked');
  });

  it('sends DEVELOPMENT keys to the sandbox and PRODUCTION keys to the upstream', async () => {
    const dev = await fetch(`${base}/x`, { headers: { 'x-api-key': 'pk_dev_1' } });
    expect(await dev.json()).toMatchObject({ upstream: 'sandbox' });
    expect(sandbox.seen[0]!.headers['x-partner-environment']).toBe('DEVELOPMENT');
    const prod = await fetch(`${base}/x`, { headers: { 'x-api-key': 'pk_prod_1' } });
    expect(await prod.json()).toMatchObject({ upstream: 'production' });
    expect(upstream.seen).toHaveLength(1);
    expect(sandbox.seen).toHaveLength(1);
  });

  it('refuses without a key, with an unknown key and with two different keys, in the contract shape', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Basic dXNlcjpwYXNz' },
      { 'x-api-key': 'pk_nobody' },
      { authorization: 'Bearer pk_prod_1', 'x-api-key': 'pk_dev_1' },
    ]) {
      const res = await fetch(`${base}/x`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('UNAUTHENTICATED');
      expect(body.error.message).toEqual(expect.any(String));
    }
    expect(upstream.seen).toHaveLength(0);
    // Nothing known to count against.
    expect(keys.records).toHaveLength(0);
  });

  it('counts every keyed request with the status its client received', async () => {
    await (await fetch(`${base}/ok`, { headers: { 'x-api-key': 'pk_prod_1' } })).text();
    await (await fetch(`${base}/status/503`, { headers: { 'x-api-key': 'pk_prod_1' } })).text();
    await (await fetch(`${base}/x`, { headers: { 'x-api-key': 'nope' } })).text();
    await new Promise((r) => setTimeout(r, 50));
    expect(keys.records.map((r) => [r.keyId, r.status])).toEqual([
      ['key_prod', 200],
      ['key_prod', 503],
    ]);
    expect(keys.records.every((r) => r.latencyMs > 0)).toBe(true);
  });

  it('answers 502 when the upstream drops the connection without answering', async () => {
    const res = await fetch(`${base}/reset`, { headers: { 'x-api-key': 'pk_prod_1' } });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { reason: 'UPSTREAM_UNREACHABLE' } });
  });

  it('counts a request whose client left before any answer as 499, and lets go of the upstream', async () => {
    const controller = new AbortController();
    const pending = fetch(`${base}/hang`, {
      headers: { 'x-api-key': 'pk_prod_1' },
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 100));
    expect(keys.records.map((r) => [r.keyId, r.status])).toEqual([['key_prod', 499]]);
    expect(hangsClosed).toBe(1);
  });

  it('never logs the key', async () => {
    logs.length = 0;
    await (
      await fetch(`${base}/x?token=abc`, { headers: { authorization: 'Bearer pk_prod_1' } })
    ).text();
    await (await fetch(`${base}/x`, { headers: { 'x-api-key': 'pk_unknown_secret' } })).text();
    await new Promise((r) => setTimeout(r, 20));
    const text = logs.join('\n');
    expect(text).toContain('"status":200');
    expect(text).not.toContain('pk_prod_1');
    expect(text).not.toContain('pk_unknown_secret');
    expect(text).not.toContain('token=abc');
  });

  it('answers its own health check under /__gateway/ without a key, and never forwards that prefix', async () => {
    const res = await fetch(`${base}/__gateway/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const other = await fetch(`${base}/__gateway/other`, { headers: { 'x-api-key': 'pk_prod_1' } });
    expect(other.status).toBe(404);
    expect(upstream.seen).toHaveLength(0);
  });

  it('keeps the client connection alive across requests', async () => {
    const sockets = new Set<unknown>();
    gateway.server.on('connection', (s) => sockets.add(s));
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        httpRequest(`${base}/x`, { agent, headers: { 'x-api-key': 'pk_prod_1' } }, (res) => {
          res.pipe(new Writable({ write: (_c, _e, cb) => cb() })).on('finish', resolve);
        })
          .on('error', reject)
          .end();
      });
    }
    agent.destroy();
    expect(sockets.size).toBe(1);
  });
});

describe('without a sandbox', () => {
  beforeEach(() => start({ sandbox: false }));

  it('refuses DEVELOPMENT keys with 403 and never sends them to UPSTREAM_URL', async () => {
    const res = await fetch(`${base}/x`, { headers: { 'x-api-key': 'pk_dev_1' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect(upstream.seen).toHaveLength(0);
    expect(keys.verified[0]!.options.environment).toBe('PRODUCTION');
    await new Promise((r) => setTimeout(r, 20));
    expect(keys.records.map((r) => [r.keyId, r.status])).toEqual([['key_dev', 403]]);
  });
});

describe('upstream failures', () => {
  it('answers 502 when the upstream cannot be reached', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await start({ sandbox: false, upstreamUrl: `http://127.0.0.1:${port}` });
    const res = await fetch(`${base}/x`, { headers: { 'x-api-key': 'pk_prod_1' } });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({
      error: { code: 'INTERNAL_SERVER_ERROR', reason: 'UPSTREAM_UNREACHABLE' },
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(keys.records.map((r) => r.status)).toEqual([502]);
  });

  it('answers 504 when the upstream is slower than UPSTREAM_TIMEOUT_MS', async () => {
    const slow = createServer((_req, res) => void setTimeout(() => res.end('late'), 2_000));
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    await start({
      sandbox: false,
      upstreamUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
      timeoutMs: 300,
    });
    const began = Date.now();
    const res = await fetch(`${base}/x`, { headers: { 'x-api-key': 'pk_prod_1' } });
    expect(res.status).toBe(504);
    expect(Date.now() - began).toBeLessThan(1_500);
    expect(await res.json()).toMatchObject({ error: { reason: 'UPSTREAM_TIMEOUT' } });
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
  });
});

describe('shutdown', () => {
  it('lets a request in flight finish, counts it, and refuses new connections', async () => {
    const slow = createServer((_req, res) => void setTimeout(() => res.end('done'), 400));
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    await start({
      sandbox: false,
      upstreamUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
    });
    const inFlight = fetch(`${base}/x`, { headers: { 'x-api-key': 'pk_prod_1' } }).then(
      async (r) => [r.status, await r.text()],
    );
    await new Promise((r) => setTimeout(r, 100));
    const stopped = gateway.stop();
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${base}/x`, { headers: { 'x-api-key': 'pk_prod_1' } })).rejects.toThrow();
    expect(await inFlight).toEqual([200, 'done']);
    await stopped;
    expect(keys.records.map((r) => r.status)).toEqual([200]);
    gateway = undefined as unknown as Gateway;
    await new Promise((r) => slow.close(r));
  });
});
