import { isObjectType, type GraphQLSchema } from 'graphql';
import { accessOf, type Access } from '../src/core/auth/access';
import { buildGraphQLSchema } from '../src/schema';
import { uniqueEmail } from './harness';
import { seedMatrixWorld, type MatrixWorld } from './matrix/world';
import {
  overHttp,
  overWebSocket,
  type Answer,
  type Operation,
  type Transport,
} from './matrix/transports';

/**
 * The authorization matrix (issue 8, "Evidence"): every Query, Mutation and Subscription field of
 * the built schema × every kind of caller × both transports, each with the outcome it must get.
 *
 * Callers: anonymous; the member, admin and owner of the first team; the other team's owner; a
 * development and a production key of the first team, and a key of the other team; a revoked key,
 * an expired key and a logged-out session. Transports: POST /graphql, and graphql-ws with the
 * credential in `connection_init` (a new connection per cell).
 *
 * The table below says how to call each field and what each team role gets; what the other
 * callers get is derived from the field's access rule in the schema. A field of the schema with no
 * row fails, and so does a row whose field is gone or whose rule changed (review the row). Each
 * answer is read whole: the same code on every error, no data with a refusal, the HTTP status
 * where the contract fixes it, and for a success, the value the operation should have produced.
 */

const ROLES = ['member', 'admin', 'owner', 'otherOwner'] as const;
const CALLERS = [
  'anonymous',
  ...ROLES,
  'devKey',
  'prodKey',
  /** A development key of the other team. */
  'otherTeamKey',
  'revokedKey',
  'expiredKey',
  'endedSession',
] as const;
const TRANSPORTS: Transport[] = ['http', 'ws'];

type Role = (typeof ROLES)[number];
type CallerName = (typeof CALLERS)[number];
type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'BAD_USER_INPUT';
type RootName = 'Query' | 'Mutation' | 'Subscription';

interface Cell {
  field: string;
  root: RootName;
  caller: CallerName;
  transport: Transport;
  expected: Outcome;
}

interface Row {
  /** The rule this row was written for: a change of the schema's rule fails until the row is reviewed. */
  access: Access;
  /** What each team role gets (the target is always the first team, `w.team`, or something of it). */
  roles: Record<Role, Outcome>;
  /** The operation for one cell. A cell expected to succeed gets what it uses up (a fresh team, key, …). */
  operation(w: MatrixWorld, cell: Cell): Operation | Promise<Operation>;
  /** Team roles call with a session of their own (the operation ends it). */
  ownSession?: boolean;
  /** What a successful answer's value must be: a message when it is not. */
  check?(value: unknown, cell: Cell, w: MatrixWorld): string | undefined;
}

const USER: Access = ['user'];
const USER_OR_KEY: Access = ['user', 'apiKey'];
const ALL_OK = { member: 'ok', admin: 'ok', owner: 'ok', otherOwner: 'ok' } as const;
const READ = { member: 'ok', admin: 'ok', owner: 'ok', otherOwner: 'NOT_FOUND' } as const;
const ADMIN_WRITE = {
  member: 'FORBIDDEN',
  admin: 'ok',
  owner: 'ok',
  otherOwner: 'NOT_FOUND',
} as const;
const OWNER_WRITE = {
  member: 'FORBIDDEN',
  admin: 'FORBIDDEN',
  owner: 'ok',
  otherOwner: 'NOT_FOUND',
} as const;

/** A fixture made once, on first use, and shared by the cells that are expected to be refused. */
function once<T>(make: (w: MatrixWorld) => Promise<T>): (w: MatrixWorld) => Promise<T> {
  let made: Promise<T> | undefined;
  return (w) => (made ??= make(w));
}
/** A pending invitation of the first team to the other team's owner. */
const invitationOfOtherOwner = once((w) => w.freshInvitation(w.team.id, w.otherOwner.email));
/** A pending invitation that refused cells may try to resend or revoke. */
const untouchedInvitation = once((w) => w.freshInvitation());
/** An active key that refused cells may try to revoke or rotate. */
const untouchedKey = once((w) => w.freshKey());
/** Thresholds of the usage alerts the matrix makes: each its own, so none is a duplicate. */
let alertThresholds = 0;
const nextThreshold = () => 0.5 + ++alertThresholds / 1000;
/** A new team-wide error-rate alert of the first team, made by its owner. */
async function freshUsageAlert(w: MatrixWorld): Promise<string> {
  const res = await w.t.gql<{ createUsageAlert: { id: string } }>(
    `mutation($input: CreateUsageAlertInput!) { createUsageAlert(input: $input) { id } }`,
    { input: { teamId: w.team.id, kind: 'ERROR_RATE', threshold: nextThreshold() } },
    w.owner.token,
  );
  if (!res.data) throw new Error(`createUsageAlert failed: ${JSON.stringify(res.errors)}`);
  return res.data.createUsageAlert.id;
}
/** An alert that refused cells may try to delete. */
const untouchedUsageAlert = once(freshUsageAlert);
/** A well-formed reset token that no link ever had. */
const UNKNOWN_RESET_TOKEN = 'a'.repeat(43);

