/**
 * The codes of the portal's contract, as they appear in `{"error": {"code", "message"}}` answers.
 * A copy of the contract's closed set, so the SDK needs no other workspace package at run time.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Why a call to the portal itself failed (not why a key was refused: that is a VerifyRefusal). */
export type PortalErrorCode =
  /** No connection could be made, or it broke before an answer. */
  | 'PORTAL_UNREACHABLE'
  /** No answer within `timeoutMs`. */
  | 'PORTAL_TIMEOUT'
  /** The portal answered 5xx, or an answer that is not the contract's shape. */
  | 'PORTAL_ERROR'
  /** 401: the service token was refused (a configuration problem, never the partner's). */
  | 'SERVICE_TOKEN_REJECTED'
  /** 404 on /v1/: the portal runs without SERVICE_TOKENS, so its /v1/ endpoints are off. */
  | 'SERVICE_DISABLED'
  /** 400: the portal refused the request's shape. */
  | 'BAD_REQUEST'
  /** Some usage events were rejected by the portal (a key of no team, a status out of range). */
  | 'USAGE_REJECTED'
  /** Usage events were dropped: the buffer was full, or the reporter was closed. */
  | 'USAGE_DROPPED'
  /**
   * The portal does not take the `"count"` of a usage event (it is older than this SDK): nothing
   * is lost, the requests are sent again one event each, and so from then on.
   */
  | 'USAGE_COUNT_UNSUPPORTED';

/** A failure of the transport or of the portal, with the HTTP status when there was one. */
export class PortalError extends Error {
  override readonly name = 'PortalError';
  constructor(
    readonly code: PortalErrorCode,
    message: string,
    /** The portal's HTTP status, when it answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth another try later: the portal was away, slow or failing, not refusing the request. */
  get retryable(): boolean {
    return (
      this.code === 'PORTAL_UNREACHABLE' ||
      this.code === 'PORTAL_TIMEOUT' ||
      this.code === 'PORTAL_ERROR'
    );
  }
}

export const isPortalError = (error: unknown): error is PortalError => error instanceof PortalError;
