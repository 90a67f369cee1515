import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startGateway, startUpstream } from './support/gateway';
import { useJourney } from './support/journey';
import { freePort } from './support/portal';

const run = promisify(execFile);

/**
 * A key's page tells a partner how to call the provider's API through the gateway: the curl line
 * shown there, pasted into a shell with the key's secret, reaches the provider's API, and the
 * request shows up live on the same page.
 */
describe("calling the provider's API with a key", () => {
  let gatewayPort = 0;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  beforeAll(async () => {
    upstream = await startUpstream();
    gatewayPort = await freePort();
  });
  const journey = useJourney({
    portalEnv: () => ({ GATEWAY_PUBLIC_URL: `http://127.0.0.1:${gatewayPort}` }),
  });
  beforeAll(async () => {
    gateway = await startGateway({
      port: gatewayPort,
      upstreamUrl: upstream.url,
      databaseUrl: journey.portal.databaseUrl,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  async function gql<T>(query: string, variables: Record<string, unknown>, token?: string) {
    const res = await fetch(journey.url('/graphql'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  it('shows copyable snippets without the secret, and the curl line works when pasted', async () => {
    const { page } = journey;
    const email = `gateway-${Date.now()}@example.test`;
    const password = 'correct-horse-battery';
    const { signUp } = await gql<{ signUp: { token: string } }>(
      `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
      { i: { email, name: 'Gina Gateway', password } },
    );
    const { createTeam } = await gql<{ createTeam: { id: string } }>(
      `mutation { createTeam(input: { name: "Initech" }) { id } }`,
      {},
      signUp.token,
    );
    const { createApiKey } = await gql<{
      createApiKey: { secret: string; apiKey: { id: string; start: string } };
    }>(
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id start } } }`,
      {
        i: {
          teamId: createTeam.id,
          name: 'Billing',
          environment: 'PRODUCTION',
          expiration: 'DAYS_90',
        },
      },
      signUp.token,
    );

    await page.goto(journey.url('/login'));
    await page.getByLabel(/^Email/).fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.goto(
      journey.url(`/teams/${createTeam.id}/keys/${createApiKey.apiKey.id}/usage?range=1h&live=on`),
    );
    const card = page.getByTestId('call-the-api');
    await card.waitFor();
    expect(await card.getByTestId('gateway-url').textContent()).toBe(
      `http://127.0.0.1:${gatewayPort}`,
    );
    const curl = (await card.getByTestId('snippet-curl').textContent()) ?? '';
    expect(curl).toContain(createApiKey.apiKey.start);
    for (const tab of ['JavaScript', 'Python']) {
      await card.getByRole('tab', { name: tab }).click();
      const snippet = (await card.getByTestId(`snippet-${tab.toLowerCase()}`).textContent()) ?? '';
      expect(snippet).toContain(`http://127.0.0.1:${gatewayPort}/`);
      expect(snippet).toContain('PARTNER_API_KEY');
    }
    // No secret anywhere on the page.
    expect(await page.content()).not.toContain(createApiKey.secret);
    await journey.shot('call-the-api', false);

    // Pasted into a shell, with the secret where the snippet says.
    const pasted = curl.replace('<your key>', createApiKey.secret);
    const { stdout } = await run('bash', ['-c', pasted], { timeout: 15_000 });
    expect(JSON.parse(stdout)).toEqual({
      ok: true,
      path: '/',
      team: createTeam.id,
      environment: 'PRODUCTION',
      sawKey: false,
    });

    // The request is counted like any other: live on the open page when the gateway and the portal
    // share Redis (live ticks cross processes through it), else on the next load (within a second).
    if (!process.env.REDIS_URL) {
      await page.waitForTimeout(1500);
      await page.reload();
    }
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="stat-total-requests"]')?.textContent?.includes('1'),
      undefined,
      { timeout: 15_000 },
    );
  });
});
