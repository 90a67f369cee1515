import { ErrorCode } from './errors';
import type { RateLimitState, RefusedKey, ValidKey } from './types';

/** An answer the middleware writes itself, in the gateway's shape. */
export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
  /** Finer cause of a 5xx (KEYS_UNAVAILABLE). */
  reason?: string;
  headers: Record<string, string>;
}

const UNAUTHENTICATED_MESSAGES: Record<string, string> = {
  MALFORMED: 'This API key is not valid: check that it was copied whole.',
  NOT_FOUND: 'This API key is not valid.',
  REVOKED: 'This API key has been revoked.',
  EXPIRED: 'This API key has expired.',
};

export const MISSING_KEY: Refusal = {
  status: 401,
  code: ErrorCode.UNAUTHENTICATED,
  message:
    'An API key is required: send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`.',
  headers: { 'WWW-Authenticate': 'Bearer' },
};

export const TWO_KEYS: Refusal = {
  status: 401,
  code: ErrorCode.UNAUTHENTICATED,
  message: 'Send one API key: `Authorization: Bearer` and `X-API-Key` carry different keys.',
  headers: { 'WWW-Authenticate': 'Bearer' },
};

/** The portal could not answer: fail closed, with the gateway's reason for the same case. */
export const PORTAL_UNAVAILABLE: Refusal = {
  status: 503,
  code: ErrorCode.INTERNAL_SERVER_ERROR,
  message: 'The API key could not be checked right now. Please try again in a moment.',
  reason: 'KEYS_UNAVAILABLE',
  headers: { 'Retry-After': '5' },
};

/** RateLimit-* headers of the window that binds: per minute over per month, as the portal and gateway do. */
export function rateLimitHeaders(result: ValidKey, now = new Date()): Record<string, string> {
  const window: RateLimitState | null =
    result.ratelimit ??
    (result.monthly && { ...result.monthly, resetSeconds: secondsToNextMonth(now) });
  if (!window) return {};
  return {
    'RateLimit-Limit': String(window.limit),
    'RateLimit-Remaining': String(Math.max(0, window.remaining)),
    'RateLimit-Reset': String(Math.max(0, window.resetSeconds)),
  };
}

/** A refused key as the client sees it, with the gateway's statuses: 401, 403 or 429. */
export function refusalOf(result: RefusedKey): Refusal {
  switch (result.code) {
    case 'RATE_LIMITED':
    case 'QUOTA_EXCEEDED': {
      const retryAfter = Math.max(1, Math.ceil(result.retryAfterSeconds ?? 1));
      return {
        status: 429,
        code: ErrorCode.RATE_LIMITED,
        message:
          result.code === 'QUOTA_EXCEEDED'
            ? `This key reached its monthly request limit. Try again in ${retryAfter} seconds.`
            : `Too many requests. Try again in ${retryAfter} seconds.`,
        headers: {
          'Retry-After': String(retryAfter),
          'RateLimit-Remaining': '0',
          'RateLimit-Reset': String(retryAfter),
        },
      };
    }
    case 'WRONG_ENVIRONMENT':
      return {
        status: 403,
        code: ErrorCode.FORBIDDEN,
        message: 'This key is for another environment than the one this API serves.',
        headers: {},
      };
    default:
      return {
        status: 401,
        code: ErrorCode.UNAUTHENTICATED,
        message: UNAUTHENTICATED_MESSAGES[result.code] ?? 'This API key is not valid.',
        headers: { 'WWW-Authenticate': 'Bearer' },
      };
  }
}

/** The JSON body of a refusal: `{"error": {"code", "message"}}` (and `reason` for a 5xx). */
export function refusalBody(refusal: Refusal): string {
  return JSON.stringify({
    error: {
      code: refusal.code,
      message: refusal.message,
      ...(refusal.reason ? { reason: refusal.reason } : {}),
    },
  });
}

function secondsToNextMonth(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}
