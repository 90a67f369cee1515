import { SIGN_UP, signUp, startPortal, uniqueEmail, type TestPortal } from './harness';

/** What a production deployment shows (and hides) from callers. */
let t: TestPortal;
beforeAll(async () => {
  t = await startPortal({
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-of-at-least-32-chars!',
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

it('masks internal errors: no stack, no SQL, a generic message; and /healthz says 503', async () => {
  const person = await signUp(t);
  await t.portal.dataSource.destroy();

  const health = await fetch(`${t.url}/healthz`);
  expect(health.status).toBe(503);

  // Failing inside a resolver…
  const res = await t.gql(SIGN_UP, {
    input: { email: uniqueEmail(), name: 'X', password: 'long enough password' },
  });
  expect(res.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  expect(JSON.stringify(res)).not.toMatch(/select|insert|stack|typeorm|sqlite|mysql/i);

  // …and while resolving the caller, before GraphQL runs.
  const authed = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${person.token}` },
    body: JSON.stringify({ query: '{ viewer { user { id } } }' }),
  });
  expect(authed.status).toBe(500);
  const body = await authed.text();
  expect(body).toContain('INTERNAL_SERVER_ERROR');
  expect(body).not.toMatch(/select|stack|typeorm|sqlite|mysql/i);
  // The real cause is in the log for operators.
  expect(t.logs.some((l) => l.includes('"level":50'))).toBe(true);
});
