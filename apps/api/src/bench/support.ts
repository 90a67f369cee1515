import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createPortal, type Portal } from '../app';
import { loadConfig } from '../config';

/** A portal for a benchmark: the configured database (DATABASE_URL) or a throwaway SQLite file, quiet logs. */
export async function benchPortal(
  env: Record<string, string> = {},
): Promise<{ portal: Portal; url: string; close(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-bench-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const portal = await createPortal(config, { logger: pino({ level: 'silent' }) });
  const url = await portal.listen();
  return {
    portal,
    url,
    async close() {
      await portal.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function gql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (!res.ok || body.errors)
    throw new Error(`request failed (${res.status}): ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

export const median = (values: number[]): number => percentile(values, 50);
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Key limits as `createApiKey` takes them; omitted or null means no limit. */
export interface KeyLimits {
  rateLimitPerMinute?: number | null;
  monthlyRequestLimit?: number | null;
}

/** A signed-up person with a team and a key of it (with the limits given, none by default). */
export async function personWithKey(url: string, limits: KeyLimits = {}) {
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
  const { signUp } = await gql<{ signUp: { token: string } }>(
    url,
    `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
    { i: { email, name: 'Bench', password: 'benchmark password' } },
  );
  const auth = { authorization: `Bearer ${signUp.token}` };
  const { createTeam } = await gql<{ createTeam: { id: string } }>(
    url,
    `mutation { createTeam(input: { name: "Bench" }) { id } }`,
    {},
    auth,
  );
  const { createApiKey } = await gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    url,
    `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`,
    {
      i: {
        teamId: createTeam.id,
        name: 'bench',
        environment: 'DEVELOPMENT',
        expiration: 'NEVER',
        ...limits,
      },
    },
    auth,
  );
  return {
    token: signUp.token,
    teamId: createTeam.id,
    secret: createApiKey.secret,
    keyId: createApiKey.apiKey.id,
  };
}
