import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { parseApiKey, type KeyEnvironment } from './format';
import type { KeyLimits, LimitVerdict, WindowState } from './limits';
import type {
  Clock,
  Invalidation,
  KeyRecord,
  KeyStore,
  Logger,
  RefusalSink,
  UnknownKeyLimiter,
} from './ports';
import type { UsageRecorder } from './recorder';
import { keyStatus } from './status';

/** Where a valid (or limited) key stands in its windows after this request. */
export interface LimitState {
  /** null: the key has no per-minute limit. */
  perMinute: WindowState | null;
  /** null: the key has no monthly limit. */
  monthly: WindowState | null;
  /** RateLimit-* (and Retry-After when refused), for HTTP answers. */
  headers: Record<string, string>;
  /** Why it was refused, in words, when it was. */
  message?: string;
}

export type RefusalCode =
  | 'MALFORMED'
  | 'NOT_FOUND'
  | 'REVOKED'
  | 'EXPIRED'
  | 'WRONG_ENVIRONMENT'
  | 'RATE_LIMITED'
  | 'QUOTA_EXCEEDED';

/**
 * What a presented key turned out to be. An outcome, never an error: each app maps it to its own
 * answer (the portal's GraphQL errors, /v1's JSON, the gateway's 401 and 429).
 */
export type Verification =
  | { valid: true; key: KeyRecord; limits: LimitState }
  /** Not a key (shape or checksum), or no such key: nothing known, nothing to count. */
  | { valid: false; code: 'MALFORMED' | 'NOT_FOUND'; key?: undefined }
  | { valid: false; code: 'REVOKED' | 'EXPIRED' | 'WRONG_ENVIRONMENT'; key: KeyRecord }
  /** Over the key's per-minute (RATE_LIMITED) or monthly (QUOTA_EXCEEDED) limit. */
  | {
      valid: false;
      code: 'RATE_LIMITED' | 'QUOTA_EXCEEDED';
      key: KeyRecord;
      retryAfterSeconds: number;
      limits: LimitState;
    }
  /** Too many unknown keys from the client's address: no key to name. */
  | { valid: false; code: 'RATE_LIMITED'; key?: undefined; retryAfterSeconds: number };

/** The HTTP status an outcome is answered (and counted) with: 200, 401, or 429 over a limit. */
export function statusOf(outcome: Verification): 200 | 401 | 429 {
  if (outcome.valid) return 200;
  return outcome.code === 'RATE_LIMITED' || outcome.code === 'QUOTA_EXCEEDED' ? 429 : 401;
}

export interface VerifyOptions {
  /** The client's address: applies the unknown-key limit (when the verifier has one). */
  address?: string;
  /** The environment the caller serves: a key of the other one is WRONG_ENVIRONMENT. */
  environment?: KeyEnvironment;
  /** false: do not take a request from the key's limits (default true). */
  limit?: boolean;
  /**
   * Where the request came from when `address` is not given (no unknown-key limit applies): a
   * refused revoked key is counted against it (the /v1/ verify endpoint passes its requester).
   * A function is called only then, never for a valid key.
   */
  origin?: string | (() => string | undefined);
}

export interface VerifierOptions {
  store: KeyStore;
  clock: Clock;
  logger: Logger;
  /** The key's own limits; without them no key is limited. */
  limits?: KeyLimits;
  /** Where `count` records requests; without it nothing is counted. */
  recorder?: UsageRecorder;
  /** Limits unknown keys per client address (only when `verify` is given an address). */
  unknownKeys?: UnknownKeyLimiter;
  /** Ended keys from other processes: their cached copies are dropped at once. */
  invalidation?: Invalidation;
  /** Told of each request refused because its key is revoked (attempts with a compromised key). */
  refusals?: RefusalSink;
  /** How long a looked-up key (and an unknown hash) is trusted without a look-up. Default 60 s. */
  cacheTtlMs?: number;
  /** How often last uses are written. Default 5 s. */
  lastUsedFlushMs?: number;
}

