/** A key's environment; the key's prefix names it (`ppk_test_`, `ppk_live_`). */
export type Environment = 'DEVELOPMENT' | 'PRODUCTION';

/** Why the portal refused a key (`POST /v1/keys/verify`, `"valid": false`). */
export type VerifyRefusalCode =
  | 'MALFORMED'
  | 'NOT_FOUND'
  | 'REVOKED'
  | 'EXPIRED'
  | 'WRONG_ENVIRONMENT'
  | 'RATE_LIMITED'
  | 'QUOTA_EXCEEDED';

export const VERIFY_REFUSAL_CODES: readonly VerifyRefusalCode[] = [
  'MALFORMED',
  'NOT_FOUND',
  'REVOKED',
  'EXPIRED',
  'WRONG_ENVIRONMENT',
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
];

/** The key's per-minute window after this request. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** The key's calendar month (UTC) after this request. */
export interface MonthlyState {
  limit: number;
  remaining: number;
}

export interface ValidKey {
  valid: true;
  keyId: string;
  teamId: string;
  environment: Environment;
  /** ISO 8601; null: never expires. */
  expiresAt: string | null;
  /** null: the key has no per-minute limit. */
  ratelimit: RateLimitState | null;
  /** null: the key has no monthly limit. */
  monthly: MonthlyState | null;
}

export interface RefusedKey {
  valid: false;
  code: VerifyRefusalCode;
  /** Present once the key was found (REVOKED, EXPIRED, WRONG_ENVIRONMENT, the limits). */
  keyId?: string;
  teamId?: string;
  /** RATE_LIMITED and QUOTA_EXCEEDED: seconds until the window resets. */
  retryAfterSeconds?: number;
}

/** The answer of `POST /v1/keys/verify`, as the contract gives it. */
export type VerifyResult = ValidKey | RefusedKey;

export interface VerifyOptions {
  /** The environment the calling service serves: a key of the other one is WRONG_ENVIRONMENT. */
  environment?: Environment;
  /**
   * true (the portal's default): the portal counts this verify as one request of the key. false:
   * it only takes from the key's limits, and you report the outcome yourself (`reportUsage`).
   * The in-process cache answers `count: false` calls only (a counted verify must reach the portal).
   */
  count?: boolean;
}

/** One request served with a key, as `POST /v1/usage` takes it. */
export interface UsageEvent {
  keyId: string;
  /** The HTTP status the client received. */
  status: number;
  latencyMs?: number;
  /** When it was served: ISO 8601, or milliseconds since the epoch; now when absent. */
  at?: string | number;
}

/** Who is calling, once the key passed: set as `req.partner` by the middleware. */
export interface Partner {
  teamId: string;
  keyId: string;
  environment: Environment;
}
