import type { EntitySubscriberInterface } from 'typeorm';
import { Session } from '../src/modules/accounts/session.entity';
import { LOG_IN, VIEWER, signUp, startPortal, TestClock, type TestPortal } from './harness';
import { TestSmtpServer } from './smtp';
import { startTwoPortals, stopTwoPortals, type TwoPortals } from './two-portals';

/**
 * Session look-ups are cached per process (AccountsService + SessionCache): a known token costs no
 * signature check and no session read. These tests prove the cache is used, and that a session
 * ended by log-out, by a password reset or by its expiry is refused at once by the process that
 * ended it, and by another process as soon as the revocation arrives (Redis, or the poller).
 */

const LOG_OUT = `mutation { logOut }`;
const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { token } }`;

const sessionIdOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;

/** Statements that read the sessions table, counted on a portal's own data source. */
function countSessionReads(t: TestPortal): { reads: () => number } {
  let n = 0;
  const counter: EntitySubscriberInterface = {
    beforeQuery: (event) => {
      if (/FROM "?`?sessions/i.test(event.query)) n++;
    },
  };
  t.portal.dataSource.subscribers.push(counter);
  return { reads: () => n };
}

async function resetLink(smtp: TestSmtpServer, email: string): Promise<string> {
  return /token=([\w-]+)/.exec((await smtp.take(email)).text ?? '')![1]!;
}

const refusedAsEnded = (res: Awaited<ReturnType<TestPortal['gql']>>) => {
  expect(res.status).toBe(401);
  expect(res.errors?.[0]).toMatchObject({
    extensions: { code: 'UNAUTHENTICATED' },
    message: expect.stringMatching(/ended/),
  });
};

describe('in one process', () => {
  let t: TestPortal;
  let smtp: TestSmtpServer;
  let counted: { reads: () => number };
  beforeAll(async () => {
    smtp = new TestSmtpServer();
    t = await startPortal({ SMTP_URL: await smtp.start() });
    counted = countSessionReads(t);
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  it('reads a session once, then answers its requests from the cache', async () => {
    const person = await signUp(t);
    const before = counted.reads();
    for (let i = 0; i < 3; i++)
      expect((await t.gql(VIEWER, {}, person.token)).data).toMatchObject({
        viewer: { user: { id: person.id } },
      });
    expect(counted.reads() - before).toBe(1);
  });

  it('refuses a cached session at once after logging out; the person’s other session still works', async () => {
    const person = await signUp(t);
    const login = await t.gql<{ logIn: { token: string } }>(LOG_IN, {
      input: { email: person.email, password: person.password },
    });
    const token = login.data!.logIn.token;
    for (const tok of [token, token, person.token])
      expect((await t.gql(VIEWER, {}, tok)).status).toBe(200);

    expect((await t.gql(LOG_OUT, {}, token)).data).toEqual({ logOut: true });
    refusedAsEnded(await t.gql(VIEWER, {}, token));
    expect((await t.gql(VIEWER, {}, person.token)).status).toBe(200);
  });

  it('refuses every cached session of a person at once after a password reset', async () => {
    const person = await signUp(t);
    const login = await t.gql<{ logIn: { token: string } }>(LOG_IN, {
      input: { email: person.email, password: person.password },
    });
    const second = login.data!.logIn.token;
    for (const tok of [person.token, second, person.token, second])
      expect((await t.gql(VIEWER, {}, tok)).status).toBe(200);

    await t.gql(REQUEST_RESET, { email: person.email });
    const reset = await t.gql<{ resetPassword: { token: string } }>(RESET, {
      token: await resetLink(smtp, person.email),
      password: 'a brand new password',
    });
    expect(reset.errors).toBeUndefined();
    refusedAsEnded(await t.gql(VIEWER, {}, person.token));
    refusedAsEnded(await t.gql(VIEWER, {}, second));
    expect((await t.gql(VIEWER, {}, reset.data!.resetPassword.token)).status).toBe(200);
  });

  it('refuses a cached session once it expires, by the clock, with no revocation', async () => {
    const person = await signUp(t);
    for (let i = 0; i < 2; i++) expect((await t.gql(VIEWER, {}, person.token)).status).toBe(200);
    const reads = counted.reads();
    t.clock.advanceMinutes(t.portal.config.sessionTtlHours * 60 - 1);
    expect((await t.gql(VIEWER, {}, person.token)).status).toBe(200);
    expect(counted.reads()).toBe(reads);
    t.clock.advanceMinutes(2);
    refusedAsEnded(await t.gql(VIEWER, {}, person.token));
  });

  it('drops a session when its revocation is delivered (as Redis or the database poller deliver one)', async () => {
    const person = await signUp(t);
    expect((await t.gql(VIEWER, {}, person.token)).status).toBe(200);
    // Ended by another process: the row changes, and this process hears the revocation later.
    await t.portal.dataSource
      .getRepository(Session)
      .update({ id: sessionIdOf(person.token) }, { revokedAt: t.clock.now() });
    // Until it arrives, the cached session is still trusted (for at most 30 s)…
    expect((await t.gql(VIEWER, {}, person.token)).status).toBe(200);
    // …and from the moment it arrives, refused.
    t.portal.services.revocations.deliver({
      kind: 'session',
      sessionId: sessionIdOf(person.token),
    });
    refusedAsEnded(await t.gql(VIEWER, {}, person.token));
  });
});

const withRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL)
  console.log(
    'session-cache.test: REDIS_URL is not set, so the two-process tests are skipped (revocations cross processes through Redis)',
  );

withRedis('across two processes sharing Redis', () => {
  let portals: Partial<TwoPortals> = {};
  beforeAll(async () => {
    portals = await startTwoPortals(
      { JWT_SECRET: 'session-cache-test-secret-of-32-characters-or-more' },
      new TestClock(),
    );
  });
  afterAll(() => stopTwoPortals(portals));

  /** Asks `t` until it refuses the token (the revocation travels through Redis), at most 2 s. */
  async function refusedSoon(t: TestPortal, token: string): Promise<number> {
    const started = Date.now();
    for (;;) {
      const res = await t.gql(VIEWER, {}, token);
      if (res.status === 401) {
        refusedAsEnded(res);
        return Date.now() - started;
      }
      if (Date.now() - started > 2_000) throw new Error('still accepted 2 s after it ended');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('a session logged out through one is refused by the other, which had it cached', async () => {
    const { a, b } = portals as TwoPortals;
    const person = await signUp(a);
    for (let i = 0; i < 2; i++) expect((await b.gql(VIEWER, {}, person.token)).status).toBe(200);
    expect((await a.gql(LOG_OUT, {}, person.token)).data).toEqual({ logOut: true });
    const ms = await refusedSoon(b, person.token);
    console.log(`session-cache: log-out on a → refused by b after ${ms} ms`);
  });

  it('a password reset through one ends the sessions the other had cached', async () => {
    const { a, b, smtp } = portals as TwoPortals;
    const person = await signUp(a);
    for (let i = 0; i < 2; i++) expect((await b.gql(VIEWER, {}, person.token)).status).toBe(200);
    await a.gql(REQUEST_RESET, { email: person.email });
    const reset = await a.gql(RESET, {
      token: await resetLink(smtp, person.email),
      password: 'a brand new password',
    });
    expect(reset.errors).toBeUndefined();
    await refusedSoon(b, person.token);
  });
});
