import { AppError, ErrorCode } from '../../core/errors';

/** What the accounts module tells callers when it says no. */
export const AccountErrors = {
  /** The same answer for an unknown email and a wrong password. */
  badCredentials: () => new AppError(ErrorCode.UNAUTHENTICATED, 'Email or password is incorrect.'),
  invalidSession: () =>
    new AppError(ErrorCode.UNAUTHENTICATED, 'Your session is not valid. Please log in again.'),
  sessionEnded: () =>
    new AppError(ErrorCode.UNAUTHENTICATED, 'Your session has ended. Please log in again.'),
  invalidResetLink: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'This reset link is not valid. Request a new one.', {
      fields: { token: 'This reset link is not valid. Request a new one.' },
    }),
  expiredResetLink: () =>
    new AppError(ErrorCode.BAD_USER_INPUT, 'This reset link has expired. Request a new one.', {
      fields: { token: 'This reset link has expired. Request a new one.' },
    }),
  usedResetLink: () =>
    new AppError(
      ErrorCode.BAD_USER_INPUT,
      'This reset link has already been used. Request a new one.',
      {
        fields: { token: 'This reset link has already been used. Request a new one.' },
      },
    ),
};
