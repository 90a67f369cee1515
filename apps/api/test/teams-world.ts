import { signUp, uniqueEmail, type TestPortal } from './harness';
import type { TestSmtpServer } from './smtp';

export const CREATE_TEAM = `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id name description viewerRole } }`;
export const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { id email role status expiresAt } }`;
export const ACCEPT = `mutation($token: String!) { acceptInvitation(token: $token) { id role team { id } user { email } } }`;
export const PREVIEW = `query($token: String!) { invitationPreview(token: $token) { teamName email role message invitedByName status expiresAt } }`;
export const TEAM = `query($id: ID!) { team(id: $id) { id name viewerRole members { id role user { id email } lastActiveAt } } }`;

export interface Person {
  id: string;
  email: string;
  token: string;
  name: string;
  password: string;
}

/** Takes the next invitation mail to this address and returns the token from its link. */
export async function invitationToken(smtp: TestSmtpServer, email: string): Promise<string> {
  const mail = await smtp.take(email);
  const token = /\/invitations\/([\w-]+)/.exec(mail.text ?? '')?.[1];
  if (!token) throw new Error(`no invitation link in the mail to ${email}`);
  return token;
}

/** Invites the person (as `role`) from `by`, and accepts as them; returns the new membership id. */
export async function join(
  t: TestPortal,
  smtp: TestSmtpServer,
  by: Person,
  teamId: string,
  person: Person,
  role: 'OWNER' | 'ADMIN' | 'MEMBER',
) {
  const invited = await t.gql(INVITE, { input: { teamId, email: person.email, role } }, by.token);
  if (invited.errors) throw new Error(`invite failed: ${JSON.stringify(invited.errors)}`);
  const token = await invitationToken(smtp, person.email);
  const accepted = await t.gql<{ acceptInvitation: { id: string } }>(
    ACCEPT,
    { token },
    person.token,
  );
  if (!accepted.data) throw new Error(`accept failed: ${JSON.stringify(accepted.errors)}`);
  return accepted.data.acceptInvitation.id;
}

export async function createTeam(
  t: TestPortal,
  by: Person,
  name = 'Acme Partners',
): Promise<string> {
  const res = await t.gql<{ createTeam: { id: string } }>(
    CREATE_TEAM,
    { input: { name } },
    by.token,
  );
  if (!res.data) throw new Error(`createTeam failed: ${JSON.stringify(res.errors)}`);
  return res.data.createTeam.id;
}

/** Four people: an owner, an admin and a member of the teams made by `makeTeam`, and an outsider who owns a team of their own. */
export async function makeWorld(t: TestPortal, smtp: TestSmtpServer) {
  const [owner, admin, member, outsider] = await Promise.all(
    ['owner', 'admin', 'member', 'outsider'].map((label) =>
      signUp(t, { email: uniqueEmail(label), name: `The ${label}` }),
    ),
  );
  const outsiderTeam = await createTeam(t, outsider!, 'Elsewhere Inc');
  /** A new team with the same people in the same roles; returns its id and their membership ids. */
  const makeTeam = async (name = 'Acme Partners') => {
    const teamId = await createTeam(t, owner!, name);
    const adminMembership = await join(t, smtp, owner!, teamId, admin!, 'ADMIN');
    const memberMembership = await join(t, smtp, owner!, teamId, member!, 'MEMBER');
    const team = await t.gql<{ team: { members: Array<{ id: string; role: string }> } }>(
      TEAM,
      { id: teamId },
      owner!.token,
    );
    const ownerMembership = team.data!.team.members.find((m) => m.role === 'OWNER')!.id;
    return { teamId, ownerMembership, adminMembership, memberMembership };
  };
  return {
    owner: owner!,
    admin: admin!,
    member: member!,
    outsider: outsider!,
    outsiderTeam,
    makeTeam,
  };
}
