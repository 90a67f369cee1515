import crypto, { randomBytes, scryptSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { LIMITS } from '../src/modules/accounts/accounts.service';
import { INVITATIONS_PER_INVITER_PER_HOUR } from '../src/modules/invitations/invitations.service';
import { TEAM_LIMITS } from '../src/modules/teams/teams.service';
import {
  LOG_IN,
  SIGN_UP,
  VIEWER,
  signUp,
  startPortal,
  uniqueEmail,
  type GraphQLResponse,
  type TestPortal,
} from './harness';
import { TestSmtpServer } from './smtp';
import { CREATE_TEAM, INVITE, createTeam, join } from './teams-world';

const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { token user { id } } }`;
const RESEND = `mutation($id: ID!) { resendInvitation(id: $id) { id } }`;

type SignUpAnswer = {
  signUp: { token: string; user: { id: string; email: string; name: string; createdAt: string } };
};

let t: TestPortal;
let smtp: TestSmtpServer;
/** Counts every scrypt the process runs (a spy on Node's crypto, calling through: nothing is faked). */
let scrypt: jest.SpiedFunction<typeof crypto.scrypt>;

beforeAll(async () => {
  smtp = new TestSmtpServer();
  // Behind a trusted proxy, so each test can come from its own address (X-Forwarded-For).
  t = await startPortal({ SMTP_URL: await smtp.start(), TRUST_PROXY: 'true' });
  scrypt = jest.spyOn(crypto, 'scrypt');
}, 60_000);
afterAll(async () => {
  scrypt.mockRestore();
  await t.stop();
  await smtp.stop();
});

let addresses = 0;
/** A client address of its own, so per-address limits of one test do not touch another. */
const fromNewAddress = () => {
  const ip = `203.0.113.${++addresses}`;
  return <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<GraphQLResponse<T>> =>
    t.post<T>(query, variables, {
      'x-forwarded-for': ip,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    });
};

async function resetToken(email: string): Promise<string> {
  await t.gql(REQUEST_RESET, { email });
  const mail = await smtp.take(email);
  return /token=([\w-]+)/.exec(mail.text ?? '')![1]!;
}

const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
};

describe('resetPassword', () => {
  it('looks the link up before hashing: an unknown, used or expired link costs no scrypt', async () => {
    const gql = fromNewAddress();
    const person = await signUp(t);
    const used = await resetToken(person.email);
    expect((await gql(RESET, { token: used, password: 'first new password' })).errors).toBe(
      undefined,
    );
    const expiring = await resetToken(person.email);
    t.clock.advanceMinutes(61);

    const before = scrypt.mock.calls.length;
    const cases: Array<[string, RegExp]> = [
      [randomBytes(32).toString('base64url'), /not valid/],
      [used, /already been used/],
      [expiring, /expired/],
    ];
    const times: number[] = [];
    for (const [token, message] of cases) {
      const [res, ms] = await timed(() => gql(RESET, { token, password: 'a guessed password' }));
      times.push(ms);
      expect(res.errors?.[0]).toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
        message: expect.stringMatching(message),
      });
    }
    expect(scrypt.mock.calls.length).toBe(before);

    // The spy does see a real reset: exactly one scrypt, for the new password.
    const valid = await resetToken(person.email);
    const [ok, okMs] = await timed(() =>
      gql(RESET, { token: valid, password: 'second new password' }),
    );
    expect(ok.errors).toBeUndefined();
    expect(scrypt.mock.calls.length).toBe(before + 1);
    console.info(
      `resetPassword: refused links answered in ${times.map((ms) => ms.toFixed(0)).join(', ')} ms; a valid one in ${okMs.toFixed(0)} ms`,
    );
  });

  it('is limited per client address, with the wait in retryAfterSeconds', async () => {
    const gql = fromNewAddress();
    const rule = LIMITS.resetUsesPerAddress;
    for (let i = 0; i < rule.points; i++) {
      const res = await gql(RESET, {
        token: `guess-${i}-${'x'.repeat(40)}`,
        password: 'guessing pw',
      });
      expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    }
    // Over the limit even a valid link waits, and costs nothing.
    const person = await signUp(t);
    const token = await resetToken(person.email);
    const before = scrypt.mock.calls.length;
    const limited = await gql(RESET, { token, password: 'a new password' });
    expect(limited.errors?.[0]).toMatchObject({
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      message: expect.stringMatching(/Too many password reset attempts.*Try again in \d+ minutes/),
    });
    expect(limited.errors![0]!.extensions.retryAfterSeconds).toBeLessThanOrEqual(
      rule.durationSeconds,
    );
    expect(limited.data).toBeNull();
    expect(scrypt.mock.calls.length).toBe(before);
    // Another address is not held back by this one, and the link still works there.
    expect((await fromNewAddress()(RESET, { token, password: 'a new password' })).errors).toBe(
      undefined,
    );
  });
});

describe('signUp', () => {
  it('answers a taken address exactly like a new one, at the same cost, and mails the owner instead', async () => {
    const gql = fromNewAddress();
    const owner = await signUp(t, { name: 'Owner Person' });
    const input = (email: string) => ({
      email,
      name: '  Curious Prober ',
      password: 'probe pw 123',
    });

    const scryptsBefore = scrypt.mock.calls.length;
    const [fresh, freshMs] = await timed(() =>
      gql<SignUpAnswer>(SIGN_UP, { input: input(uniqueEmail('fresh')) }),
    );
    const afterFresh = scrypt.mock.calls.length;
    const [taken, takenMs] = await timed(() =>
      gql<SignUpAnswer>(SIGN_UP, { input: input(owner.email.toUpperCase()) }),
    );
    // One scrypt each: the taken address hashes the given password too.
    expect(afterFresh - scryptsBefore).toBe(1);
    expect(scrypt.mock.calls.length - afterFresh).toBe(1);

    // The same status, the same shape, the same kind of token.
    expect(taken.status).toBe(fresh.status);
    expect(taken.errors).toBeUndefined();
    expect(Object.keys(taken.data!.signUp).sort()).toEqual(Object.keys(fresh.data!.signUp).sort());
    expect(Object.keys(taken.data!.signUp.user).sort()).toEqual(
      Object.keys(fresh.data!.signUp.user).sort(),
    );
    const user = taken.data!.signUp.user;
    expect(user).toMatchObject({ email: owner.email.toLowerCase(), name: 'Curious Prober' });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.id).not.toBe(owner.id);
    expect(Math.abs(Date.parse(user.createdAt) - t.clock.now().getTime())).toBeLessThan(60_000);
    expect(decodeProtectedHeader(taken.data!.signUp.token)).toEqual(
      decodeProtectedHeader(fresh.data!.signUp.token),
    );
    const claims = decodeJwt(taken.data!.signUp.token);
    const freshClaims = decodeJwt(fresh.data!.signUp.token);
    expect(Object.keys(claims).sort()).toEqual(Object.keys(freshClaims).sort());
    expect(claims).toMatchObject({ iss: freshClaims.iss, aud: freshClaims.aud, sub: user.id });
    expect(claims.exp! - claims.iat!).toBe(freshClaims.exp! - freshClaims.iat!);
    // About as long: both spend one scrypt (fixed figures would be noise on 2 shared cores).
    expect(takenMs).toBeGreaterThan(freshMs * 0.4);
    console.info(
      `signUp: a new address answered in ${freshMs.toFixed(0)} ms, a taken one in ${takenMs.toFixed(0)} ms`,
    );

    // The honest limit: using the token tells, with the answer of any ended session.
    const loggedOut = await signUp(t);
    await t.gql(`mutation { logOut }`, {}, loggedOut.token);
    const ended = await t.gql(VIEWER, {}, loggedOut.token);
    const refused = await t.gql(VIEWER, {}, taken.data!.signUp.token);
    expect(refused.status).toBe(401);
    expect(refused.errors).toEqual(ended.errors);
    expect(refused.data).toEqual(ended.data);

    // The owner hears of it, with a way into the portal; their password is unchanged.
    const mail = await smtp.take(owner.email);
    expect(mail.subject).toMatch(/tried to sign up/i);
    expect(mail.text).toContain('Hi Owner Person');
    expect(mail.text).toMatch(/If it was you, log in .*reset your password/);
    expect(mail.text).toContain('http://portal.test/login');
    expect(mail.text).toContain('http://portal.test/forgot-password');
    expect(mail.html).toContain('href="http://portal.test/login"');
    expect(mail.text).not.toContain('probe pw 123');
    const login = await t.gql(LOG_IN, { input: { email: owner.email, password: owner.password } });
    expect(login.errors).toBeUndefined();
    // The stranger's password opens nothing.
    const stranger = await t.gql(LOG_IN, {
      input: { email: owner.email, password: 'probe pw 123' },
    });
    expect(stranger.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('mails the owner a few times an hour at most, and answers the same after that', async () => {
    const gql = fromNewAddress();
    const owner = await signUp(t);
    const tries = LIMITS.signUpNoticesPerEmail.points + 2;
    for (let i = 0; i < tries; i++) {
      const res = await gql<SignUpAnswer>(SIGN_UP, {
        input: { email: owner.email, name: 'Again', password: 'probe pw 123' },
      });
      expect(res.errors).toBeUndefined();
    }
    await new Promise((r) => setTimeout(r, 500));
    const mails = smtp.messages.filter((m) => JSON.stringify(m.to).includes(owner.email));
    expect(mails).toHaveLength(LIMITS.signUpNoticesPerEmail.points);
  });
});

describe('invitations and teams', () => {
  it(`limits one inviter to ${INVITATIONS_PER_INVITER_PER_HOUR} invitations an hour across all their teams`, async () => {
    const inviter = await signUp(t, { name: 'Busy Inviter' });
    const colleague = await signUp(t, { name: 'Colleague' });
    const invite = (teamId: string, label: string, token = inviter.token) =>
      t.gql<{ inviteMember: { id: string } }>(
        INVITE,
        { input: { teamId, email: uniqueEmail(label), role: 'MEMBER' } },
        token,
      );
    // The colleague becomes an admin of the third team: the inviter's first invitation.
    const third = await createTeam(t, inviter, 'Three');
    await join(t, smtp, inviter, third, colleague, 'ADMIN');
    // Then 50 + 49 in two other teams: each stays within its own hourly limit (50 by default).
    const left = INVITATIONS_PER_INVITER_PER_HOUR - 1;
    const plan: Array<[string, number]> = [
      [await createTeam(t, inviter, 'One'), Math.ceil(left / 2)],
      [await createTeam(t, inviter, 'Two'), Math.floor(left / 2)],
    ];
    let first: string | undefined;
    for (const [teamId, count] of plan) {
      for (let sent = 0; sent < count; sent += 10) {
        const size = Math.min(10, count - sent);
        const batch = await Promise.all(Array.from({ length: size }, () => invite(teamId, 'inv')));
        for (const res of batch) expect(res.errors).toBeUndefined();
        first ??= batch[0]!.data!.inviteMember.id;
      }
    }
    const over = await invite(third, 'over');
    expect(over.errors?.[0]).toMatchObject({
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      message: expect.stringMatching(/You have sent too many invitations .*across all your teams/),
    });
    // Resending is sending too.
    const resend = await t.gql(RESEND, { id: first }, inviter.token);
    expect(resend.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    // The limit is the inviter's, not the team's: the colleague can still invite to the third team.
    expect((await invite(third, 'by-colleague', colleague.token)).errors).toBeUndefined();
  }, 60_000);

  it(`limits team creation to ${TEAM_LIMITS.teamsPerPerson.points} an hour per person`, async () => {
    const busy = await signUp(t);
    for (let i = 0; i < TEAM_LIMITS.teamsPerPerson.points; i++) await createTeam(t, busy, `T${i}`);
    const over = await t.gql(CREATE_TEAM, { input: { name: 'One too many' } }, busy.token);
    expect(over.errors?.[0]).toMatchObject({
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      message: expect.stringMatching(/too many teams in the last hour\. Try again in \d+ minutes/),
    });
    expect(over.data).toBeNull();
    const rows: Array<{ n: number | string }> = await t.portal.dataSource.query(
      "SELECT COUNT(*) AS n FROM memberships WHERE userId = ? AND role = 'OWNER'",
      [busy.id],
    );
    expect(Number(rows[0]!.n)).toBe(TEAM_LIMITS.teamsPerPerson.points);
    // Someone else is not held back.
    await createTeam(t, await signUp(t), 'Mine');
  });
});

describe('password hashes', () => {
  /** The stored format with the parameters used before (N=2^15), as older rows hold. */
  const legacyHash = (password: string) => {
    const salt = randomBytes(16);
    const key = scryptSync(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 << 20 });
    return `scrypt$32768$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
  };
  const storedHash = async (userId: string) => {
    const rows = await t.portal.dataSource.query<Array<{ passwordHash: string }>>(
      'SELECT passwordHash FROM users WHERE id = ?',
      [userId],
    );
    return rows[0]!.passwordHash;
  };

  it('upgrades an old hash to the current parameters at the next successful log-in', async () => {
    const person = await signUp(t);
    const old = legacyHash(person.password);
    await t.portal.dataSource.query('UPDATE users SET passwordHash = ? WHERE id = ?', [
      old,
      person.id,
    ]);

    // A wrong password changes nothing.
    const wrong = await t.gql(LOG_IN, {
      input: { email: person.email, password: 'not it at all' },
    });
    expect(wrong.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await storedHash(person.id)).toBe(old);

    const login = await t.gql(LOG_IN, {
      input: { email: person.email, password: person.password },
    });
    expect(login.errors).toBeUndefined();
    const upgraded = await storedHash(person.id);
    expect(upgraded).not.toBe(old);
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);

    // The new hash works, and is not rewritten again.
    const again = await t.gql(LOG_IN, {
      input: { email: person.email, password: person.password },
    });
    expect(again.errors).toBeUndefined();
    expect(await storedHash(person.id)).toBe(upgraded);
    expect(
      (await t.gql(LOG_IN, { input: { email: person.email, password: 'not it at all' } }))
        .errors?.[0]?.extensions.code,
    ).toBe('UNAUTHENTICATED');
  });
});
