import type { ServerResponse } from 'node:http';
import type { KeyOutcome, WindowState } from './key-check';

/** The gateway's own answers: the contract's codes, plus a `reason` where the status says more. */
export type GatewayErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'RATE_LIMITED' | 'INTERNAL_SERVER_ERROR';

export interface GatewayError {
  status: number;
  code: GatewayErrorCode;
  message: string;
  /** Finer cause for 5xx answers (UPSTREAM_UNREACHABLE, UPSTREAM_TIMEOUT, DATABASE_UNAVAILABLE…). */
  reason?: string;
  headers?: Record<string, string>;
}

/**
 * The one place the gateway writes an answer of its own: `{"error": {"code", "message"}}`, with
 * `own`: the headers every answer of the request carries (X-Request-Id, Connection while draining).
 */
export function sendError(
  res: ServerResponse,
  error: GatewayError,
  own: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({
    error: {
      code: error.code,
      message: error.message,
      ...(error.reason ? { reason: error.reason } : {}),
    },
  });
  res.writeHead(error.status, {
    ...own,
    ...error.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** RateLimit-* headers for the window that binds (per minute over per month, as the portal does). */
export function rateLimitHeaders(
  ratelimit: WindowState | null | undefined,
  monthly: WindowState | null | undefined,
): Record<string, string> {
  const window = ratelimit ?? monthly;
  if (!window) return {};
  return {
    'RateLimit-Limit': String(window.limit),
    'RateLimit-Remaining': String(Math.max(0, window.remaining)),
    'RateLimit-Reset': String(Math.max(0, window.resetSeconds)),
  };
}

const UNAUTHENTICATED_MESSAGES: Record<string, string> = {
  MALFORMED: 'This API key is not valid: check that it was copied whole.',
  NOT_FOUND: 'This API key is not valid.',
  REVOKED: 'This API key has been revoked.',
  EXPIRED: 'This API key has expired.',
};

/** A refused key as the client sees it: 401, 403 or 429 (with Retry-After and RateLimit-*). */
export function refusal(outcome: Extract<KeyOutcome, { valid: false }>): GatewayError {
  switch (outcome.code) {
    case 'RATE_LIMITED':
    case 'QUOTA_EXCEEDED': {
      const retryAfter = Math.max(1, Math.ceil(outcome.retryAfterSeconds ?? 1));
      const window = outcome.window;
      return {
        status: 429,
        code: 'RATE_LIMITED',
        message:
          outcome.message ??
          (outcome.code === 'QUOTA_EXCEEDED'
            ? `This key reached its monthly request limit. Try again in ${retryAfter} seconds.`
            : `Too many requests. Try again in ${retryAfter} seconds.`),
        headers: {
          'Retry-After': String(retryAfter),
          ...(window
            ? rateLimitHeaders({ ...window, remaining: 0 }, null)
            : { 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(retryAfter) }),
        },
      };
    }
    case 'WRONG_ENVIRONMENT':
      return {
        status: 403,
        code: 'FORBIDDEN',
        message:
          'This is a DEVELOPMENT key and this gateway has no sandbox: use a PRODUCTION key, or ask the provider for its sandbox.',
      };
    default:
      return {
        status: 401,
        code: 'UNAUTHENTICATED',
        message:
          outcome.message ?? UNAUTHENTICATED_MESSAGES[outcome.code] ?? 'This API key is not valid.',
        headers: { 'WWW-Authenticate': 'Bearer' },
      };
  }
}
