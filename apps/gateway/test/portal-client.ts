import { randomBytes } from 'node:crypto';

/** The portal's public GraphQL API, as a partner's owner uses it: sign up, a team, keys, usage. */
export class PortalClient {
  private token: string | undefined;
  private teamId: string | undefined;

  constructor(readonly base: string) {}

  async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (!body.data || body.errors?.length)
      throw new Error(`GraphQL failed (${res.status}): ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  /** Signs up a new owner and creates their team. */
  async owner(): Promise<this> {
    const email = `gw-${randomBytes(6).toString('hex')}@example.test`;
    const signed = await this.gql<{ signUp: { token: string } }>(
      `mutation($input: SignUpInput!) { signUp(input: $input) { token } }`,
      { input: { email, name: 'Gateway Tester', password: 'correct horse battery' } },
    );
    this.token = signed.signUp.token;
    const team = await this.gql<{ createTeam: { id: string } }>(
      `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }`,
      { input: { name: 'Gateway Partners' } },
    );
    this.teamId = team.createTeam.id;
    return this;
  }

  async createKey(
    options: {
      environment?: 'DEVELOPMENT' | 'PRODUCTION';
      rateLimitPerMinute?: number;
      monthlyRequestLimit?: number;
    } = {},
  ): Promise<{ id: string; secret: string; teamId: string }> {
    const created = await this.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
      {
        input: {
          teamId: this.teamId,
          name: `gateway ${randomBytes(3).toString('hex')}`,
          environment: options.environment ?? 'PRODUCTION',
          expiration: 'NEVER',
          ...(options.rateLimitPerMinute !== undefined
            ? { rateLimitPerMinute: options.rateLimitPerMinute }
            : {}),
          ...(options.monthlyRequestLimit !== undefined
            ? { monthlyRequestLimit: options.monthlyRequestLimit }
            : {}),
        },
      },
    );
    return {
      id: created.createApiKey.apiKey.id,
      secret: created.createApiKey.secret,
      teamId: this.teamId!,
    };
  }

  async revoke(keyId: string): Promise<void> {
    await this.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: keyId });
  }

  /** The key's usage today, per status, as the portal reports it. */
  async statusCounts(keyId: string): Promise<Record<number, number>> {
    const to = new Date(Date.now() + 60 * 60_000);
    const from = new Date(Date.now() - 60 * 60_000);
    const data = await this.gql<{
      apiKey: { usage: { statusCodes: Array<{ status: number; count: number }> } };
    }>(
      `query($id: ID!, $from: DateTime!, $to: DateTime!) {
        apiKey(id: $id) { usage(from: $from, to: $to, interval: MINUTE) { statusCodes { status count } } }
      }`,
      { id: keyId, from: from.toISOString(), to: to.toISOString() },
    );
    return Object.fromEntries(data.apiKey.usage.statusCodes.map((c) => [c.status, c.count]));
  }

  /** Polls the usage until it equals `expected` (counts are flushed about every second). */
  async waitForCounts(
    keyId: string,
    expected: Record<number, number>,
    timeoutMs = 10_000,
  ): Promise<Record<number, number>> {
    const until = Date.now() + timeoutMs;
    let seen: Record<number, number> = {};
    while (Date.now() < until) {
      seen = await this.statusCounts(keyId);
      if (JSON.stringify(sorted(seen)) === JSON.stringify(sorted(expected))) return seen;
      await new Promise((r) => setTimeout(r, 200));
    }
    return seen;
  }
}

const sorted = (counts: Record<number, number>) =>
  Object.entries(counts).sort(([a], [b]) => Number(a) - Number(b));
