import type { KeyEnvironment } from './format';

/** Where "now" comes from, so tests (and expiry checks) can move time. */
export interface Clock {
  now(): Date;
  /** now() in milliseconds, where the clock can say it without making a Date (the hot path's). */
  nowMs?(): number;
}

export const systemClock: Clock = { now: () => new Date(), nowMs: Date.now };

/** The part of a logger the core writes to (pino's Logger fits). */
export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** What the verifier needs to know about a key: never its secret (only the hash is stored). */
export interface KeyRecord {
  id: string;
  teamId: string;
  environment: KeyEnvironment;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** null: no limit. */
  rateLimitPerMinute: number | null;
  monthlyRequestLimit: number | null;
}

/** Port: where keys are looked up (the portal's database; see SqlKeyStore). */
export interface KeyStore {
  /** The key whose secret hashes (SHA-256, hex) to this, or null. */
  findByHash(hash: string): Promise<KeyRecord | null>;
  /** The team of each key id that belongs to a live (not deleted) team; others are left out. */
  teamsOf(keyIds: readonly string[]): Promise<Map<string, string>>;
  /** Keys revoked at or after an instant, for polling while pub/sub is down. */
  revokedSince(since: Date): Promise<Array<{ id: string; revokedAt: Date }>>;
  /** Moves each key's last use forward (never back). */
  writeLastUsed(uses: ReadonlyArray<readonly [keyId: string, at: Date]>): Promise<void>;
}

/** One aggregated usage cell: requests of one key in one minute with one HTTP status. */
export interface UsageCell {
  apiKeyId: string;
  teamId: string;
  /** Whole minutes since the epoch. */
  minute: number;
  status: number;
  requests: number;
  errors: number;
  latencyMs: number;
}

/** Port: where usage counts are written (the portal's rollups; see SqlUsageWriter). */
export interface UsageWriter {
  /** Adds the cells to the per-minute and per-hour rollups. */
  add(cells: UsageCell[]): Promise<void>;
  /** Deletes minute rows older than a minute; only the portal prunes. */
  pruneMinutes?(before: number): Promise<number>;
}

/** Port: what was already counted for a key, so a month's limit survives restarts. */
export interface UsageCounts {
  requestsSince(apiKeyId: string, minute: number): Promise<number>;
}

/** Port: ended keys, heard from other processes (Redis pub/sub, polling, or in-process). */
export interface Invalidation {
  /** Calls the listener for each ended key (or every key of a deleted team); returns an unsubscribe. */
  subscribe(listener: (ended: { keyId: string } | { teamId: string }) => void): () => void;
}

/**
 * Port: a limit on unknown keys per client address (seconds to wait, 0 when allowed). `hit`
 * counts one unknown key; `blockedFor` only reads.
 */
export interface UnknownKeyLimiter {
  blockedFor(address: string): Promise<number>;
  hit(address: string): Promise<number>;
}

/**
 * Port: requests refused because their key was revoked (someone still trying a compromised key).
 * Called on the REVOKED outcome only, never for a valid key; must not block (batch, write later).
 * See SqlRefusalSink.
 */
export interface RefusalSink {
  /** One refused request of a revoked key, from the client's address when it is known. */
  refused(keyId: string, address: string | undefined, at: Date): void;
}
