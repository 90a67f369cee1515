import { SIGN_UP, signUp, startPortal, uniqueEmail, type TestPortal } from './harness';

/** What a production deployment shows (and hides) from callers. */
let t: TestPortal;
beforeAll(async () => {
  t = await startPortal({
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-of-at-least-32-chars!',
    MAIL_OUTBOX: 'true',
  });
});
afterAll(() => t.stop());

it('turns introspection off', async () => {
  const res = await t.gql('{ __schema { types { name } } }');
  expect(res.status).toBe(400);
  expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
});

it('gives no field suggestions', async () => {
  const res = await t.gql('{ viewe { user { id } } }');
  expect(res.status).toBe(400);
  expect(res.errors?.[0]?.message).not.toMatch(/Did you mean/);
});

it('never logs a password or a session token', async () => {
  const person = await signUp(t, { password: 'a password to hide' });
  await t.gql('{ viewer { user { id } } }', {}, person.token);
  const logs = t.logs.join('\n');
  expect(logs).not.toContain('a password to hide');
  expect(logs).not.toContain(person.token);
});

it('masks unexpected errors: no stack, no SQL, a generic message, the cause only in the log', async () => {
  const person = await signUp(t);
  const teams = t.portal.services.teams;
  const original = teams.membershipsOf.bind(teams);
  teams.membershipsOf = () =>
    Promise.reject(
      new Error(
        "ER_PARSE_ERROR: You have an error in your SQL syntax near 'SELECT passwordHash FROM users'",
      ),
    );
  try {
    const res = await t.gql(`{ viewer { memberships { id } } }`, {}, person.token);
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(res.errors?.[0]?.message).toBe('Something went wrong on our side. Please try again.');
    expect(JSON.stringify(res)).not.toMatch(
      /select|passwordHash|stack|typeorm|sqlite|mysql|ER_PARSE/i,
    );
    // The real cause is in the log for operators.
    expect(t.logs.some((l) => l.includes('"level":50') && l.includes('ER_PARSE_ERROR'))).toBe(true);
  } finally {
    teams.membershipsOf = original;
  }
});

it('answers 503 with a clear message when the database is gone, before and inside GraphQL', async () => {
  const person = await signUp(t);
  await t.portal.dataSource.destroy();

  const health = await fetch(`${t.url}/healthz`);
  expect(health.status).toBe(503);

  // Failing inside a resolver…
  const res = await t.gql(SIGN_UP, {
    input: { email: uniqueEmail(), name: 'X', password: 'long enough password' },
  });
  expect(res.status).toBe(503);
  expect(res.errors?.[0]?.extensions).toEqual({
    code: 'INTERNAL_SERVER_ERROR',
    reason: 'DATABASE_UNAVAILABLE',
  });
  expect(res.errors?.[0]?.message).toMatch(/database is unavailable/i);
  expect(JSON.stringify(res)).not.toMatch(/select|insert|stack|typeorm|sqlite|mysql/i);

  // …and while resolving the caller, before GraphQL runs.
  const authed = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${person.token}` },
    body: JSON.stringify({ query: '{ viewer { user { id } } }' }),
  });
  expect(authed.status).toBe(503);
  const body = await authed.text();
  expect(body).toContain('DATABASE_UNAVAILABLE');
  expect(body).not.toMatch(/select|stack|typeorm|sqlite|mysql/i);
});
