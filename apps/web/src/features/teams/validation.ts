/** Client-side checks mirroring the api's team rules (the server stays the authority). */
export const TEAM_NAME_MAX = 80;
export const TEAM_DESCRIPTION_MAX = 500;
export const INVITATION_MESSAGE_MAX = 1000;

export function validateTeamName(value: string): string | null {
  const name = value.trim();
  if (!name) return 'Enter a team name.';
  if (name.length > TEAM_NAME_MAX) return `Use at most ${TEAM_NAME_MAX} characters.`;
  return null;
}

export function validateTeamDescription(value: string): string | null {
  return value.trim().length > TEAM_DESCRIPTION_MAX
    ? `Use at most ${TEAM_DESCRIPTION_MAX} characters.`
    : null;
}

export function validateInvitationMessage(value: string): string | null {
  return value.trim().length > INVITATION_MESSAGE_MAX
    ? `Use at most ${INVITATION_MESSAGE_MAX} characters.`
    : null;
}
