import { signUp, startPortal, uniqueEmail, type TestPortal } from '../harness';
import { TestSmtpServer } from '../smtp';
import { ACCEPT, INVITE, type Person } from '../teams-world';

/**
 * The seeded world the authorization matrix runs against: a team with an owner, an admin and a
 * member; another team with its own owner; keys of both environments (and a revoked and an expired
 * one) of the first team, and a key of the other team; an ended session; and factories for what a succeeding mutation uses up
 * (a fresh team, key, invitation, session or reset link), so every cell means what it says.
 */

export interface Key {
  id: string;
  secret: string;
}

/** A team owned by `owner`, with `admin` and `member`: the membership ids of each. */
export interface TeamFixture {
  id: string;
  ownerMembership: string;
  adminMembership: string;
  memberMembership: string;
}

export interface MatrixWorld {
  t: TestPortal;
  smtp: TestSmtpServer;
  owner: Person;
  admin: Person;
  member: Person;
  /** Owns `otherTeam` and belongs to nothing else. */
  otherOwner: Person;
  /** Belongs to no team of the matrix; founds the first fresh teams and hands them to `owner`. */
  host: Person;
  team: TeamFixture;
  otherTeam: string;
  keys: { dev: Key; prod: Key; revoked: Key; expired: Key; otherTeam: Key };
  /** A session token of `owner` that was logged out. */
  endedSession: string;
  /** A pending invitation of `team` to an address nobody has. */
  invitation: { id: string; token: string };
  /** A new team like `team` (same people, same roles). */
  freshTeam(): Promise<TeamFixture>;
  /** A new active development key of `team`. */
  freshKey(): Promise<Key>;
  /** A new pending invitation of the team (by its owner) to `email` (a new address by default). */
  freshInvitation(teamId?: string, email?: string): Promise<{ id: string; token: string }>;
  /** A new session of the person (a log-in). */
  freshSession(person: Person): Promise<string>;
  /** An unused password-reset link token of a spare account. */
  resetToken(): Promise<string>;
  /** A client address of its own (X-Forwarded-For), so per-address limits never mix cells. */
  nextAddress(): string;
  stop(): Promise<void>;
}

const PASSWORD = 'correct horse battery';
/** Below the portal's limit of teams created per person and hour. */
const TEAMS_PER_FOUNDER = 15;
/** More than DAYS_30, less than the session lifetime the portal is started with (90 days). */
const EXPIRE_KEYS_MINUTES = 31 * 24 * 60;