const ok = (cell: Cell) => cell.expected === 'ok';
const has = (value: unknown, path: string, expected?: unknown): string | undefined => {
  let current: unknown = value;
  for (const part of path.split('.'))
    current = (current as Record<string, unknown> | null | undefined)?.[part];
  if (expected === undefined ? current == null : current !== expected)
    return `${path} is ${JSON.stringify(current)}${expected === undefined ? '' : `, not ${JSON.stringify(expected)}`}`;
  return undefined;
};

const TABLE: Record<string, Row> = {
  'Query.apiKey': {
    access: USER_OR_KEY,
    roles: READ,
    operation: (w) => ({
      query: `query($id: ID!) { apiKey(id: $id) { id name status } }`,
      variables: { id: w.keys.dev.id },
    }),
    check: (value, _cell, w) => has(value, 'id', w.keys.dev.id),
  },
  'Query.apiAccess': {
    access: 'public',
    roles: ALL_OK,
    operation: () => ({ query: `{ apiAccess { gatewayUrl } }`, variables: {} }),
    check: (value) => has(value, 'gatewayUrl', null),
  },
  'Query.invitationPreview': {
    access: 'public',
    roles: ALL_OK,
    operation: (w) => ({
      query: `query($token: String!) { invitationPreview(token: $token) { teamName status } }`,
      variables: { token: w.invitation.token },
    }),
    check: (value) => has(value, 'status', 'PENDING'),
  },
  'Query.team': {
    access: USER_OR_KEY,
    roles: READ,
    operation: (w) => ({
      query: `query($id: ID!) { team(id: $id) { id name } }`,
      variables: { id: w.team.id },
    }),
    check: (value, _cell, w) => has(value, 'id', w.team.id),
  },
  'Query.viewer': {
    access: 'public',
    roles: ALL_OK,
    operation: () => ({ query: `{ viewer { user { id } } }`, variables: {} }),
    // A person sees themselves; anyone else (anonymous, a key) sees no one.
    check: (value, cell, w) => {
      const person = (ROLES as readonly string[]).includes(cell.caller)
        ? w[cell.caller as Role]
        : undefined;
      if (person) return has(value, 'user.id', person.id);
      return value === null ? undefined : `a caller who is no person sees ${JSON.stringify(value)}`;
    },
  },

  'Mutation.acceptInvitation': {
    access: USER,
    // An invitation to the other team's owner: only they can accept it.
    roles: { member: 'FORBIDDEN', admin: 'FORBIDDEN', owner: 'FORBIDDEN', otherOwner: 'ok' },
    operation: async (w, cell) => {
      const invitation = ok(cell)
        ? await w.freshInvitation((await w.freshTeam()).id, w.otherOwner.email)
        : await invitationOfOtherOwner(w);
      return {
        query: `mutation($token: String!) { acceptInvitation(token: $token) { id role } }`,
        variables: { token: invitation.token },
      };
    },
    check: (value) => has(value, 'role', 'MEMBER'),
  },
  'Mutation.acknowledgeApiKeySecretStored': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { acknowledgeApiKeySecretStored(id: $id) { id secretStoredAt } }`,
      variables: { id: (ok(cell) ? await w.freshKey() : await untouchedKey(w)).id },
    }),
    check: (value) => has(value, 'secretStoredAt'),
  },
  'Mutation.acknowledgeTeamGuidelines': {
    access: USER,
    roles: READ,
    operation: (w) => ({
      query: `mutation($id: ID!) { acknowledgeTeamGuidelines(teamId: $id) { id guidelinesAcknowledgedAt } }`,
      variables: { id: w.team.id },
    }),
    check: (value) => has(value, 'guidelinesAcknowledgedAt'),
  },
  'Mutation.changeMemberRole': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { changeMemberRole(membershipId: $id, role: ADMIN) { id role } }`,
      variables: { id: (ok(cell) ? await w.freshTeam() : w.team).memberMembership },
    }),
    check: (value) => has(value, 'role', 'ADMIN'),
  },
  'Mutation.completeAccessReview': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: (w, cell) => ({
      query: `mutation($id: ID!, $note: String) { completeAccessReview(teamId: $id, note: $note) { lastCompletedAt lastCompletedBy { id } } }`,
      variables: { id: w.team.id, note: `matrix ${cell.caller} ${cell.transport}` },
    }),
    check: (value) => has(value, 'lastCompletedAt') ?? has(value, 'lastCompletedBy.id'),
  },
  'Mutation.createApiKey': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: (w, cell) => ({
      query: `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
      variables: {
        input: {
          teamId: w.team.id,
          name: `matrix ${cell.caller} ${cell.transport}`,
          environment: 'DEVELOPMENT',
          expiration: 'NEVER',
        },
      },
    }),
    check: (value) =>
      /^ppk_test_/.test(String((value as { secret?: unknown } | null)?.secret))
        ? undefined
        : `no development key's secret in ${JSON.stringify(value)}`,
  },
  'Mutation.createTeam': {
    access: USER,
    roles: ALL_OK,
    operation: () => ({
      query: `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id viewerRole } }`,
      variables: { input: { name: 'Matrix Team' } },
    }),
    check: (value) => has(value, 'viewerRole', 'OWNER'),
  },
  'Mutation.createUsageAlert': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: (w) => ({
      query: `mutation($input: CreateUsageAlertInput!) { createUsageAlert(input: $input) { id kind threshold apiKey { id } } }`,
      variables: { input: { teamId: w.team.id, kind: 'ERROR_RATE', threshold: nextThreshold() } },
    }),
    check: (value) => has(value, 'kind', 'ERROR_RATE') ?? has(value, 'id'),
  },
  'Mutation.deleteTeam': {
    access: USER,
    roles: OWNER_WRITE,
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { deleteTeam(id: $id) }`,
      variables: { id: (ok(cell) ? await w.freshTeam() : w.team).id },
    }),
    check: (value) => (value === true ? undefined : `answered ${JSON.stringify(value)}`),
  },
  'Mutation.deleteUsageAlert': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { deleteUsageAlert(id: $id) }`,
      variables: { id: ok(cell) ? await freshUsageAlert(w) : await untouchedUsageAlert(w) },
    }),
    check: (value) => (value === true ? undefined : `answered ${JSON.stringify(value)}`),
  },
  'Mutation.inviteMember': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: (w) => ({
      query: `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { id status } }`,
      variables: { input: { teamId: w.team.id, email: uniqueEmail('matrix-invitee') } },
    }),
    check: (value) => has(value, 'status', 'PENDING'),
  },
  'Mutation.leaveTeam': {
    access: USER,
    // The first team's only owner cannot leave it.
    roles: { member: 'ok', admin: 'ok', owner: 'CONFLICT', otherOwner: 'NOT_FOUND' },
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { leaveTeam(teamId: $id) }`,
      variables: { id: (ok(cell) ? await w.freshTeam() : w.team).id },
    }),
    check: (value) => (value === true ? undefined : `answered ${JSON.stringify(value)}`),
  },
  'Mutation.logIn': {
    access: 'public',
    roles: ALL_OK,
    operation: (w) => ({
      query: `mutation($input: LogInInput!) { logIn(input: $input) { token user { id } } }`,
      variables: { input: { email: w.host.email, password: w.host.password } },
    }),
    check: (value, _cell, w) => has(value, 'user.id', w.host.id) ?? has(value, 'token'),
  },
  'Mutation.logOut': {
    access: USER,
    roles: ALL_OK,
    ownSession: true,
    operation: () => ({ query: `mutation { logOut }`, variables: {} }),
    check: (value) => (value === true ? undefined : `answered ${JSON.stringify(value)}`),
  },
  'Mutation.offboardMember': {
    access: USER,
    // A MEMBER may leave (leaveTeam) but not offboard anyone, themselves included.
    roles: ADMIN_WRITE,
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { offboardMember(membershipId: $id, keys: REVOKE) }`,
      variables: { id: (ok(cell) ? await w.freshTeam() : w.team).memberMembership },
    }),
    check: (value) => (value === true ? undefined : `answered ${JSON.stringify(value)}`),
  },
  'Mutation.removeMember': {
    access: USER,
    // The member removing themselves is leaving.
    roles: { member: 'ok', admin: 'ok', owner: 'ok', otherOwner: 'NOT_FOUND' },
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { removeMember(membershipId: $id) }`,
      variables: { id: (ok(cell) ? await w.freshTeam() : w.team).memberMembership },
    }),
    check: (value) => (value === true ? undefined : `answered ${JSON.stringify(value)}`),
  },
  'Mutation.reportCompromisedKey': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { reportCompromisedKey(input: { apiKeyId: $id, action: REVOKE, details: "matrix" }) { incident { action source apiKey { status } } replacement { secret } } }`,
      variables: { id: (ok(cell) ? await w.freshKey() : await untouchedKey(w)).id },
    }),
    check: (value) =>
      has(value, 'incident.apiKey.status', 'REVOKED') ?? has(value, 'incident.source', 'PERSON'),
  },
  'Mutation.requestPasswordReset': {
    access: 'public',
    roles: ALL_OK,
    // An address with no account is answered like one with an account (and mails nobody).
    operation: () => ({
      query: `mutation($email: String!) { requestPasswordReset(email: $email) }`,
      variables: { email: uniqueEmail('nobody') },
    }),
    check: (value) => (value === true ? undefined : `answered ${JSON.stringify(value)}`),
  },
  'Mutation.resendInvitation': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { resendInvitation(id: $id) { id status } }`,
      variables: { id: (ok(cell) ? await w.freshInvitation() : await untouchedInvitation(w)).id },
    }),
    check: (value) => has(value, 'status', 'PENDING'),
  },
  'Mutation.resetPassword': {
    access: 'public',
    roles: ALL_OK,
    operation: async (w, cell) => ({
      query: `mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { token } }`,
      variables: {
        token: ok(cell) ? await w.resetToken() : UNKNOWN_RESET_TOKEN,
        password: 'another horse battery',
      },
    }),
    check: (value) => has(value, 'token'),
  },
  'Mutation.revokeApiKey': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { revokeApiKey(id: $id) { id status } }`,
      variables: { id: (ok(cell) ? await w.freshKey() : await untouchedKey(w)).id },
    }),
    check: (value) => has(value, 'status', 'REVOKED'),
  },
  'Mutation.revokeInvitation': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { revokeInvitation(id: $id) { id status } }`,
      variables: { id: (ok(cell) ? await w.freshInvitation() : await untouchedInvitation(w)).id },
    }),
    check: (value) => has(value, 'status', 'REVOKED'),
  },
  'Mutation.rotateApiKey': {
    access: USER,
    roles: ADMIN_WRITE,
    operation: async (w, cell) => ({
      query: `mutation($id: ID!) { rotateApiKey(input: { id: $id, gracePeriodHours: 0 }) { secret apiKey { id } } }`,
      variables: { id: (ok(cell) ? await w.freshKey() : await untouchedKey(w)).id },
    }),
    check: (value) => has(value, 'apiKey.id'),
  },
  'Mutation.signUp': {
    access: 'public',
    roles: ALL_OK,
    operation: () => ({
      query: `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }`,
      variables: {
        input: {
          email: uniqueEmail('matrix'),
          name: 'Matrix Person',
          password: 'correct horse battery',
        },
      },
    }),
    check: (value) => has(value, 'token'),
  },
  'Mutation.updateTeam': {
    access: USER,
    roles: OWNER_WRITE,
    operation: (w) => ({
      query: `mutation($id: ID!) { updateTeam(id: $id, input: { description: "Seen by the matrix" }) { id description } }`,
      variables: { id: w.team.id },
    }),
    check: (value) => has(value, 'description', 'Seen by the matrix'),
  },

  'Subscription.usageTicks': {
    access: USER_OR_KEY,
    roles: READ,
    operation: (w) => ({
      query: `subscription($team: ID!) { usageTicks(teamId: $team) { apiKeyId requests } }`,
      variables: { team: w.team.id },
    }),
    check: (value) => has(value, 'apiKeyId'),
  },
};

/**
 * Subscriptions are served over graphql-ws only: over HTTP a subscription is refused as a bad
 * request, whoever sends it (a credential that is not valid is refused first, as for any operation).
 */
const SUBSCRIPTION_OVER_HTTP: Outcome = 'BAD_USER_INPUT';

/** What a caller that is not a team role gets, from the field's access rule alone. */
function derived(access: Access, caller: Exclude<CallerName, Role>): Outcome {
  switch (caller) {
    case 'revokedKey':
    case 'expiredKey':
    case 'endedSession':
      return 'UNAUTHENTICATED';
    case 'anonymous':
      return access === 'public' ? 'ok' : 'UNAUTHENTICATED';
    case 'devKey':
    case 'prodKey':
    case 'otherTeamKey':
      if (access === 'public') return 'ok';
      if (!access.includes('apiKey')) return 'FORBIDDEN';
      // Every row targets the first team: its own keys read it, for another team's key it does not exist.
      return caller === 'otherTeamKey' ? 'NOT_FOUND' : 'ok';
  }
}

function expectedOutcome(
  root: RootName,
  access: Access,
  row: Row,
  caller: CallerName,
  transport: Transport,
): Outcome {
  const isRole = (ROLES as readonly string[]).includes(caller);
  const outcome = isRole
    ? row.roles[caller as Role]
    : derived(access, caller as Exclude<CallerName, Role>);
  if (root === 'Subscription' && transport === 'http')
    return outcome === 'UNAUTHENTICATED' && !isRole && caller !== 'anonymous'
      ? 'UNAUTHENTICATED'
      : SUBSCRIPTION_OVER_HTTP;
  return outcome;
}

/** The credential a caller presents (`Authorization: Bearer …`), none for anonymous. */
async function credentialOf(
  w: MatrixWorld,
  caller: CallerName,
  row: Row,
): Promise<string | undefined> {
  switch (caller) {
    case 'anonymous':
      return undefined;
    case 'devKey':
      return w.keys.dev.secret;
    case 'prodKey':
      return w.keys.prod.secret;
    case 'otherTeamKey':
      return w.keys.otherTeam.secret;
    case 'revokedKey':
      return w.keys.revoked.secret;
    case 'expiredKey':
      return w.keys.expired.secret;
    case 'endedSession':
      return w.endedSession;
    default:
      return row.ownSession ? w.freshSession(w[caller]) : w[caller].token;
  }
}

interface Verdict {
  got: string;
  /** The answer in short, for the failure report. */
  detail: string;
}

/**
 * The HTTP status an answer must have, where the contract fixes it: 200 for a success, 401 for a
 * credential the gate refuses (before anything runs), 403 for a key refused by an access rule,
 * 400 for a subscription sent over HTTP.
 */
function expectedStatus(cell: Cell): number | undefined {
  if (cell.transport !== 'http') return undefined;
  if (cell.expected === 'ok') return 200;
  // Refused before it runs, like any request the gate does not admit.
  if (cell.root === 'Subscription' && cell.expected === SUBSCRIPTION_OVER_HTTP) return 400;
  if (ENDED.has(cell.caller)) return 401;
  if (KEYS.has(cell.caller) && cell.expected === 'FORBIDDEN') return 403;
  return undefined;
}
const ENDED = new Set<CallerName>(['revokedKey', 'expiredKey', 'endedSession']);
const KEYS = new Set<CallerName>(['devKey', 'prodKey', 'otherTeamKey']);

/** Reads a whole answer: one code on every error and no data with a refusal, or a checked value. */
function judge(answer: Answer, cell: Cell, row: Row, w: MatrixWorld): Verdict {
  const detail = JSON.stringify(answer).slice(0, 400);
  const verdict = read(answer, cell, row, w);
  const status = answer.kind === 'result' ? answer.status : undefined;
  const wanted = expectedStatus(cell);
  if (status !== undefined && wanted !== undefined && status !== wanted)
    return { got: `${verdict} (HTTP ${status}, not ${wanted})`, detail };
  return { got: verdict, detail };
}

function read(answer: Answer, cell: Cell, row: Row, w: MatrixWorld): string {
  switch (answer.kind) {
    case 'closed':
      // graphql-ws's Unauthorized: connection_init was refused.
      return answer.code === 4401 && answer.reason
        ? 'UNAUTHENTICATED'
        : `socket closed ${answer.code}`;
    case 'silent':
    case 'complete':
      // A subscription that stays open, or ends, without an error.
      return cell.root === 'Subscription' ? 'ok' : `${answer.kind} without a result`;
    case 'error':
    case 'result': {
      const errors = answer.errors ?? [];
      const status = answer.kind === 'result' ? answer.status : undefined;
      if (status !== undefined && status >= 500) return `HTTP ${status}`;
      if (errors.length > 0) {
        // Every error carries the same code, and a refusal carries no data.
        const codes = [...new Set(errors.map((e) => e.extensions?.code ?? 'no code'))];
        const data = answer.kind === 'result' ? answer.data : undefined;
        const leaked = data != null && Object.values(data).some((v) => v !== null);
        return codes.join('+') + (leaked ? ' with data' : '');
      }
      if (answer.kind === 'error') return 'an error message without errors';
      const data = answer.data;
      if (!data || !(cell.field in data)) return 'no data and no error';
      const wrong = row.check?.(data[cell.field], cell, w);
      return wrong ? `ok, but ${wrong}` : 'ok';
    }
  }
}

/** Traffic of a key of the first team, so that open usage subscriptions get a tick. */
function keyedTraffic(w: MatrixWorld): () => void {
  const timer = setInterval(() => {
    void w.t
      .post(
        `{ __typename }`,
        {},
        { authorization: `Bearer ${w.keys.dev.secret}`, 'x-forwarded-for': w.nextAddress() },
      )
      .catch(() => undefined);
  }, 200);
  return () => clearInterval(timer);
}

async function runCell(w: MatrixWorld, row: Row, cell: Cell): Promise<Verdict> {
  const credential = await credentialOf(w, cell.caller, row);
  const operation = await row.operation(w, cell);
  const address = w.nextAddress();
  const answer =
    cell.transport === 'http'
      ? await overHttp(w.t, operation, credential, address)
      : await overWebSocket(w.t, operation, credential, address, {
          ...(cell.root === 'Subscription' ? { waitMs: 3000 } : {}),
        });
  return judge(answer, cell, row, w);
}

function rootFields(schema: GraphQLSchema) {
  const fields = new Map<string, { root: RootName; access: Access | undefined }>();
  for (const type of [
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ]) {
    if (!type || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields()))
      fields.set(`${type.name}.${field.name}`, {
        root: type.name as RootName,
        access: accessOf(field),
      });
  }
  return fields;
}

let w: MatrixWorld;
let fields: Map<string, { root: RootName; access: Access | undefined }>;
let cellsRun = 0;

beforeAll(async () => {
  fields = rootFields(await buildGraphQLSchema());
  w = await seedMatrixWorld();
}, 120_000);
afterAll(async () => {
  await w?.stop();
});

it('has a row for every root field of the schema, written for its access rule, and none for a field that is gone', () => {
  const problems: string[] = [];
  for (const [name, field] of fields) {
    const row = TABLE[name];
    if (!row)
      problems.push(`${name} (access ${JSON.stringify(field.access)}) has no row in the matrix`);
    else if (JSON.stringify(row.access) !== JSON.stringify(field.access))
      problems.push(
        `${name}: the row was written for access ${JSON.stringify(row.access)}, the schema says ${JSON.stringify(field.access)}`,
      );
  }
  for (const name of Object.keys(TABLE))
    if (!fields.has(name)) problems.push(`${name} has a row but is not in the schema`);
  expect(problems).toEqual([]);
  expect(fields.size).toBeGreaterThan(0);
});

describe.each(TRANSPORTS)('over %s', (transport) => {
  it.each(Object.keys(TABLE))(
    '%s × every caller',
    async (name) => {
      const field = fields.get(name);
      if (!field?.access) throw new Error(`${name} is not a root field with an access rule`);
      const row = TABLE[name]!;
      const cells: Cell[] = CALLERS.map((caller) => ({
        field: name.split('.')[1]!,
        root: field.root,
        caller,
        transport,
        expected: expectedOutcome(field.root, field.access!, row, caller, transport),
      }));
      const stopTraffic =
        field.root === 'Subscription' && transport === 'ws' ? keyedTraffic(w) : () => undefined;
      let verdicts: Verdict[];
      try {
        verdicts = await Promise.all(cells.map((cell) => runCell(w, row, cell)));
      } finally {
        stopTraffic();
      }
      cellsRun += cells.length;
      const mismatches = cells.flatMap((cell, i) =>
        verdicts[i]!.got === cell.expected
          ? []
          : [
              {
                field: name,
                caller: cell.caller,
                transport,
                expected: cell.expected,
                got: verdicts[i]!.got,
                answer: verdicts[i]!.detail,
              },
            ],
      );
      expect(mismatches).toEqual([]);
    },
    60_000,
  );
});

it('ran every cell: root fields × callers × transports', () => {
  expect(cellsRun).toBe(fields.size * CALLERS.length * TRANSPORTS.length);
});