const DEFAULT_TTL_MS = 60_000;

/** crypto.hash (Node 20.12+): one call, no Hash object; the hot path hashes every presented key. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string })
  .hash;

export const sha256Hex = (value: string): string =>
  oneShot ? oneShot('sha256', value, 'hex') : createHash('sha256').update(value).digest('hex');

const originOf = ({ origin }: VerifyOptions): string | undefined =>
  typeof origin === 'function' ? origin() : origin;

/** A valid key without limits (or not limited this time): one shared, frozen state. */
const NO_LIMITS: LimitState = Object.freeze({
  perMinute: null,
  monthly: null,
  headers: Object.freeze({}) as Record<string, string>,
});

/** A key's outcome once its limits answered. */
function withLimits(key: KeyRecord, verdict: LimitVerdict): Verification {
  const state: LimitState = {
    perMinute: verdict.perMinute ?? null,
    monthly: verdict.monthly ?? null,
    headers: verdict.headers,
  };
  if (verdict.message) state.message = verdict.message;
  if (verdict.allowed) return { valid: true, key, limits: state };
  return {
    valid: false,
    code: verdict.code ?? 'RATE_LIMITED',
    key,
    retryAfterSeconds: verdict.retryAfterSeconds ?? 1,
    limits: state,
  };
}

/**
 * The one verification core: key format and checksum before any look-up, a cache of looked-up
 * keys and of unknown hashes (the same invented key never reaches the store twice), revoked and
 * expired against the clock on every request (cached or not), the environment, the key's limits
 * (per minute and per month, in Redis when configured), metering into the usage rollups, and the
 * last use (kept in memory, written in one batch every few seconds).
 */
export class KeyVerifier {
  private readonly cache: LRUCache<string, KeyRecord>;
  private readonly unknown: LRUCache<string, true>;
  private readonly teams: LRUCache<string, string>;
  private readonly lastUsed = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: (() => void) | undefined;
  /** Presented keys answered from the cache (a key or a known-unknown hash) and looked up in the store (metrics). */
  readonly cacheStats = { hits: 0, misses: 0 };

  constructor(private readonly options: VerifierOptions) {
    const ttl = options.cacheTtlMs ?? DEFAULT_TTL_MS;
    this.cache = new LRUCache({ max: 10_000, ttl });
    this.unknown = new LRUCache({ max: 100_000, ttl });
    this.teams = new LRUCache({ max: 100_000, ttl });
    this.unsubscribe = options.invalidation?.subscribe((ended) =>
      'keyId' in ended ? this.forget(ended.keyId) : this.forgetTeam(ended.teamId),
    );
  }

  start(): void {
    this.timer ??= setInterval(
      () => void this.flushLastUsed(),
      this.options.lastUsedFlushMs ?? 5_000,
    );
    this.timer.unref();
  }

  /** Writes the last uses still in memory; the caller stops the recorder itself. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    await this.flushLastUsed();
  }

  verify(secret: string, options: VerifyOptions = {}): Promise<Verification> {
    const outcome = this.verifyNow(secret, options);
    return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
  }

  /**
   * The same outcome as `verify`, synchronously when it needs nothing outside this process (a
   * cached key whose limits are counted here, or none): the hot path of a warm key then costs no
   * promise. A promise otherwise (a look-up, the unknown-key limit, limits in Redis).
   */
  verifyNow(secret: string, options: VerifyOptions = {}): Verification | Promise<Verification> {
    // Only the hash is kept or looked up (never the secret), by equality in the cache or the
    // unique index: no secret is ever compared byte by byte.
    const hash = sha256Hex(secret);
    const key = this.cache.get(hash);
    if (!key) return this.lookUp(secret, hash, options);
    this.cacheStats.hits++;
    return this.check(key, options);
  }

