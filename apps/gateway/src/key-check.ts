/**
 * What the gateway needs from the key verification core: a verdict per presented key, a way to
 * count what the client finally received, and a lifecycle. The proxy depends on this seam only, so
 * its mechanics can be tested on their own; in production it is @partner-portal/keys
 * (see keys-core.ts).
 */
import type { KeyEnvironment, RefusalCode, WindowState } from '@partner-portal/keys';

export type Environment = KeyEnvironment;
/** The verify outcome codes of the contract (`POST /v1/keys/verify`), as the core names them. */
export type { RefusalCode, WindowState };

export type KeyOutcome =
  | {
      valid: true;
      keyId: string;
      teamId: string;
      environment: Environment;
      /** The per-minute window after this request; null: no per-minute limit. */
      ratelimit: WindowState | null;
      /** The calendar month after this request; null: no monthly limit. */
      monthly: WindowState | null;
      /** RateLimit-* of the window that binds (per minute over per month); empty without limits. */
      headers: Readonly<Record<string, string>>;
    }
  | {
      valid: false;
      code: RefusalCode;
      /** Set when the key is known (revoked, expired, limited): the refusal counts in its usage. */
      keyId?: string;
      teamId?: string;
      environment?: Environment;
      retryAfterSeconds?: number;
      /** The window that refused (limit, 0 remaining, reset), for the RateLimit-* headers. */
      window?: WindowState;
      /** The core's own words for the refusal, shown to the client as they are. */
      message?: string;
    };

export interface VerifyOptions {
  /** The client's address (for the core's limit on unknown keys per address). */
  address: string;
  /** Only keys of this environment are valid; others come back WRONG_ENVIRONMENT. */
  environment?: Environment;
}

export interface KeyCheck {
  /** The verdict; synchronously when the core needs nothing outside the process (a warm key). */
  verify(key: string, options: VerifyOptions): KeyOutcome | Promise<KeyOutcome>;
  /** Counts one request of a known key with the status its client received (buffered, flushed by the core). */
  record(outcome: KeyOutcome, status: number, latencyMs: number): void;
  /** True while the portal's database answers. */
  ready(): Promise<boolean>;
  start(): Promise<void>;
  /** Writes what is still counted in memory and lets go of the database and Redis. */
  stop(): Promise<void>;
}
