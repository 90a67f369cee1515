import { AppError, ErrorCode } from '../../core/errors';

/** Outsiders learn nothing: a team they are not in does not exist for them. */
export const TeamErrors = {
  teamNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Team not found.'),
  memberNotFound: () => new AppError(ErrorCode.NOT_FOUND, 'Member not found.'),
  notAllowed: (what: string) =>
    new AppError(ErrorCode.FORBIDDEN, `Your role in this team does not allow you to ${what}.`),
  lastOwner: (what: string) =>
    new AppError(
      ErrorCode.CONFLICT,
      `A team needs at least one owner: make someone else an owner before you ${what}.`,
    ),
};
