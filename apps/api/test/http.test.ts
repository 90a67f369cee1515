import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signUp, startPortal, type TestPortal } from './harness';

let t: TestPortal;
beforeAll(async () => {
  t = await startPortal();
});
afterAll(() => t.stop());

const post = (
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(`${t.url}/graphql`, { method: 'POST', headers, body });

describe('HTTP hygiene', () => {
  it('answers /healthz with 200 while the database answers', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      database: 'up',
      redis: process.env.REDIS_URL ? 'up' : 'off',
    });
  });

  it('gives every response a request id, keeping a sane one from the caller', async () => {
    const mine = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-123');
    const bad = await fetch(`${t.url}/healthz`, {
      headers: { 'x-request-id': 'no spaces <allowed>' },
    });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['a syntax error', JSON.stringify({ query: '{ viewer {' }), 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', JSON.stringify({ query: '{ nope }' }), 'GRAPHQL_VALIDATION_FAILED'],
    [
      'too many tokens',
      JSON.stringify({ query: `{ ${'viewer { user { id } } '.repeat(400)} }` }),
      'GRAPHQL_PARSE_FAILED',
    ],
  ])('answers %s with 400 and BAD_USER_INPUT', async (_label, body, reason) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as {
      errors: Array<{ extensions: { code: string; reason: string } }>;
    };
    expect(json.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  });

  it('answers a body that is not JSON, or not sent as JSON, with 400', async () => {
    for (const res of [
      await post('{not json'),
      await post('query=x', { 'content-type': 'application/x-www-form-urlencoded' }),
    ]) {
      expect(res.status).toBe(400);
      expect(
        ((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!
          .extensions.code,
      ).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await post(
      JSON.stringify({
        query: '{ viewer { user { id } } }',
        variables: { pad: 'x'.repeat(200 * 1024) },
      }),
    );
    expect(res.status).toBe(413);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await fetch(`${t.url}/api/nothing-here`, { method: 'POST' });
    expect(res.status).toBe(404);
  });

  it('serves GraphQL over graphql-ws on the same path, with the credential in connection_init', async () => {
    const person = await signUp(t);
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${person.token}` },
      retryAttempts: 0,
      lazy: false,
    });
    const result = await new Promise((resolve, reject) => {
      let value: unknown;
      client.subscribe(
        { query: '{ viewer { user { email } } }' },
        { next: (v) => (value = v), error: reject, complete: () => resolve(value) },
      );
    });
    expect(result).toEqual({ data: { viewer: { user: { email: person.email } } } });
    await client.dispose();
  });

  it('closes a graphql-ws connection whose credential is not valid', async () => {
    const code = await new Promise<number>((resolve) => {
      const client = createClient({
        url: `${t.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: 'Bearer nonsense' },
        retryAttempts: 0,
        lazy: false,
        on: { closed: (event) => resolve((event as { code: number }).code) },
        onNonLazyError: () => undefined,
      });
      void client;
    });
    expect(code).toBe(4401);
  });
});

describe('query limits (set low here so the small schema can exceed them)', () => {
  let limited: TestPortal;
  beforeAll(async () => {
    limited = await startPortal({
      GRAPHQL_MAX_DEPTH: '2',
      GRAPHQL_MAX_ALIASES: '2',
      GRAPHQL_MAX_COST: '1',
    });
  });
  afterAll(() => limited.stop());

  it.each([
    ['a query nested too deep', '{ viewer { user { id } } }', /depth/i],
    [
      'too many aliases',
      '{ a: viewer { __typename } b: viewer { __typename } c: viewer { __typename } }',
      /aliases/i,
    ],
    [
      'a query that costs too much',
      '{ a: viewer { __typename } b: viewer { __typename } }',
      /too expensive/,
    ],
  ])('refuses %s with 400 and BAD_USER_INPUT, never a 500', async (_label, query, message) => {
    const res = await fetch(`${limited.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as {
      errors: Array<{ message: string; extensions: { code: string } }>;
    };
    expect(json.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(json.errors[0]!.message).toMatch(message);
  });
});
