import { SIGN_UP, startPortal, uniqueEmail } from './harness';

it('finishes requests in flight when stopped, then refuses new connections', async () => {
  const t = await startPortal();
  // A sign-up spends ~100 ms hashing: stop once the server has it.
  const received = new Promise((resolve) => t.portal.httpServer.once('request', resolve));
  const inFlight = t.gql<{ signUp: { user: { email: string } } }>(SIGN_UP, {
    input: { email: uniqueEmail('inflight'), name: 'In Flight', password: 'long enough password' },
  });
  await received;
  await t.stop();
  const res = await inFlight;
  expect(res.status).toBe(200);
  expect(res.data?.signUp.user.email).toMatch(/^inflight-/);
  await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
});