export async function seedMatrixWorld(): Promise<MatrixWorld> {
  const smtp = new TestSmtpServer();
  const t = await startPortal({
    SMTP_URL: await smtp.start(),
    INVITATIONS_PER_HOUR: '10000',
    // Sessions outlive the clock jump that expires a 30-day key.
    SESSION_TTL_HOURS: String(90 * 24),
    // Each cell sends its own X-Forwarded-For: the per-address limits (sign-up, resets) never bite.
    TRUST_PROXY: 'true',
    // No scheduled mails (expiry and review reminders after the clock's jump): the world reads
    // invitation mails by address, and a reminder to the owner would come first.
    JOBS_INTERVAL_SECONDS: '0',
  });

  let addresses = 0;
  const nextAddress = () => {
    const n = ++addresses;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };
  const gql = async <T>(
    query: string,
    variables: Record<string, unknown>,
    token?: string,
  ): Promise<T> => {
    const res = await t.post<T>(query, variables, {
      'x-forwarded-for': nextAddress(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    });
    if (res.errors?.length || !res.data)
      throw new Error(`seeding failed: ${JSON.stringify(res.errors)} for ${query}`);
    return res.data;
  };

  // Mail is read by address: setup steps that wait for a mail run one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const person = async (label: string): Promise<Person> =>
    signUp(t, { email: uniqueEmail(label), name: `The ${label}`, password: PASSWORD });
  const [owner, admin, member, otherOwner, host] = await Promise.all(
    ['owner', 'admin', 'member', 'other-owner', 'host'].map(person),
  );
  if (!owner || !admin || !member || !otherOwner || !host) throw new Error('sign-up failed');

  const createTeam = async (by: Person, name: string) =>
    (
      await gql<{ createTeam: { id: string } }>(
        `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }`,
        { input: { name } },
        by.token,
      )
    ).createTeam.id;

  /** The next invitation link mailed to `email`, passing over other mails (a compromised-key report to an owner). */
  const nextInvitationToken = async (email: string): Promise<string> => {
    for (let skipped = 0; skipped < 20; skipped++) {
      const mail = await smtp.take(email);
      const token = /\/invitations\/([\w-]+)/.exec(mail.text ?? '')?.[1];
      if (token) return token;
    }
    throw new Error(`no invitation link in the mails to ${email}`);
  };

  /** Invites and accepts as the person; returns the membership id. */
  const join = async (by: Person, teamId: string, who: Person, role: string) => {
    await gql(INVITE, { input: { teamId, email: who.email, role } }, by.token);
    const token = await nextInvitationToken(who.email);
    const accepted = await gql<{ acceptInvitation: { id: string; team: { id: string } } }>(
      ACCEPT,
      { token },
      who.token,
    );
    if (accepted.acceptInvitation.team.id !== teamId) throw new Error('joined the wrong team');
    return accepted.acceptInvitation.id;
  };

  const ownersMembership = async (teamId: string) => {
    const data = await gql<{ team: { members: Array<{ id: string; role: string }> } }>(
      `query($id: ID!) { team(id: $id) { members { id role } } }`,
      { id: teamId },
      owner.token,
    );
    return data.team.members.find((m) => m.role === 'OWNER')!.id;
  };

  const team = await serial(async (): Promise<TeamFixture> => {
    const id = await createTeam(owner, 'Acme Partners');
    const adminMembership = await join(owner, id, admin, 'ADMIN');
    const memberMembership = await join(owner, id, member, 'MEMBER');
    return { id, ownerMembership: await ownersMembership(id), adminMembership, memberMembership };
  });
  const otherTeam = await createTeam(otherOwner, 'Elsewhere Inc');

  const createKey = async (
    expiration: string,
    environment = 'DEVELOPMENT',
    teamId = team.id,
    by = owner,
  ): Promise<Key> => {
    const data = await gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`,
      {
        input: {
          teamId,
          name: `key ${Math.random().toString(36).slice(2)}`,
          environment,
          expiration,
        },
      },
      by.token,
    );
    return { id: data.createApiKey.apiKey.id, secret: data.createApiKey.secret };
  };
  const [dev, prod, revoked, expired, otherTeamKey] = await Promise.all([
    createKey('NEVER'),
    createKey('NEVER', 'PRODUCTION'),
    createKey('NEVER'),
    createKey('DAYS_30', 'PRODUCTION'),
    createKey('NEVER', 'DEVELOPMENT', otherTeam, otherOwner),
  ]);
  await gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: revoked.id }, owner.token);

  const freshSession = async (who: Person) =>
    (
      await gql<{ logIn: { token: string } }>(
        `mutation($input: LogInInput!) { logIn(input: $input) { token } }`,
        { input: { email: who.email, password: who.password } },
      )
    ).logIn.token;
  const endedSession = await freshSession(owner);
  await gql(`mutation { logOut }`, {}, endedSession);

  // The 30-day key expires; sessions (90 days) do not. Invitations and links are made after this.
  t.clock.advanceMinutes(EXPIRE_KEYS_MINUTES);
  const statuses = await gql<{ team: { apiKeys: Array<{ id: string; status: string }> } }>(
    `query($id: ID!) { team(id: $id) { apiKeys { id status } } }`,
    { id: team.id },
    owner.token,
  );
  const statusOf = (key: Key) => statuses.team.apiKeys.find((k) => k.id === key.id)?.status;
  if (statusOf(expired) !== 'EXPIRED' || statusOf(revoked) !== 'REVOKED')
    throw new Error(`key statuses not as seeded: ${JSON.stringify(statuses)}`);

  const freshInvitation = (teamId = team.id, email = uniqueEmail('invitee')) =>
    serial(async () => {
      const data = await gql<{ inviteMember: { id: string } }>(
        INVITE,
        { input: { teamId, email, role: 'MEMBER' } },
        owner.token,
      );
      return { id: data.inviteMember.id, token: await nextInvitationToken(email) };
    });
  const invitation = await freshInvitation();

  // Team creation is limited per person (20 an hour): a founder makes a few, then a new one takes over.
  let founder = { person: Promise.resolve(host), teams: 0 };
  const freshTeam = () =>
    serial(async (): Promise<TeamFixture> => {
      if (founder.teams >= TEAMS_PER_FOUNDER) founder = { person: person('host'), teams: 0 };
      founder.teams++;
      const by = await founder.person;
      const id = await createTeam(by, 'Fresh Partners');
      const ownerMembership = await join(by, id, owner, 'OWNER');
      const adminMembership = await join(by, id, admin, 'ADMIN');
      const memberMembership = await join(by, id, member, 'MEMBER');
      await gql(`mutation($id: ID!) { leaveTeam(teamId: $id) }`, { id }, by.token);
      return { id, ownerMembership, adminMembership, memberMembership };
    });

  // Reset links are limited to 3 an hour per address: each spare account serves three.
  let spare: { person: Promise<Person>; used: number } | undefined;
  const resetToken = () =>
    serial(async () => {
      if (!spare || spare.used >= 3) spare = { person: person('spare'), used: 0 };
      spare.used++;
      const { email } = await spare.person;
      await gql(`mutation($email: String!) { requestPasswordReset(email: $email) }`, { email });
      const mail = await smtp.take(email);
      const token = /reset-password\?token=([\w%-]+)/.exec(mail.text ?? '')?.[1];
      if (!token) throw new Error(`no reset link in the mail to ${email}`);
      return decodeURIComponent(token);
    });

  return {
    t,
    smtp,
    owner,
    admin,
    member,
    otherOwner,
    host,
    team,
    otherTeam,
    keys: { dev, prod, revoked, expired, otherTeam: otherTeamKey },
    endedSession,
    invitation,
    freshTeam,
    freshKey: () => createKey('NEVER'),
    freshInvitation,
    freshSession,
    resetToken,
    nextAddress,
    async stop() {
      await t.stop();
      await smtp.stop();
    },
  };
}
