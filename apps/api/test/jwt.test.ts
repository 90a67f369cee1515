import { generateKeyPair, SignJWT, UnsecuredJWT, decodeJwt, type JWTPayload } from 'jose';
import { signUp, startPortal, VIEWER, type TestPortal } from './harness';

/**
 * Session tokens an attacker can make or keep, each sent over real HTTP: every one must be
 * answered 401 UNAUTHENTICATED with no data, on a query and on a mutation alike.
 */
const CREATE_TEAM = `mutation { createTeam(input: { name: "Should not exist" }) { id } }`;
const ISSUER = 'partner-portal';
const AUDIENCE = 'partner-portal:session';

let t: TestPortal;
let person: Awaited<ReturnType<typeof signUp>>;
let other: Awaited<ReturnType<typeof signUp>>;
let claims: JWTPayload;

beforeAll(async () => {
  t = await startPortal();
  [person, other] = [await signUp(t), await signUp(t)];
  claims = decodeJwt(person.token);
}, 60_000);
afterAll(() => t.stop());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const secret = () => t.portal.config.jwtSecret;

/** Signs with the portal's own secret; every claim of a real session unless overridden. */
function sign(
  overrides: { alg?: string; payload?: JWTPayload; issuer?: string; audience?: string } = {},
) {
  const { exp, iat, jti, sub } = claims;
  return new SignJWT({ ...overrides.payload })
    .setProtectedHeader({ alg: overrides.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(overrides.issuer ?? ISSUER)
    .setAudience(overrides.audience ?? AUDIENCE)
    .setSubject(overrides.payload?.sub ?? sub!)
    .setJti(jti!)
    .setIssuedAt(overrides.payload?.iat ?? iat!)
    .setExpirationTime(overrides.payload?.exp ?? exp!)
    .sign(secret());
}

async function expectRefused(token: string) {
  for (const query of [VIEWER, CREATE_TEAM]) {
    const res = await t.gql(query, {}, token);
    expect({ status: res.status, code: res.errors?.[0]?.extensions.code }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    expect(res.data ?? null).toBeNull();
  }
}

it('accepts the real token (the control: the cases below differ from it in one way each)', async () => {
  const res = await t.gql<{ viewer: { user: { id: string } } }>(VIEWER, {}, person.token);
  expect(res.status).toBe(200);
  expect(res.data?.viewer.user.id).toBe(person.id);
  // Re-signed by the test with the portal's secret and the same claims: accepted too.
  const resigned = await t.gql<{ viewer: { user: { id: string } } }>(VIEWER, {}, await sign());
  expect(resigned.data?.viewer.user.id).toBe(person.id);
});

it('refuses alg: none (unsigned), whatever the spelling', async () => {
  const [, payload] = person.token.split('.');
  await expectRefused(new UnsecuredJWT(claims).encode());
  for (const alg of ['none', 'None', 'NONE', 'nOnE'])
    await expectRefused(`${b64({ alg, typ: 'JWT' })}.${payload}.`);
  // alg none with the real signature left on.
  await expectRefused(
    `${b64({ alg: 'none', typ: 'JWT' })}.${person.token.split('.').slice(1).join('.')}`,
  );
});

it('refuses algorithm confusion: another HMAC, an RSA key of the sender, a header that lies', async () => {
  // The portal's secret, but HS512 / HS384: only HS256 is accepted.
  await expectRefused(await sign({ alg: 'HS512' }));
  await expectRefused(await sign({ alg: 'HS384' }));
  // RS256 with the attacker's own key, also offered in the header (jwk), as in the classic attack.
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await crypto.subtle.exportKey('jwk', publicKey);
  const rs = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', jwk: { kty: jwk.kty!, n: jwk.n!, e: jwk.e! } })
    .sign(privateKey);
  await expectRefused(rs);
  // The header says HS512 or RS256 over the genuine HS256 signature.
  const [, payload, signature] = person.token.split('.');
  for (const alg of ['HS512', 'RS256', 'ES256', 'PS256'])
    await expectRefused(`${b64({ alg, typ: 'JWT' })}.${payload}.${signature}`);
});

it('refuses a tampered payload with the original signature', async () => {
  const [header, , signature] = person.token.split('.');
  for (const changed of [
    { ...claims, sub: other.id },
    { ...claims, exp: claims.exp! + 365 * 24 * 3600 },
    { ...claims, admin: true },
  ])
    await expectRefused(`${header}.${b64(changed)}.${signature}`);
});

it('refuses a token signed with another secret, and one without its required claims', async () => {
  const { exp, jti, sub } = claims;
  await expectRefused(
    await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(sub!)
      .setJti(jti!)
      .setExpirationTime(exp!)
      .sign(new TextEncoder().encode('not the portal secret, but long enough to sign')),
  );
  // A valid signature on claims that lack a session id, or an expiry.
  const base = () =>
    new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE);
  await expectRefused(await base().setSubject(sub!).setExpirationTime(exp!).sign(secret()));
  await expectRefused(await base().setSubject(sub!).setJti(jti!).sign(secret()));
});

it('refuses an expired token even when its session is still open', async () => {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  await expectRefused(await sign({ payload: { iat: now - 7200, exp: now - 60 } }));
});

it('refuses a wrong audience and a wrong issuer', async () => {
  await expectRefused(await sign({ audience: 'partner-portal:api-key' }));
  await expectRefused(await sign({ audience: 'someone-else' }));
  await expectRefused(await sign({ issuer: 'evil-portal' }));
  await expectRefused(await sign({ issuer: '' }));
});

it('refuses the token of a deleted account', async () => {
  const doomed = await signUp(t);
  expect((await t.gql(VIEWER, {}, doomed.token)).status).toBe(200);
  await t.portal.dataSource.query('DELETE FROM users WHERE id = ?', [doomed.id]);
  // Sessions are cached per process (up to 30 s): whatever deletes an account announces its
  // sessions as ended, as a password reset does, and every process drops them at once.
  t.portal.services.revocations.publish({ kind: 'userSessions', userId: doomed.id });
  await expectRefused(doomed.token);
});
