import {
  LOG_IN,
  SIGN_UP,
  VIEWER,
  signUp,
  startPortal,
  uniqueEmail,
  type TestPortal,
} from './harness';
import { TestSmtpServer } from './smtp';

const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { token user { email } } }`;
const LOG_OUT = `mutation { logOut }`;

let t: TestPortal;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = new TestSmtpServer();
  t = await startPortal({
    SMTP_URL: await smtp.start(),
    MAIL_FROM: 'Portal <portal@example.test>',
  });
});
afterAll(async () => {
  await t.stop();
  await smtp.stop();
});

describe('sign up', () => {
  it('creates an account with a normalized email and signs the person in', async () => {
    const email = uniqueEmail('Mixed');
    const res = await t.gql<{ signUp: { token: string; user: { email: string; name: string } } }>(
      SIGN_UP,
      {
        input: {
          email: `  ${email.toUpperCase()} `,
          name: '  Ada Lovelace ',
          password: 'analytical engine',
        },
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.signUp.user).toMatchObject({
      email: email.toLowerCase(),
      name: 'Ada Lovelace',
    });
    const viewer = await t.gql<{ viewer: { user: { email: string } } }>(
      VIEWER,
      {},
      res.data!.signUp.token,
    );
    expect(viewer.data?.viewer.user.email).toBe(email.toLowerCase());
  });

  it('makes no second account for a taken email, whatever its case, and answers without telling', async () => {
    const first = await signUp(t);
    const res = await t.gql<{ signUp: { token: string; user: { id: string; email: string } } }>(
      SIGN_UP,
      { input: { email: first.email.toUpperCase(), name: 'Again', password: 'long enough pw' } },
    );
    // The shape of a successful sign-up (abuse-limits.test.ts compares the two answers in full)…
    expect(res.errors).toBeUndefined();
    expect(res.data?.signUp.user).toMatchObject({ email: first.email.toLowerCase() });
    expect(res.data?.signUp.user.id).not.toBe(first.id);
    // …but no account and no session: the token is refused like an ended one.
    const rows: Array<{ n: number | string }> = await t.portal.dataSource.query(
      'SELECT COUNT(*) AS n FROM users WHERE email = ?',
      [first.email.toLowerCase()],
    );
    expect(Number(rows[0]!.n)).toBe(1);
    const viewer = await t.gql(VIEWER, {}, res.data!.signUp.token);
    expect(viewer.status).toBe(401);
    expect(viewer.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    // The first account keeps its password.
    const login = await t.gql(LOG_IN, { input: { email: first.email, password: first.password } });
    expect(login.errors).toBeUndefined();
  });

  it('names every bad field', async () => {
    const res = await t.gql(SIGN_UP, {
      input: { email: 'not-an-email', name: '   ', password: 'short' },
    });
    expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(res.errors?.[0]?.extensions.fields as object).sort()).toEqual([
      'email',
      'name',
      'password',
    ]);
  });

  it.each([
    ['7 characters', false, 'x'.repeat(7)],
    ['8 characters', true, 'x'.repeat(8)],
    ['128 characters', true, 'x'.repeat(128)],
    ['129 characters', false, 'x'.repeat(129)],
  ])('a password of %s is accepted: %s', async (_label, ok, password) => {
    const res = await t.gql(SIGN_UP, { input: { email: uniqueEmail(), name: 'P', password } });
    if (ok) expect(res.errors).toBeUndefined();
    else
      expect(res.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: { password: expect.any(String) },
      });
  });

  it('stores the password hashed with scrypt, never as given', async () => {
    const person = await signUp(t, { password: 'plain text never stored' });
    const rows: Array<{ passwordHash: string }> = await t.portal.dataSource.query(
      'SELECT passwordHash FROM users WHERE email = ?',
      [person.email],
    );
    expect(rows[0]!.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(rows[0]!.passwordHash).not.toContain('plain text');
  });
});

describe('log in and out', () => {
  it('logs in with the right password and refuses the same token after logging out', async () => {
    const person = await signUp(t);
    const login = await t.gql<{ logIn: { token: string } }>(LOG_IN, {
      input: { email: ` ${person.email.toUpperCase()}`, password: person.password },
    });
    const token = login.data!.logIn.token;
    expect((await t.gql(VIEWER, {}, token)).data).toMatchObject({
      viewer: { user: { id: person.id } },
    });

    expect((await t.gql(LOG_OUT, {}, token)).data).toEqual({ logOut: true });
    const after = await t.gql(VIEWER, {}, token);
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    // The other session (from sign-up) is untouched.
    expect((await t.gql(VIEWER, {}, person.token)).status).toBe(200);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const person = await signUp(t);
    const wrong = await t.gql(LOG_IN, {
      input: { email: person.email, password: 'not the password' },
    });
    const unknown = await t.gql(LOG_IN, {
      input: { email: uniqueEmail('nobody'), password: 'not the password' },
    });
    expect(wrong.errors).toEqual(unknown.errors);
    expect(wrong.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('limits failed logins per email, telling how long to wait', async () => {
    const person = await signUp(t);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await t.gql(LOG_IN, { input: { email: person.email, password: `wrong ${i}` } });
      codes.push(res.errors![0]!.extensions.code);
    }
    expect(codes.slice(0, 4)).toEqual(Array(4).fill('UNAUTHENTICATED'));
    expect(codes[5]).toBe('RATE_LIMITED');
    // Even the right password waits now.
    const blocked = await t.gql(LOG_IN, {
      input: { email: person.email, password: person.password },
    });
    expect(blocked.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    expect(blocked.errors?.[0]?.message).toMatch(/Try again in \d+ minutes/);
  });

  it('refuses tokens that are forged, malformed or expired', async () => {
    const person = await signUp(t);
    const [header, payload] = person.token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    for (const token of [forged, 'not-a-jwt', `${person.token}x`]) {
      const res = await t.gql(VIEWER, {}, token);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic abc' },
      body: JSON.stringify({ query: '{ viewer { user { id } } }' }),
    });
    expect(res.status).toBe(401);

    t.clock.advanceMinutes(7 * 24 * 60 + 1);
    const expired = await t.gql(VIEWER, {}, person.token);
    expect(expired.errors?.[0]).toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
      message: expect.stringMatching(/ended/),
    });
  });

  it('answers viewer with null when signed out and refuses logOut', async () => {
    expect((await t.gql(VIEWER)).data).toEqual({ viewer: null });
    expect((await t.gql(LOG_OUT)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('password reset', () => {
  it('mails a single-use link that sets a new password and ends every other session', async () => {
    const person = await signUp(t, { name: 'Grace <b>Hopper</b>' });
    expect((await t.gql(REQUEST_RESET, { email: person.email.toUpperCase() })).data).toEqual({
      requestPasswordReset: true,
    });

    const mail = await smtp.waitFor(person.email);
    expect(mail.subject).toMatch(/reset/i);
    expect(mail.text).toContain('Grace <b>Hopper</b>');
    expect(mail.html).toContain('Grace &lt;b&gt;Hopper&lt;/b&gt;');
    const token = /http:\/\/portal\.test\/reset-password\?token=([\w-]+)/.exec(
      mail.text ?? '',
    )?.[1];
    expect(token).toBeDefined();
    expect(Buffer.from(token!, 'base64url').length * 8).toBeGreaterThanOrEqual(128);

    // Only a hash of the token is stored.
    const stored: Array<{ tokenHash: string }> = await t.portal.dataSource.query(
      'SELECT tokenHash FROM password_resets',
    );
    expect(stored.some((r) => r.tokenHash === token)).toBe(false);

    const reset = await t.gql<{ resetPassword: { token: string } }>(RESET, {
      token,
      password: 'a brand new password',
    });
    expect(reset.errors).toBeUndefined();
    expect((await t.gql(VIEWER, {}, reset.data!.resetPassword.token)).data).toMatchObject({
      viewer: { user: { id: person.id } },
    });
    expect((await t.gql(VIEWER, {}, person.token)).status).toBe(401);

    const again = await t.gql(RESET, { token, password: 'yet another password' });
    expect(again.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: expect.stringMatching(/already been used/),
    });

    expect(
      (await t.gql(LOG_IN, { input: { email: person.email, password: person.password } }))
        .errors?.[0]?.extensions.code,
    ).toBe('UNAUTHENTICATED');
    expect(
      (await t.gql(LOG_IN, { input: { email: person.email, password: 'a brand new password' } }))
        .errors,
    ).toBeUndefined();
  });

  it('answers the same for an unknown email and sends nothing', async () => {
    const email = uniqueEmail('ghost');
    expect((await t.gql(REQUEST_RESET, { email })).data).toEqual({ requestPasswordReset: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.some((m) => JSON.stringify(m.to).includes(email))).toBe(false);
  });

  it('refuses an expired link and an unknown one', async () => {
    const person = await signUp(t);
    await t.gql(REQUEST_RESET, { email: person.email });
    const mail = await smtp.waitFor(person.email);
    const token = /token=([\w-]+)/.exec(mail.text ?? '')![1]!;
    t.clock.advanceMinutes(61);
    const expired = await t.gql(RESET, { token, password: 'too late password' });
    expect(expired.errors?.[0]?.message).toMatch(/expired/);
    const unknown = await t.gql(RESET, { token: 'x'.repeat(43), password: 'whatever password' });
    expect(unknown.errors?.[0]?.message).toMatch(/not valid/);
  });

  it('validates the new password', async () => {
    const res = await t.gql(RESET, { token: 'anything', password: 'short' });
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { password: expect.any(String) },
    });
  });
});
