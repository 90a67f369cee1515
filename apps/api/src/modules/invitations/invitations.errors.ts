import { AppError, ErrorCode } from '../../core/errors';

export const InvitationErrors = {
  notFound: () => new AppError(ErrorCode.NOT_FOUND, 'Invitation not found.'),
  unknownLink: () =>
    new AppError(
      ErrorCode.NOT_FOUND,
      'This invitation link is not valid. Check that you copied the whole link.',
    ),
  expired: () =>
    new AppError(ErrorCode.CONFLICT, 'This invitation has expired. Ask the team for a new one.', {
      reason: 'EXPIRED',
    }),
  revoked: () =>
    new AppError(ErrorCode.CONFLICT, 'This invitation was withdrawn by the team.', {
      reason: 'REVOKED',
    }),
  used: () =>
    new AppError(ErrorCode.CONFLICT, 'This invitation has already been accepted.', {
      reason: 'ACCEPTED',
    }),
  alreadyMember: () =>
    new AppError(ErrorCode.CONFLICT, 'You are already a member of this team.', {
      reason: 'ALREADY_MEMBER',
    }),
  wrongAccount: (invited: string, signedIn: string) =>
    new AppError(
      ErrorCode.FORBIDDEN,
      `This invitation is for ${invited}, but you are signed in as ${signedIn}. Log out and sign in (or sign up) with ${invited} to accept it.`,
    ),
  emailIsMember: () =>
    new AppError(ErrorCode.CONFLICT, 'This person is already a member of the team.', {
      fields: { email: 'Already a member of this team.' },
    }),
  pendingExists: () =>
    new AppError(
      ErrorCode.CONFLICT,
      'This email already has a pending invitation: resend it instead.',
      {
        fields: { email: 'Already invited: resend the pending invitation instead.' },
      },
    ),
  notPending: (status: string) =>
    new AppError(
      ErrorCode.CONFLICT,
      `This invitation is ${status.toLowerCase()}; it can no longer be changed.`,
    ),
  mailFailed: () =>
    new AppError(
      ErrorCode.INTERNAL_SERVER_ERROR,
      'The invitation was saved, but the mail could not be sent. Try "Resend" in a moment.',
    ),
};
