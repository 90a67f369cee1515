import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { signUp, startPortal, type TestPortal } from '../harness';
import { createTeam } from '../teams-world';

/**
 * What GraphQL scanners (graphql-cop, InQL, Escape) probe, each against a portal in production
 * mode: over HTTP, and over graphql-ws where the class applies to it.
 */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-of-at-least-32-chars!',
  MAIL_OUTBOX: 'true',
};

let t: TestPortal;
let owner: Awaited<ReturnType<typeof signUp>>;
let teamId: string;
beforeAll(async () => {
  t = await startPortal(PRODUCTION);
  owner = await signUp(t);
  teamId = await createTeam(t, owner);
});
afterAll(() => t.stop());

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    extensions?: unknown;
  } | null;
}

async function send(path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${t.url}${path}`, init);
  const text = await res.text();
  let body: Answer['body'] = null;
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, text, body };
}

const asOwner = () => ({ authorization: `Bearer ${owner.token}` });

function post(query: string, variables: Record<string, unknown> = {}, headers = asOwner()) {
  return send('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
}

/** Nothing of the server's insides: no stack frame, no SQL, no driver or file names. */
function expectNoLeak(text: string) {
  expect(text).not.toMatch(
    /stacktrace|"stack"|\n\s+at |node_modules|\/src\/|typeorm|sqlite|mysql/i,
  );
  expect(text).not.toMatch(/\b(select|insert into|update \w+ set)\b/i);
}

/** Refused before anything runs: the status, exactly one error, no data, a contract code. */
function expectRefused(answer: Answer, status = 400) {
  expect(answer.status).toBe(status);
  expect(answer.body?.errors).toHaveLength(1);
  expect(answer.body?.data ?? undefined).toBeUndefined();
  expect(answer.body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expectNoLeak(answer.text);
}

/** The session still works: an operation that should have been refused did not log it out. */
async function expectStillSignedIn() {
  const res = await post('{ viewer { user { id } } }');
  expect(res.body?.data).toEqual({ viewer: { user: { id: owner.id } } });
}

const aliased = (n: number, field = '__typename') =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
const DIRECTIVE_FLOOD = `{ __typename ${'@aa'.repeat(10)} }`;
const CIRCULAR_INTROSPECTION = `{ __schema { types { fields { type { fields { type { fields { type { fields { type { fields { name } } } } } } } } } } } }`;
/** About 5,700: three full pages of the audit log (the cost limit is 5,000). */
const TOO_COSTLY = `query($team: ID!) { team(id: $team) { ${['a', 'b', 'c']
  .map(
    (alias) =>
      `${alias}: auditLog(first: 100) { edges { node { id action createdAt details targetId targetType actor { id email name } actorApiKey { id name start } } } pageInfo { endCursor hasNextPage } }`,
  )
  .join(' ')} } }`;

describe('over HTTP', () => {
  it('alias overloading: 101 aliased __typename, or 101 aliases of a real field, are refused with one error', async () => {
    expectRefused(await post(aliased(101)));
    expectRefused(await post(aliased(101, 'viewer { user { id } }')));
    expect((await post(aliased(15))).status).toBe(200);
  });

  it('directive overloading: ten duplicated unknown directives give one error, not ten', async () => {
    expectRefused(await post(DIRECTIVE_FLOOD));
    const distinct = `{ __typename ${Array.from({ length: 50 }, (_, i) => `@d${i}`).join(' ')} }`;
    expectRefused(await post(distinct));
  });

  it('field duplication: 500 × __typename is refused with one error', async () => {
    expectRefused(await post(`{ ${'__typename '.repeat(500)} }`));
  });

  it('array batching: a JSON array is refused and none of it runs', async () => {
    const batch = Array.from({ length: 10 }, () => ({ query: 'mutation { logOut }' }));
    const res = await send('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asOwner() },
      body: JSON.stringify(batch),
    });
    expectRefused(res);
    expect(Array.isArray(res.body)).toBe(false);
    await expectStillSignedIn();
  });

  it('field suggestions: no "Did you mean" for fields, arguments, types or enum values', async () => {
    for (const query of [
      '{ viewe { user { id } } }',
      '{ viewer { usr { id } } }',
      '{ team(idd: "1") { id } }',
      '{ viewer { ...F } } fragment F on Viewe { user { id } }',
      `{ team(id: "1") { apiKeys(status: ACTIV) { id } } }`,
      'query($i: SignUpInpt!) { __typename }',
    ]) {
      const res = await post(query);
      expect(res.status).toBe(400);
      expect(res.text).not.toMatch(/did you mean/i);
      expectNoLeak(res.text);
    }
  });

  it('queries over GET: 405 with Allow: POST and a JSON error', async () => {
    const res = await send(`/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body?.data).toBeUndefined();
  });

  it('mutations over GET: 405, and the mutation does not run', async () => {
    const res = await send(`/graphql?query=${encodeURIComponent('mutation { logOut }')}`, {
      headers: asOwner(),
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    await expectStillSignedIn();
  });

  it.each([
    ['url-encoded', 'application/x-www-form-urlencoded', 'query=mutation%20%7B%20logOut%20%7D'],
    ['text/plain', 'text/plain', JSON.stringify({ query: 'mutation { logOut }' })],
    [
      'multipart',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\nmutation { logOut }\r\n--x--\r\n',
    ],
  ])('CSRF: a %s POST (no preflight) is refused and does not run', async (_name, type, body) => {
    const res = await send('/graphql', {
      method: 'POST',
      headers: { 'content-type': type, ...asOwner() },
      body,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expectNoLeak(res.text);
    await expectStillSignedIn();
  });

  it('no IDE or landing page in production', async () => {
    const res = await send('/graphql', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    // The paths scanners try for GraphiQL, Playground, Altair, Voyager and Apollo Sandbox.
    for (const path of [
      '/graphql',
      '/graphiql',
      '/playground',
      '/altair',
      '/voyager',
      '/graphql/console',
      '/api/graphql',
      '/sandbox',
    ]) {
      const page = await send(path, { headers: { accept: 'text/html' } });
      expect(page.text).not.toMatch(
        /graphiql|graphql-playground|altair|voyager|embeddable-sandbox|apollo-server-landing-page/i,
      );
    }
  });

  it('introspection: __schema and __type are refused, however they are dressed', async () => {
    for (const query of [
      '{ __schema { types { name } } }',
      '{ __type(name: "Team") { name fields { name } } }',
      '{ s: __schema { queryType { name } } }',
      '{ ...F } fragment F on Query { __schema { types { name } } }',
      '{ ... on Query { __type(name: "User") { name } } }',
      'query A { __typename } query B { __schema { types { name } } }',
    ]) {
      const res = await post(query);
      expect(res.status).toBe(400);
      expect(res.body?.data ?? undefined).toBeUndefined();
      expect(res.text).not.toContain('"Team"');
      expect(res.text).not.toMatch(/"kind":"OBJECT"|queryType|"fields"/);
    }
    // __typename is not introspection: clients need it.
    expect((await post('{ __typename }')).body?.data).toEqual({ __typename: 'Query' });
  });

  it('circular introspection is refused with one error', async () => {
    expectRefused(await post(CIRCULAR_INTROSPECTION));
  });

  it('trace mode: no tracing, no federated trace, no stack trace in any answer', async () => {
    const traced = await send('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'apollo-federation-include-trace': 'ftv1',
        ...asOwner(),
      },
      body: JSON.stringify({ query: '{ viewer { user { id } } }', extensions: { tracing: true } }),
    });
    expect(traced.status).toBe(200);
    expect(traced.body?.extensions).toBeUndefined();
    // An error a resolver throws (NOT_FOUND), and one of the caller's variables: codes, no stack.
    const notFound = await post('query($id: ID!) { team(id: $id) { id } }', { id: 'nope' });
    expect(notFound.body?.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND' });
    const badVariable = await post('query($id: ID!) { team(id: $id) { id } }', { id: { a: 1 } });
    expect(badVariable.status).toBe(400);
    for (const answer of [traced, notFound, badVariable]) expectNoLeak(answer.text);
  });

  it.each([
    ['a body that is not JSON', '{"query": "{ __typename }"'],
    ['a query that is a number', JSON.stringify({ query: 1 })],
    ['variables that are a string', JSON.stringify({ query: '{ __typename }', variables: 'x' })],
    ['an unknown operation name', JSON.stringify({ query: '{ __typename }', operationName: 'X' })],
    ['two anonymous operations', JSON.stringify({ query: '{ __typename } { __typename }' })],
    ['a syntax error', JSON.stringify({ query: '{ viewer { ' })],
    ['a lone surrogate', JSON.stringify({ query: '{ __typename }' }).replace('{ _', '{ \\ud800 _')],
    ['a null body', 'null'],
    [
      'deeply nested variables',
      `{"query":"query($i: SignUpInput!) { __typename }","variables":{"i":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
    ],
    ['a body over the limit', JSON.stringify({ query: `{ __typename } # ${'x'.repeat(200_000)}` })],
  ])('unhandled errors: %s is a 4xx JSON answer with no stack and no SQL', async (_name, body) => {
    const res = await send('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asOwner() },
      body,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expectNoLeak(res.text);
  });

  it('cost: a query over the cost limit is refused before it runs', async () => {
    const res = await post(TOO_COSTLY, { team: teamId });
    expectRefused(res);
    expect(res.body?.errors?.[0]?.message).toMatch(/too expensive/);
  });
});

describe('over graphql-ws', () => {
  const clients: Client[] = [];
  afterAll(async () => {
    for (const client of clients) await client.dispose();
  });

  function connect(): Client {
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner.token}` },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  }

  type WsAnswer = {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    closed?: number;
  };

  /** One operation over the socket: its result, its errors, or the code the socket closed with. */
  function run(
    client: Client,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<WsAnswer> {
    return new Promise((resolve) => {
      const answer: WsAnswer = {};
      client.subscribe(
        { query, variables },
        {
          next: (value) => {
            answer.data = value.data;
            if (value.errors) answer.errors = value.errors as WsAnswer['errors'];
          },
          error: (error: unknown) => {
            if (Array.isArray(error)) answer.errors = error as WsAnswer['errors'];
            else answer.closed = (error as { code?: number }).code ?? -1;
            resolve(answer);
          },
          complete: () => resolve(answer),
        },
      );
    });
  }

  function expectWsRefused(answer: WsAnswer) {
    expect(answer.closed).toBeUndefined();
    expect(answer.data ?? undefined).toBeUndefined();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expectNoLeak(JSON.stringify(answer));
  }

  let client: Client;
  beforeAll(() => {
    client = connect();
  });

  it('answers a plain query (the checks below are refusals, not a broken socket)', async () => {
    expect(await run(client, '{ viewer { user { id } } }')).toEqual({
      data: { viewer: { user: { id: owner.id } } },
    });
  });

  it('introspection: __schema and __type are refused', async () => {
    expectWsRefused(await run(client, '{ __schema { types { name } } }'));
    expectWsRefused(await run(client, '{ __type(name: "Team") { name } }'));
    expectWsRefused(await run(client, CIRCULAR_INTROSPECTION));
  });

  it('alias overloading: 101 aliased __typename are refused with one error', async () => {
    expectWsRefused(await run(client, aliased(101)));
  });

  it('directive overloading: ten duplicated unknown directives give one error', async () => {
    expectWsRefused(await run(client, DIRECTIVE_FLOOD));
  });

  it('cost: a query over the cost limit is refused', async () => {
    const answer = await run(client, TOO_COSTLY, { team: teamId });
    expectWsRefused(answer);
    expect(answer.errors?.[0]?.message).toMatch(/too expensive/);
  });

  it('field suggestions: none', async () => {
    const answer = await run(client, '{ viewe { user { id } } }');
    expect(answer.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(answer)).not.toMatch(/did you mean/i);
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the socket survives all of the above', async () => {
    expect((await run(client, '{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});
