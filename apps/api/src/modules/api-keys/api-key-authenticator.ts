import {
  KeyVerifier,
  SqlKeyStore,
  SqlRefusalSink,
  UNKNOWN_KEYS_PER_ADDRESS as UNKNOWN_KEYS_RULE,
  type KeyLimits,
  type KeyRecord,
  type SqlClient,
  type UsageRecorder,
  type Verification,
  type VerifyOptions,
} from '@partner-portal/keys';
import type { Logger } from 'pino';
import type { ApiKeyPrincipal } from '../../core/auth/principal';
import type { Revocations } from '../../core/revocations';
import { describeWait, type LimitRule, type RateLimits } from '../../core/rate-limit';
import type { Clock } from '../../core/clock';
import { AppError, ErrorCode } from '../../core/errors';
import type { ApiKey } from './api-key.entity';

/**
 * Unknown keys per client address: past it, keys this process does not already know are refused
 * (429) without a look-up. Keys already known (cached) still pass, so a flood from one address can
 * never lock out a real key's owner elsewhere, and is limited to the one address that sent it.
 */
export const UNKNOWN_KEYS_PER_ADDRESS: LimitRule = { ...UNKNOWN_KEYS_RULE };

/** A refused key. When the key is known (revoked, expired), the refusal still counts against its team's usage. */
export class KeyRefused extends AppError {
  constructor(
    message: string,
    readonly key?: { id: string; teamId: string },
  ) {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

/**
 * The portal's adapter over the one verification core (@partner-portal/keys): keys looked up in
 * its database, revocations heard through `Revocations` (Redis, or the poller while it is down),
 * unknown keys limited per address with the portal's limiter, and outcomes turned into the
 * GraphQL API's errors. The cache, expiry, limits, metering and last use live in the core.
 */
export class ApiKeyAuthenticator {
  readonly verifier: KeyVerifier;
  /** One frozen caller per looked-up key, made once and reused while the key is cached. */
  private readonly principals = new WeakMap<KeyRecord, ApiKeyPrincipal>();
  private readonly revocations: Revocations;
  /** Refused attempts with revoked keys, counted onto their incidents about once a second. */
  private readonly refusals: SqlRefusalSink;

  constructor(options: {
    sql: SqlClient;
    clock: Clock;
    revocations: Revocations;
    limits: RateLimits;
    keyLimits: KeyLimits;
    recorder: UsageRecorder;
    logger: Logger;
    /** How often the keys' last use is written (KEY_LAST_USED_WRITE_SECONDS). */
    lastUsedWriteMs: number;
  }) {
    const { revocations, limits } = options;
    this.revocations = revocations;
    this.refusals = new SqlRefusalSink(options.sql, { logger: options.logger });
    this.verifier = new KeyVerifier({
      refusals: this.refusals,
      store: new SqlKeyStore(options.sql),
      lastUsedFlushMs: options.lastUsedWriteMs,
      clock: options.clock,
      logger: options.logger,
      limits: options.keyLimits,
      recorder: options.recorder,
      unknownKeys: {
        blockedFor: (address) => limits.blockedFor(UNKNOWN_KEYS_PER_ADDRESS, address),
        hit: (address) => limits.hit(UNKNOWN_KEYS_PER_ADDRESS, address),
      },
      invalidation: {
        subscribe: (listener) =>
          revocations.on((revocation) => {
            if (revocation.kind === 'apiKey') listener({ keyId: revocation.keyId });
            else if (revocation.kind === 'team') listener({ teamId: revocation.teamId });
          }),
      },
    });
  }

  start(): void {
    this.verifier.start();
    this.refusals.start();
  }

  async stop(): Promise<void> {
    await this.verifier.stop();
    await this.refusals.stop();
  }

  /** Writes the refused attempts gathered so far (tests; otherwise about once a second). */
  flushRefusals(): Promise<void> {
    return this.refusals.flush();
  }

  /** The core's outcome (limits included unless `limit: false`). `address`: the client's. */
  verify(secret: string, address?: string, options: VerifyOptions = {}): Promise<Verification> {
    return this.verifier.verify(secret, {
      ...options,
      ...(address !== undefined ? { address } : {}),
    });
  }

  /**
   * Who a key is, for a re-check that takes nothing from the key's limits (a websocket's
   * connection and each of its operations). Throws the GraphQL API's refusals.
   */
  async authenticate(secret: string, address = 'unknown'): Promise<ApiKeyPrincipal> {
    const outcome = await this.verify(secret, address, { limit: false });
    if (outcome.valid) return this.principalOf(outcome.key);
    throw this.refusal(outcome);
  }

  principalOf(key: KeyRecord): ApiKeyPrincipal {
    let principal = this.principals.get(key);
    if (!principal) {
      principal = Object.freeze({
        kind: 'apiKey',
        keyId: key.id,
        teamId: key.teamId,
        environment: key.environment,
        rateLimitPerMinute: key.rateLimitPerMinute,
        monthlyRequestLimit: key.monthlyRequestLimit,
      } as const);
      this.principals.set(key, principal);
    }
    return principal;
  }

  /** A refusal as the GraphQL API says it (UNAUTHENTICATED or RATE_LIMITED). */
  refusal(outcome: Verification & { valid: false }): AppError {
    switch (outcome.code) {
      case 'MALFORMED':
        return new KeyRefused('This API key is not valid: check that it was copied whole.');
      case 'NOT_FOUND':
        return new KeyRefused('This API key is not valid.');
      case 'REVOKED':
        return new KeyRefused('This API key has been revoked.', outcome.key);
      case 'EXPIRED':
        return new KeyRefused('This API key has expired.', outcome.key);
      case 'WRONG_ENVIRONMENT':
        return new KeyRefused(`This is a ${outcome.key.environment} key.`, outcome.key);
      case 'QUOTA_EXCEEDED':
      case 'RATE_LIMITED':
        if (!outcome.key)
          return AppError.rateLimited(
            `Too many unknown API keys from this address. Try again in ${describeWait(outcome.retryAfterSeconds)}.`,
            outcome.retryAfterSeconds,
          );
        return AppError.rateLimited(
          outcome.limits.message ?? 'Too many requests.',
          outcome.retryAfterSeconds,
        );
    }
  }

  /** Key id → team id of live teams, for usage reported by the provider's services. */
  teamsOf(keyIds: readonly string[]): Promise<Map<string, string>> {
    return this.verifier.teamsOf(keyIds);
  }

  /** The freshest known last use: this process's memory, else what was written. */
  lastUsedAt(key: ApiKey): Date | null {
    return this.verifier.lastUsedOf(key.id) ?? key.lastUsedAt;
  }

  /** Call after a key's revocation or expiry changed: every process drops its cached copy. */
  invalidate(keyId: string): void {
    this.revocations.publish({ kind: 'apiKey', keyId });
  }

  flushLastUsed(): Promise<void> {
    return this.verifier.flushLastUsed();
  }
}
