import { generateApiKey } from '../src/modules/api-keys/key-format';
import { UNKNOWN_KEYS_PER_ADDRESS } from '../src/modules/api-keys/api-key-authenticator';
import { signUp, startPortal, type TestPortal } from './harness';
import { createTeam } from './teams-world';

/**
 * Well-formed keys that match nothing (anyone can make them: the checksum is public) are
 * remembered for a minute and limited per client address, so a flood of them neither reaches the
 * database on every request nor locks a real key's owner out.
 */

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;
const PROBE = `{ viewer { __typename } }`;

let t: TestPortal;
beforeEach(async () => {
  // Client addresses come from X-Forwarded-For, so one test can speak from several addresses.
  t = await startPortal({ TRUST_PROXY: 'true' });
});
afterEach(() => t.stop());

const invented = () => generateApiKey('PRODUCTION').secret;
const from = (address: string, key: string) =>
  t.post(PROBE, {}, { 'x-api-key': key, 'x-forwarded-for': address });

async function realKey(): Promise<string> {
  const owner = await signUp(t);
  const teamId = await createTeam(t, owner);
  const res = await t.gql<{ createApiKey: { secret: string } }>(
    CREATE_KEY,
    { input: { teamId, name: 'real', environment: 'PRODUCTION', expiration: 'NEVER' } },
    owner.token,
  );
  return res.data!.createApiKey.secret;
}

it('looks an unknown key up once: the second try is refused without the database', async () => {
  const unknown = invented();
  expect((await from('203.0.113.1', unknown)).status).toBe(401);

  await t.portal.dataSource.destroy();
  const again = await from('203.0.113.1', unknown);
  expect(again.status).toBe(401);
  expect(again.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  // A key never seen needs the database, which is gone: so the first answer came from memory.
  expect((await from('203.0.113.1', invented())).status).toBe(503);
});

it('limits unknown keys per address, never the owner of a real key', async () => {
  const real = await realKey();
  const attacker = '198.51.100.7';
  expect((await from(attacker, real)).status).toBe(200); // known (cached) in this process

  const statuses: number[] = [];
  for (let i = 0; i < UNKNOWN_KEYS_PER_ADDRESS.points + 2; i++)
    statuses.push((await from(attacker, invented())).status);
  expect(statuses.slice(0, UNKNOWN_KEYS_PER_ADDRESS.points)).toEqual(
    Array(UNKNOWN_KEYS_PER_ADDRESS.points).fill(401),
  );
  expect(statuses.slice(-2)).toEqual([429, 429]);

  const limited = await from(attacker, invented());
  expect(limited.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

  // The real key still works, from the flooding address and from anywhere else.
  expect((await from(attacker, real)).status).toBe(200);
  expect((await from('192.0.2.55', real)).status).toBe(200);
  // Another address is not limited by the flood.
  expect((await from('192.0.2.55', invented())).status).toBe(401);
});

it('holds the same limit over graphql-ws connections', async () => {
  const { default: WebSocket } = await import('ws');
  const attacker = '198.51.100.9';
  for (let i = 0; i < UNKNOWN_KEYS_PER_ADDRESS.points; i++)
    expect((await from(attacker, invented())).status).toBe(401);

  // A raw graphql-ws handshake from the same address, with another invented key.
  const socket = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', {
    headers: { 'x-forwarded-for': attacker },
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(
    JSON.stringify({
      type: 'connection_init',
      payload: { authorization: `Bearer ${invented()}` },
    }),
  );
  const { code, reason } = await closed;
  expect(code).toBe(4401);
  expect(reason).toMatch(/too many unknown API keys/i);
});
