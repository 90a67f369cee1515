import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The demo's account, team and keys, made over the portal's public GraphQL API (as any client
 * would) when they are absent. The keys' secrets are shown once by the portal, so they are kept in
 * the demo's data folder (mode 600) for the next run to reuse.
 */

export const DEMO_EMAIL = 'demo@acme.test';
const DEMO_NAME = 'Dana Demo';
const TEAM_NAME = 'Acme Storefront';

export interface DemoKey {
  id: string;
  secret: string;
}

export interface DemoState {
  email: string;
  password: string;
  teamId?: string;
  keys?: { production?: DemoKey; development?: DemoKey; revoked?: DemoKey };
}

export interface Seeded {
  email: string;
  password: string;
  token: string;
  teamId: string;
  teamName: string;
  keys: { production: DemoKey; development: DemoKey; revoked: DemoKey };
  /** What this run did: 'created' or 'reused', per part. */
  account: 'created' | 'reused';
  keysMade: string[];
  stateFile: string;
}

export const STATE_FILE = 'demo-state.json';

export function readState(dataDir: string): DemoState | null {
  const file = path.join(dataDir, STATE_FILE);
  if (!existsSync(file)) return null;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as DemoState;
    return typeof state.email === 'string' && typeof state.password === 'string' ? state : null;
  } catch {
    return null;
  }
}

/** Written whole (temp file + rename), readable by its owner only: it holds key secrets. */
function writeState(dataDir: string, state: DemoState): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, STATE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return file;
}

class GraphQLFailure extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export async function graphql<T>(
  portalUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const res = await fetch(new URL('/graphql', portalUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const first = body.errors?.[0];
  if (first) throw new GraphQLFailure(first.message, first.extensions?.code);
  if (!body.data) throw new Error(`the portal answered ${res.status} without data`);
  return body.data;
}

const LOG_IN = `mutation ($input: LogInInput!) { logIn(input: $input) { token } }`;
const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { token } }`;
const MY_TEAMS = `{ viewer { memberships { role team { id name } } } }`;
const CREATE_TEAM = `mutation ($input: CreateTeamInput!) { createTeam(input: $input) { id name } }`;
const TEAM_KEYS = `query ($id: ID!) { team(id: $id) { apiKeys { id status environment } } }`;
const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id } } }`;
const REVOKE_KEY = `mutation ($id: ID!) { revokeApiKey(id: $id) { id status } }`;

/** Makes whatever of the demo's account, team and keys is missing; reuses the rest. */
export async function seed(portalUrl: string, dataDir: string): Promise<Seeded> {
  const state: DemoState = readState(dataDir) ?? {
    email: DEMO_EMAIL,
    password: `acme-${randomBytes(9).toString('base64url')}`,
  };
  const stateFile = writeState(dataDir, state);

  let account: Seeded['account'] = 'reused';
  let token: string;
  try {
    ({
      logIn: { token },
    } = await graphql<{ logIn: { token: string } }>(portalUrl, LOG_IN, {
      input: { email: state.email, password: state.password },
    }));
  } catch (error) {
    if (!(error instanceof GraphQLFailure) || error.code !== 'UNAUTHENTICATED') throw error;
    ({
      signUp: { token },
    } = await graphql<{ signUp: { token: string } }>(portalUrl, SIGN_UP, {
      input: { email: state.email, name: DEMO_NAME, password: state.password },
    }));
    account = 'created';
  }

  const { viewer } = await graphql<{
    viewer: { memberships: { role: string; team: { id: string; name: string } }[] } | null;
  }>(portalUrl, MY_TEAMS, {}, token);
  if (!viewer)
    throw new Error(
      `${state.email} exists in this portal with another password than the one in ${stateFile}: delete ${dataDir} to start the demo afresh`,
    );
  let team =
    viewer.memberships.find((m) => m.team.id === state.teamId)?.team ??
    viewer.memberships.find((m) => m.team.name === TEAM_NAME && m.role === 'OWNER')?.team;
  if (!team) {
    ({ createTeam: team } = await graphql<{ createTeam: { id: string; name: string } }>(
      portalUrl,
      CREATE_TEAM,
      {
        input: {
          name: TEAM_NAME,
          description: 'The demo partner: an online shop on the Acme API.',
        },
      },
      token,
    ));
  }
  state.teamId = team.id;

  const {
    team: { apiKeys },
  } = await graphql<{ team: { apiKeys: { id: string; status: string }[] } }>(
    portalUrl,
    TEAM_KEYS,
    { id: team.id },
    token,
  );
  const status = (key: DemoKey | undefined) =>
    key ? apiKeys.find((k) => k.id === key.id)?.status : undefined;
  const create = async (input: Record<string, unknown>): Promise<DemoKey> => {
    const { createApiKey } = await graphql<{
      createApiKey: { secret: string; apiKey: { id: string } };
    }>(portalUrl, CREATE_KEY, { input: { teamId: team.id, expiration: 'NEVER', ...input } }, token);
    return { id: createApiKey.apiKey.id, secret: createApiKey.secret };
  };

  const old = state.keys ?? {};
  const keysMade: string[] = [];
  const production =
    status(old.production) === 'ACTIVE'
      ? old.production!
      : await create({
          name: 'Storefront (production)',
          description: 'Made by pnpm demo; its traffic is the demo’s live usage.',
          environment: 'PRODUCTION',
        }).then((key) => (keysMade.push('production'), key));
  const development =
    status(old.development) === 'ACTIVE'
      ? old.development!
      : await create({
          name: 'Storefront (development)',
          description: 'Made by pnpm demo; 60 requests a minute, which its bursts pass (429).',
          environment: 'DEVELOPMENT',
          rateLimitPerMinute: 60,
        }).then((key) => (keysMade.push('development'), key));
  let revoked = old.revoked;
  if (!revoked || status(revoked) !== 'REVOKED') {
    revoked = await create({
      name: 'Old storefront key',
      description: 'Made and revoked by pnpm demo: a forgotten copy still calls with it (401).',
      environment: 'PRODUCTION',
    });
    await graphql(portalUrl, REVOKE_KEY, { id: revoked.id }, token);
    keysMade.push('revoked');
  }
  const keys = { production, development, revoked };
  state.keys = keys;
  writeState(dataDir, state);

  return {
    email: state.email,
    password: state.password,
    token,
    teamId: team.id,
    teamName: team.name,
    keys,
    account,
    keysMade,
    stateFile,
  };
}
