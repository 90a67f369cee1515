import { startPortal, signUp, type TestPortal } from './harness';

/**
 * POST /graphql has two ways in (gate/http.ts): the plain case (JSON of a known length) is
 * answered in front of Express, every other case (here: a chunked body, which has no length) by
 * the Express chain. Each request below is sent both ways and must get the same answer: status,
 * body, security headers, X-Request-Id, and a log line.
 */
let t: TestPortal;
beforeAll(async () => {
  t = await startPortal();
});
afterAll(() => t.stop());

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

async function send(
  body: string,
  headers: Record<string, string>,
  way: 'plain' | 'chunked',
): Promise<Answer> {
  const bytes = new TextEncoder().encode(body);
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(way === 'plain'
      ? { body }
      : {
          // A stream has no length: fetch sends it chunked (Transfer-Encoding), never plain.
          body: new ReadableStream({
            start(controller) {
              controller.enqueue(bytes);
              controller.close();
            },
          }),
          duplex: 'half',
        }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // compared as text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

const SECURITY_HEADERS = [
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-opener-policy',
];

async function bothWays(body: string, headers: Record<string, string> = {}) {
  const plain = await send(body, headers, 'plain');
  const chunked = await send(body, headers, 'chunked');
  expect(plain.status).toBe(chunked.status);
  expect(plain.body).toEqual(chunked.body);
  for (const name of [...SECURITY_HEADERS, 'content-type', 'ratelimit-limit', 'retry-after'])
    expect([name, plain.headers.get(name)]).toEqual([name, chunked.headers.get(name)]);
  for (const name of SECURITY_HEADERS) expect(plain.headers.get(name)).toBeTruthy();
  return plain;
}

it('answers a query the same both ways, with the same headers and request id', async () => {
  const a = await bothWays(JSON.stringify({ query: '{ __typename }' }), {
    'x-request-id': 'trace-123',
  });
  expect(a.status).toBe(200);
  expect(a.body).toEqual({ data: { __typename: 'Query' } });
  expect(a.headers.get('x-request-id')).toBe('trace-123');
  expect(a.headers.get('content-type')).toBe('application/json; charset=utf-8');
  // Each way wrote its line, with the id the client sent.
  const lines = t.logs.filter((l) => l.includes('"request completed"') && l.includes('trace-123'));
  expect(lines).toHaveLength(2);
  for (const line of lines)
    expect(JSON.parse(line)).toMatchObject({
      level: 30,
      req: { id: 'trace-123', method: 'POST', url: '/graphql' },
      res: { statusCode: 200 },
    });
});

it('refuses the same way: bad credentials, bad JSON, batches, invalid documents', async () => {
  const query = JSON.stringify({ query: '{ __typename }' });
  const unauthenticated = await bothWays(query, { authorization: 'Bearer not-a-token' });
  expect(unauthenticated.status).toBe(401);
  const unknownKey = await bothWays(query, { 'x-api-key': 'ppk_live_nothing' });
  expect(unknownKey.status).toBe(401);

  const badJson = await bothWays('{"query": ');
  expect(badJson.status).toBe(400);
  expect(badJson.body).toEqual({
    errors: [
      { message: 'The request body is not valid JSON.', extensions: { code: 'BAD_USER_INPUT' } },
    ],
  });
  expect((await bothWays('"a string"')).status).toBe(400);
  expect((await bothWays(`[${query},${query}]`)).status).toBe(400);

  const invalid = await bothWays(JSON.stringify({ query: '{ noSuchField }' }));
  expect(invalid.status).toBe(400);
  const unparsable = await bothWays(JSON.stringify({ query: '{ viewer ' }));
  expect(unparsable.status).toBe(400);
  const noQuery = await bothWays(JSON.stringify({ variables: {} }));
  expect(noQuery.status).toBe(400);
});

it('runs resolvers the same way: data, resolver errors with their codes, variables', async () => {
  const person = await signUp(t);
  const auth = { authorization: `Bearer ${person.token}` };
  const viewer = await bothWays(JSON.stringify({ query: '{ viewer { user { email } } }' }), auth);
  expect(viewer.body).toEqual({ data: { viewer: { user: { email: person.email } } } });

  const missing = await bothWays(
    JSON.stringify({
      query: 'query($id: ID!) { team(id: $id) { id name } }',
      variables: { id: '00000000-0000-4000-8000-000000000000' },
    }),
    auth,
  );
  const errors = (missing.body as { errors: Array<{ extensions: { code: string } }> }).errors;
  expect(errors[0]!.extensions.code).toBe('NOT_FOUND');

  const badVariables = await bothWays(
    JSON.stringify({
      query: 'query($id: ID!) { team(id: $id) { id } }',
      variables: { id: { not: 'an id' } },
    }),
    auth,
  );
  expect(badVariables.status).toBe(400);
});

it('leaves what is not plain to Express: other methods, media types and oversized bodies', async () => {
  const get = await fetch(`${t.url}/graphql?query=%7B__typename%7D`);
  expect(get.status).toBe(405);
  const form = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  expect(form.status).toBe(400);
  const huge = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(2e6) } });
  const plain = await send(huge, {}, 'plain');
  const chunked = await send(huge, {}, 'chunked');
  expect(plain.status).toBe(413);
  expect(chunked.status).toBe(413);
  expect(plain.body).toEqual(chunked.body);
});
