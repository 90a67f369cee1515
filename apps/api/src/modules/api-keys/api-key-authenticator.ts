import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { In } from 'typeorm';
import type { ApiKeyPrincipal } from '../../core/auth/principal';
import type { Revocations } from '../../core/revocations';
import { describeWait, type LimitRule, type RateLimits } from '../../core/rate-limit';
import type { Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { AppError, ErrorCode } from '../../core/errors';
import { sha256 } from '../../core/secrets';
import { ApiKey, KeyStatus, keyStatus } from './api-key.entity';
import { parseApiKey } from './key-format';

type KeyRow = Pick<
  ApiKey,
  | 'id'
  | 'teamId'
  | 'environment'
  | 'keyHash'
  | 'expiresAt'
  | 'revokedAt'
  | 'rateLimitPerMinute'
  | 'monthlyRequestLimit'
>;
/** A looked-up key with the (read-only) caller it stands for, made once and reused while cached. */
export type CachedKey = KeyRow & { principal: ApiKeyPrincipal };

const CACHE_TTL_MS = 60_000;
const LAST_USED_FLUSH_MS = 5_000;
/** Unknown hashes are remembered this long: the same invented key never reaches the database twice. */
const UNKNOWN_TTL_MS = 60_000;
/**
 * Unknown keys per client address: past it, keys this process does not already know are refused
 * (429) without a look-up. Keys already known (cached) still pass, so a flood from one address can
 * never lock out a real key's owner elsewhere, and is limited to the one address that sent it.
 */
export const UNKNOWN_KEYS_PER_ADDRESS: LimitRule = {
  name: 'unknown-key-ip',
  points: 20,
  durationSeconds: 60,
};

/** A refused key. When the key is known (revoked, expired), the refusal still counts against its team's usage. */
export class KeyRefused extends AppError {
  constructor(
    message: string,
    readonly key?: { id: string; teamId: string },
  ) {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}
type KeyRef = Pick<KeyRow, 'id' | 'teamId' | 'environment' | 'expiresAt'>;

/** What a presented key turned out to be: valid, or why not (with the key when it is known). */
export type KeyCheck =
  | { valid: true; key: CachedKey }
  | { valid: false; code: 'MALFORMED' | 'NOT_FOUND' }
  | { valid: false; code: 'REVOKED' | 'EXPIRED'; key: KeyRef }
  /** Too many unknown keys from the client's address. */
  | { valid: false; code: 'RATE_LIMITED'; retryAfterSeconds: number };

const refuse = (message: string, key?: { id: string; teamId: string }) =>
  new KeyRefused(message, key);
const tooManyUnknown = (wait: number) =>
  AppError.rateLimited(
    `Too many unknown API keys from this address. Try again in ${describeWait(wait)}.`,
    wait,
  );

/**
 * Turns a presented key into a caller. Look-ups are cached in memory; a revoke or a rotation
 * drops the cached entry in this process at once and, through Redis, in every other.
 * Expiry is checked against the clock on every request, cached or not. `lastUsedAt` is kept in
 * memory and written in one batch every few seconds, never per request.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new LRUCache<string, CachedKey>({ max: 10_000, ttl: CACHE_TTL_MS });
  private readonly unknown = new LRUCache<string, true>({ max: 100_000, ttl: UNKNOWN_TTL_MS });
  private readonly lastUsed = new Map<string, Date>();
  /** Key id → team id, for reported usage (a team deletion shows within the TTL). */
  private readonly teams = new LRUCache<string, string>({ max: 100_000, ttl: CACHE_TTL_MS });
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly revocations: Revocations,
    private readonly limits: RateLimits,
    private readonly logger: Logger,
  ) {
    revocations.on((revocation) => {
      if (revocation.kind === 'apiKey') this.forget(revocation.keyId);
    });
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushLastUsed();
  }

  /**
   * Turns a presented key into an outcome, never an error: the caller maps it to its own answer.
   * `address` (the client's) applies the limit on unknown keys; without it (a trusted service
   * asking on its clients' behalf) unknown keys are only remembered, never limited.
   */
  async verify(secret: string, address?: string): Promise<KeyCheck> {
    // Only the hash is kept or looked up (never the secret), by equality in the cache or the
    // unique index: no secret is ever compared byte by byte.
    const hash = sha256(secret);
    let key = this.cache.get(hash);
    if (!key) {
      // Shape and checksum before any database look-up: a mistyped or invented key costs none.
      // (A cached key passed this check when it was cached.)
      if (parseApiKey(secret) === null) return { valid: false, code: 'MALFORMED' };
      if (this.unknown.has(hash)) return this.refuseUnknown(address);
      if (address !== undefined) {
        const wait = await this.limits.blockedFor(UNKNOWN_KEYS_PER_ADDRESS, address);
        if (wait > 0) return { valid: false, code: 'RATE_LIMITED', retryAfterSeconds: wait };
      }
      const row = await this.db.repository(ApiKey).findOne({
        where: { keyHash: hash },
        select: {
          id: true,
          teamId: true,
          environment: true,
          keyHash: true,
          expiresAt: true,
          revokedAt: true,
          rateLimitPerMinute: true,
          monthlyRequestLimit: true,
        },
      });
      if (!row) {
        this.unknown.set(hash, true);
        return this.refuseUnknown(address);
      }
      key = {
        ...row,
        principal: Object.freeze({
          kind: 'apiKey',
          keyId: row.id,
          teamId: row.teamId,
          environment: row.environment,
          rateLimitPerMinute: row.rateLimitPerMinute,
          monthlyRequestLimit: row.monthlyRequestLimit,
        } as const),
      };
      this.cache.set(hash, key);
    }

    const now = this.clock.now();
    const status = keyStatus(key, now);
    if (status === KeyStatus.REVOKED) return { valid: false, code: 'REVOKED', key };
    if (status === KeyStatus.EXPIRED) return { valid: false, code: 'EXPIRED', key };
    this.lastUsed.set(key.id, now);
    return { valid: true, key };
  }

  /** `address`: the client's, for the limit on unknown keys. Throws the GraphQL API's refusals. */
  async authenticate(secret: string, address = 'unknown'): Promise<ApiKeyPrincipal> {
    const outcome = await this.verify(secret, address);
    if (outcome.valid) return outcome.key.principal;
    switch (outcome.code) {
      case 'MALFORMED':
        throw refuse('This API key is not valid: check that it was copied whole.');
      case 'NOT_FOUND':
        throw refuse('This API key is not valid.');
      case 'REVOKED':
        throw refuse('This API key has been revoked.', outcome.key);
      case 'EXPIRED':
        throw refuse('This API key has expired.', outcome.key);
      case 'RATE_LIMITED':
        throw tooManyUnknown(outcome.retryAfterSeconds);
    }
  }

  /** Counts an unknown key against its address (when given), then refuses it. */
  private async refuseUnknown(address: string | undefined): Promise<KeyCheck> {
    if (address !== undefined) {
      const wait = await this.limits.hit(UNKNOWN_KEYS_PER_ADDRESS, address);
      if (wait > 0) return { valid: false, code: 'RATE_LIMITED', retryAfterSeconds: wait };
    }
    return { valid: false, code: 'NOT_FOUND' };
  }

  /**
   * The team of each key id that belongs to a live team (keys never change team), for usage
   * reported by the provider's services. Unknown ids, and keys of deleted teams, are left out.
   */
  async teamsOf(keyIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing: string[] = [];
    for (const id of new Set(keyIds)) {
      const teamId = this.teams.get(id);
      if (teamId) found.set(id, teamId);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      const rows: Array<{ id: string; teamId: string }> = await this.db.manager.query(
        `SELECT k.id AS id, k.teamId AS teamId FROM api_keys k JOIN teams t ON t.id = k.teamId
         WHERE t.deletedAt IS NULL AND k.id IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      for (const row of rows) {
        this.teams.set(row.id, row.teamId);
        found.set(row.id, row.teamId);
      }
    }
    return found;
  }

  /** The freshest known last use: this process's memory, else what was written. */
  lastUsedAt(key: ApiKey): Date | null {
    return this.lastUsed.get(key.id) ?? key.lastUsedAt;
  }

  /** Call after a key's revocation or expiry changed: every process drops its cached copy. */
  invalidate(keyId: string): void {
    this.revocations.publish({ kind: 'apiKey', keyId });
  }

  private forget(keyId: string): void {
    for (const [hash, key] of this.cache.entries()) if (key.id === keyId) this.cache.delete(hash);
  }

  async flushLastUsed(): Promise<void> {
    if (this.lastUsed.size === 0 || !this.db.dataSource.isInitialized) return;
    const batch = [...this.lastUsed.entries()];
    this.lastUsed.clear();
    try {
      await this.db.transaction(async (m) => {
        const ids = batch.map(([id]) => id);
        const current = await m.find(ApiKey, {
          where: { id: In(ids) },
          select: { id: true, lastUsedAt: true },
        });
        const stored = new Map(current.map((k) => [k.id, k.lastUsedAt]));
        for (const [id, at] of batch) {
          const before = stored.get(id);
          if (!before || before.getTime() < at.getTime())
            await m.update(ApiKey, { id }, { lastUsedAt: at });
        }
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'could not record API key use; will retry');
      for (const [id, at] of batch) if (!this.lastUsed.has(id)) this.lastUsed.set(id, at);
    }
  }
}