  /** A key not in the cache: format, the negative cache, the unknown-key limit, the store. */
  private async lookUp(
    secret: string,
    hash: string,
    options: VerifyOptions,
  ): Promise<Verification> {
    const { address } = options;
    // Shape and checksum before any look-up: a mistyped or invented key costs none.
    // (A cached key passed this check when it was cached.)
    if (parseApiKey(secret) === null) return { valid: false, code: 'MALFORMED' };
    if (this.unknown.has(hash)) {
      this.cacheStats.hits++;
      return this.refuseUnknown(address);
    }
    const limiter = this.options.unknownKeys;
    if (limiter && address !== undefined) {
      const wait = await limiter.blockedFor(address);
      if (wait > 0) return { valid: false, code: 'RATE_LIMITED', retryAfterSeconds: wait };
    }
    this.cacheStats.misses++;
    const found = await this.options.store.findByHash(hash);
    if (!found) {
      this.unknown.set(hash, true);
      return this.refuseUnknown(address);
    }
    const key = Object.freeze(found);
    this.cache.set(hash, key);
    return this.check(key, options);
  }

  /** A known key: revoked and expired against the clock, its environment, its limits. */
  private check(key: KeyRecord, options: VerifyOptions): Verification | Promise<Verification> {
    const now = this.options.clock.now();
    const status = keyStatus(key, now);
    if (status !== 'ACTIVE') {
      if (status === 'REVOKED')
        this.options.refusals?.refused(key.id, options.address ?? originOf(options), now);
      return { valid: false, code: status, key };
    }
    this.lastUsed.set(key.id, now);
    if (options.environment !== undefined && options.environment !== key.environment)
      return { valid: false, code: 'WRONG_ENVIRONMENT', key };

    const limits = this.options.limits;
    if (
      options.limit === false ||
      !limits ||
      (key.rateLimitPerMinute === null && key.monthlyRequestLimit === null)
    )
      return { valid: true, key, limits: NO_LIMITS };
    const verdict = limits.checkNow(key, now);
    return verdict instanceof Promise
      ? verdict.then((v) => withLimits(key, v))
      : withLimits(key, verdict);
  }

  /**
   * Counts one request of a key in its usage with the status its client got (a failure from 400
   * up, or when `failed` says so: a GraphQL answer with errors).
   */
  count(
    key: { id: string; teamId: string },
    status: number,
    latencyMs: number,
    failed = status >= 400,
  ): void {
    this.options.recorder?.record({
      apiKeyId: key.id,
      teamId: key.teamId,
      status,
      failed,
      latencyMs,
    });
  }

  /** Counts an unknown key against its address (when given), then refuses it. */
  private async refuseUnknown(address: string | undefined): Promise<Verification> {
    const limiter = this.options.unknownKeys;
    if (limiter && address !== undefined) {
      const wait = await limiter.hit(address);
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
    if (missing.length > 0)
      for (const [id, teamId] of await this.options.store.teamsOf(missing)) {
        this.teams.set(id, teamId);
        found.set(id, teamId);
      }
    return found;
  }

  /** The last use seen by this process and not written yet. */
  lastUsedOf(keyId: string): Date | undefined {
    return this.lastUsed.get(keyId);
  }

  /** Drops this process's cached copy of a key (revoked, expiry changed). */
  forget(keyId: string): void {
    for (const [hash, key] of this.cache.entries()) if (key.id === keyId) this.cache.delete(hash);
  }

  /** Drops every cached key of a team (deleted). */
  forgetTeam(teamId: string): void {
    for (const [hash, key] of this.cache.entries())
      if (key.teamId === teamId) this.cache.delete(hash);
    for (const [id, team] of this.teams.entries()) if (team === teamId) this.teams.delete(id);
  }

  async flushLastUsed(): Promise<void> {
    if (this.lastUsed.size === 0) return;
    const batch = [...this.lastUsed.entries()];
    this.lastUsed.clear();
    try {
      await this.options.store.writeLastUsed(batch);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not record API key use; will retry');
      for (const [id, at] of batch) if (!this.lastUsed.has(id)) this.lastUsed.set(id, at);
    }
  }
}
