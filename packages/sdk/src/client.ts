import { LRUCache } from 'lru-cache';
import { PortalError } from './errors';
import { parseKey } from './key-format';
import { Transport, type FetchLike } from './transport';
import {
  UsageReporter,
  type UsageReporterOptions,
  type UsageReporterStats,
} from './usage-reporter';
import {
  VERIFY_REFUSAL_CODES,
  type Environment,
  type RefusedKey,
  type UsageEvent,
  type ValidKey,
  type VerifyOptions,
  type VerifyResult,
} from './types';

export interface PortalClientOptions {
  /** The portal's base URL, e.g. `https://portal.example.com`. */
  url: string;
  /** One of the portal's SERVICE_TOKENS. */
  serviceToken: string;
  /**
   * How long a valid answer is reused (for `count: false` verifies of keys without limits);
   * a revoked key keeps passing this long in this process. 0 turns the cache off. Default 5000.
   */
  cacheTtlMs?: number;
  /** How long a refusal that cannot change soon (MALFORMED, NOT_FOUND, REVOKED, EXPIRED, WRONG_ENVIRONMENT) is reused. Default 5000. */
  negativeCacheTtlMs?: number;
  /** Keys kept (each with its answers per environment served), least recently used first out. Default 10,000. */
  cacheMaxEntries?: number;
  /** Per request to the portal, body included. Default 2000 ms. */
  timeoutMs?: number;
  /** Check the key's format and checksum here first (MALFORMED without a round trip). Default true. */
  checkFormat?: boolean;
  /** Batching of `/v1/usage` reports. */
  usage?: UsageReporterOptions;
  /** Called with failures that have no caller to throw to (usage sends, dropped events). Default: console.warn. */
  onError?: (error: PortalError) => void;
  /** A fetch of your own (a proxy agent, a test double). Default: node:http(s) with a keep-alive agent. */
  fetch?: FetchLike;
}

export interface PortalClient {
  /** `POST /v1/keys/verify`: the contract's answer. Throws PortalError when the portal cannot answer. */
  verifyKey(key: string, options?: VerifyOptions): Promise<VerifyResult>;
  /**
   * The answer `verifyKey` would give without a request to the portal (a cached answer, or
   * MALFORMED from the format check), synchronously; undefined when it would have to ask. The
   * middleware's hot path: a warm key costs no promise.
   */
  verifyKeyLocally(key: string, options?: VerifyOptions): VerifyResult | undefined;
  /** Queues usage events for `POST /v1/usage` (sent in batches, in the background). */
  reportUsage(...events: UsageEvent[]): void;
  /**
   * Queues one event given by its fields, `at` in epoch ms, sent to the second (the portal counts
   * usage by the minute): what the middleware calls for each response. Events equal to the one
   * before share a buffer entry (no object per request).
   */
  recordUsage(keyId: string, status: number, latencyMs: number, at: number): void;
  /** Sends the queued usage events now; rejects if some could not be sent after a few tries. */
  flush(): Promise<void>;
  /** Flushes and stops the background timer. Call it on SIGTERM, after your server has closed. */
  close(): Promise<void>;
  /** Forgets cached answers: of one key, or all. */
  clearCache(key?: string): void;
  stats(): PortalClientStats;
}

export interface PortalClientStats {
  /** verifyKey calls answered from the cache or the local format check. */
  localAnswers: number;
  /** verifyKey calls that went to the portal. */
  portalRequests: number;
  cacheSize: number;
  usage: UsageReporterStats;
}

interface CacheEntry {
  result: VerifyResult;
  /** Epoch ms the entry stops being used (also what retryAfterSeconds counts down to). */
  until: number;
}

/**
 * A key's cached answers, one per environment asked for (`any`: no environment given). Keyed by
 * the key itself, so a look-up hashes the string the request brought and builds none.
 */
interface CachedKey {
  any?: CacheEntry;
  DEVELOPMENT?: CacheEntry;
  PRODUCTION?: CacheEntry;
}

const NEVER_CHANGE_SOON = new Set([
  'MALFORMED',
  'NOT_FOUND',
  'REVOKED',
  'EXPIRED',
  'WRONG_ENVIRONMENT',
]);
const ENVIRONMENTS = new Set(['DEVELOPMENT', 'PRODUCTION']);

