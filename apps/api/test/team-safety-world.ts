import type { TestPortal } from './harness';
import { startMailPortal, stopMailPortal } from './mail-portal';
import type { TestSmtpServer } from './smtp';
import type { Person } from './teams-world';

/** Helpers shared by the team-safety tests (issue 10). */

/**
 * For the test file that calls it: a portal and the test SMTP server it mails to, started before
 * its tests (handed to `started`) and stopped after them, and 120 s per test (each builds its
 * world of people over HTTP: slow on a loaded machine and on MariaDB). Scheduled jobs (reminders)
 * off: these tests read mails by address and move the clock. `env` adds to or overrides the
 * portal's settings.
 */
export function useTeamSafetyPortal(
  started: (portal: { t: TestPortal; smtp: TestSmtpServer }) => void,
  env: Record<string, string> = {},
): void {
  jest.setTimeout(120_000);
  let portal: { t?: TestPortal; smtp?: TestSmtpServer } = {};
  beforeAll(async () => {
    const both = await startMailPortal({ JOBS_INTERVAL_SECONDS: '0', ...env });
    portal = both;
    started(both);
  }, 60_000);
  afterAll(() => stopMailPortal(portal.t, portal.smtp));
}

export const MINUTE = 1;
export const DAY = 24 * 60;

export const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id expiresAt createdAt } } }`;

let keys = 0;
export async function createKey(
  t: TestPortal,
  by: Person,
  teamId: string,
  options: { environment?: 'DEVELOPMENT' | 'PRODUCTION'; expiration?: string; name?: string } = {},
): Promise<{ id: string; secret: string; expiresAt: string | null; createdAt: string }> {
  const res = await t.gql<{
    createApiKey: {
      secret: string;
      apiKey: { id: string; expiresAt: string | null; createdAt: string };
    };
  }>(
    CREATE_KEY,
    {
      input: {
        teamId,
        name: options.name ?? `key ${++keys}`,
        environment: options.environment ?? 'DEVELOPMENT',
        expiration: options.expiration ?? 'NEVER',
      },
    },
    by.token,
  );
  if (!res.data) throw new Error(`createApiKey failed: ${JSON.stringify(res.errors)}`);
  return { ...res.data.createApiKey.apiKey, secret: res.data.createApiKey.secret };
}

/** An operation with an API key (as `Authorization: Bearer ppk_…`). */
export function withKey<T>(
  t: TestPortal,
  secret: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  return t.post<T>(query, variables, { authorization: `Bearer ${secret}` });
}

export interface AuditRow {
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: string | null;
  actor: { email: string } | null;
}

/** The team's newest audit events (up to 100), newest first. */
export async function auditEvents(
  t: TestPortal,
  token: string,
  teamId: string,
): Promise<AuditRow[]> {
  const res = await t.gql<{ team: { auditLog: { edges: Array<{ node: AuditRow }> } } }>(
    `query($id: ID!) { team(id: $id) { auditLog(first: 100) { edges { node { action targetType targetId details actor { email } } } } } }`,
    { id: teamId },
    token,
  );
  if (!res.data) throw new Error(`auditLog failed: ${JSON.stringify(res.errors)}`);
  return res.data.team.auditLog.edges.map((e) => e.node);
}

/** Lets fire-and-forget writes (a member's activity) land before the test reads the database. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
