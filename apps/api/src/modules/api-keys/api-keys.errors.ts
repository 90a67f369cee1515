import { AppError, ErrorCode } from '../../core/errors';

export const ApiKeyErrors = {
  notFound: () => new AppError(ErrorCode.NOT_FOUND, 'API key not found.'),
  nameTaken: () =>
    new AppError(ErrorCode.CONFLICT, 'An active key of this team already has this name.', {
      fields: { name: 'An active key of this team already has this name.' },
    }),
  notActive: (status: string) =>
    new AppError(
      ErrorCode.CONFLICT,
      `This key is ${status.toLowerCase()}: only an active key can be rotated.`,
    ),
  alreadyRotated: () =>
    new AppError(
      ErrorCode.CONFLICT,
      'This key has already been rotated: rotate its replacement instead.',
    ),
};