export function createPortalClient(options: PortalClientOptions): PortalClient {
  if (!/^https?:\/\//.test(options.url))
    throw new TypeError('createPortalClient: `url` must be the portal’s http(s) base URL.');
  if (!options.serviceToken)
    throw new TypeError(
      'createPortalClient: `serviceToken` is required (one of the portal’s SERVICE_TOKENS).',
    );
  const cacheTtlMs = options.cacheTtlMs ?? 5000;
  const negativeCacheTtlMs = options.negativeCacheTtlMs ?? 5000;
  const checkFormat = options.checkFormat ?? true;
  const onError =
    options.onError ??
    ((error: PortalError) => console.warn(`[@partner-portal/sdk] ${error.code}: ${error.message}`));
  const transport = new Transport({
    url: options.url,
    serviceToken: options.serviceToken,
    timeoutMs: options.timeoutMs ?? 2000,
    fetch: options.fetch,
  });
  const reporter = new UsageReporter(transport, options.usage ?? {}, onError);
  // The key itself, not a hash of it: hashing cost more than the rest of a cached verify, and the
  // same secret sits in the request's headers in this process anyway.
  const cache = new LRUCache<string, CachedKey>({
    max: options.cacheMaxEntries ?? 10_000,
    dispose: (_value, key) => {
      if (key === hotKey) hotKey = undefined;
    },
  });
  const inFlight = new Map<string, Promise<VerifyResult>>();
  const counts = { localAnswers: 0, portalRequests: 0 };

  // The key looked up last, when the cache had it. A busy key's requests come one after another:
  // comparing the request's key with it costs less than hashing that new string for the LRU (the
  // profile's largest part of a warm verify). Nothing else was looked up in between, so skipping
  // the LRU's own get changes no key's place in it.
  let hotKey: string | undefined;
  let hotCached: CachedKey | undefined;

  const slotOf = (environment: Environment | undefined) => environment ?? 'any';
  function cachedOf(key: string): CachedKey | undefined {
    if (key === hotKey) return hotCached;
    const cached = cache.get(key);
    if (cached !== undefined) {
      hotKey = key;
      hotCached = cached;
    }
    return cached;
  }
  const entryOf = (key: string, environment: Environment | undefined) =>
    cachedOf(key)?.[slotOf(environment)];
  // In-flight verifies are few: their id may be built.
  const flightId = (key: string, environment: Environment | undefined) =>
    `${slotOf(environment)}:${key}`;

  /** How long this answer may be reused; 0: not at all. */
  function ttlOf(result: VerifyResult, now: number): number {
    if (result.valid) {
      // Each request of a limited key must take from its limits in the portal: never answered here.
      if (!isUnlimited(result)) return 0;
      const expires = result.expiresAt === null ? Infinity : Date.parse(result.expiresAt) - now;
      return Math.max(0, Math.min(cacheTtlMs, expires));
    }
    if (NEVER_CHANGE_SOON.has(result.code)) return negativeCacheTtlMs;
    // RATE_LIMITED, QUOTA_EXCEEDED: refused until the window resets, never longer.
    return Math.min(cacheTtlMs, (result.retryAfterSeconds ?? 0) * 1000);
  }

  function fromCache(entry: CacheEntry | undefined, count: boolean, now: number) {
    if (!entry || now >= entry.until) return undefined;
    // A counted verify of a known key must reach the portal to be counted there.
    if (count && entry.result.keyId !== undefined) return undefined;
    const { result } = entry;
    if (!result.valid && result.retryAfterSeconds !== undefined)
      return { ...result, retryAfterSeconds: Math.max(1, Math.ceil((entry.until - now) / 1000)) };
    return result;
  }

  async function ask(
    key: string,
    environment: Environment | undefined,
    body: Record<string, unknown>,
  ): Promise<VerifyResult> {
    counts.portalRequests++;
    const result = parseVerifyResult(await transport.post('/v1/keys/verify', body));
    const now = Date.now();
    const ttl = ttlOf(result, now);
    if (ttl > 0) {
      let cached = cache.get(key);
      if (cached === undefined) cache.set(key, (cached = {}));
      cached[slotOf(environment)] = { result, until: now + ttl };
    }
    return result;
  }

  const NO_OPTIONS: VerifyOptions = {};

  /** What the cache (or the format check) answers for this key; `entry` is the entry looked at. */
  function local(
    key: string,
    count: boolean,
    entry: CacheEntry | undefined,
  ): VerifyResult | undefined {
    const cached = fromCache(entry, count, Date.now());
    if (cached) {
      counts.localAnswers++;
      return cached;
    }
    // Checked after the cache (a cached key was checked already), before any request.
    if (checkFormat && !entry && parseKey(key) === null) {
      counts.localAnswers++;
      return { valid: false, code: 'MALFORMED' };
    }
    return undefined;
  }

  function verifyKeyLocally(
    key: string,
    verify: VerifyOptions = NO_OPTIONS,
  ): VerifyResult | undefined {
    if (typeof key !== 'string') return undefined;
    if (verify.environment !== undefined && !ENVIRONMENTS.has(verify.environment)) return undefined;
    return local(key, verify.count !== false, entryOf(key, verify.environment));
  }

  async function verifyKey(key: string, verify: VerifyOptions = {}): Promise<VerifyResult> {
    if (typeof key !== 'string') throw new TypeError('verifyKey: `key` must be a string.');
    if (verify.environment !== undefined && !ENVIRONMENTS.has(verify.environment))
      throw new TypeError('verifyKey: `environment` must be DEVELOPMENT or PRODUCTION.');
    const count = verify.count !== false;
    const { environment } = verify;
    // Entries outlive their use (until evicted): an expired one still says what the key was.
    const entry = entryOf(key, environment);
    const answered = local(key, count, entry);
    if (answered) return answered;
    const body: Record<string, unknown> = { key };
    if (environment) body.environment = environment;
    if (count) return ask(key, environment, body);
    body.count = false;
    // When a cached answer of a key without limits runs out under load, every request in flight
    // would ask at once: they share one request instead. Only for such keys: a key with limits
    // must take one request from them per request (and a key's limits never change).
    const joinable = entry?.result.valid === true && isUnlimited(entry.result);
    const id = joinable ? flightId(key, environment) : '';
    const pending = joinable ? inFlight.get(id) : undefined;
    if (pending) {
      counts.localAnswers++;
      return pending;
    }
    const asking = ask(key, environment, body);
    if (!joinable) return asking;
    inFlight.set(id, asking);
    try {
      return await asking;
    } finally {
      inFlight.delete(id);
    }
  }

  return {
    verifyKey,
    verifyKeyLocally,
    reportUsage(...events) {
      for (let i = 0; i < events.length; i++) reporter.add(events[i]!);
    },
    recordUsage: (keyId, status, latencyMs, at) => reporter.record(keyId, status, latencyMs, at),
    flush: () => reporter.flush(),
    close: () => reporter.close(),
    clearCache(key?: string) {
      // dispose forgets the hot key when it goes.
      if (key === undefined) return cache.clear();
      cache.delete(key);
    },
    stats: () => ({ ...counts, cacheSize: cache.size, usage: reporter.stats() }),
  };
}

const isUnlimited = (result: ValidKey) => result.ratelimit === null && result.monthly === null;

/** The portal's answer checked against the contract, so a wrong answer fails here and not later. */
export function parseVerifyResult(value: unknown): VerifyResult {
  const v = value as Record<string, unknown> | null;
  const bad = () =>
    new PortalError(
      'PORTAL_ERROR',
      'The portal’s answer to /v1/keys/verify is not the contract’s shape.',
      200,
    );
  if (!v || typeof v !== 'object') throw bad();
  if (v.valid === true) {
    if (
      typeof v.keyId !== 'string' ||
      typeof v.teamId !== 'string' ||
      !ENVIRONMENTS.has(v.environment as string)
    )
      throw bad();
    const valid = v as unknown as ValidKey;
    return {
      ...valid,
      expiresAt: valid.expiresAt ?? null,
      ratelimit: valid.ratelimit ?? null,
      monthly: valid.monthly ?? null,
    };
  }
  if (v.valid === false && VERIFY_REFUSAL_CODES.includes(v.code as RefusedKey['code']))
    return v as unknown as RefusedKey;
  throw bad();
}
