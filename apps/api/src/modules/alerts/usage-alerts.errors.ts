import { AppError, ErrorCode } from '../../core/errors';

export const USAGE_ALERTS_PER_TEAM = 50;

export const UsageAlertErrors = {
  notFound: () => new AppError(ErrorCode.NOT_FOUND, 'Usage alert not found.'),
  keyNotActive: () =>
    AppError.badInput('apiKeyId', 'This key is revoked or expired: alerts watch active keys.'),
  noMonthlyLimit: () =>
    AppError.badInput(
      'apiKeyId',
      'This key has no monthly limit: set one on the key first, or watch its error rate.',
    ),
  noKeyWithMonthlyLimit: () =>
    AppError.badInput(
      'kind',
      'No active key of this team has a monthly limit: a monthly quota alert needs one.',
    ),
  tooMany: () =>
    new AppError(
      ErrorCode.CONFLICT,
      `A team can have at most ${USAGE_ALERTS_PER_TEAM} usage alerts: delete one first.`,
    ),
  duplicate: () => new AppError(ErrorCode.CONFLICT, 'This team already has the same alert.'),
};
