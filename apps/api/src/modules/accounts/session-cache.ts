import { LRUCache } from 'lru-cache';
import type { UserPrincipal } from '../../core/auth/principal';
import type { Revocations } from '../../core/revocations';

/** A session token whose signature and claims were verified once (a signature never changes). */
export interface VerifiedToken {
  principal: Readonly<UserPrincipal>;
  /** The token's `exp`, in seconds since the epoch (compared like jose does, on every request). */
  exp: number;
}

/** A session row last seen open: whose it is and when it ends. */
interface OpenSession {
  userId: string;
  expiresAtMs: number;
}

export interface SessionCacheOptions {
  /** How long an open session is trusted without reading its row again. */
  sessionTtlMs?: number;
  /** How long a verified token is kept (only to bound memory: its expiry is checked every time). */
  tokenTtlMs?: number;
  max?: number;
}

/**
 * What `AccountsService.authenticate` learnt, so a session's requests cost neither a signature check
 * nor a database read each. Correct because of the revocations every process hears (Redis, or the
 * database poller while it is down): a logged-out session (`session`) and every session of a
 * person whose password was reset (`userSessions`) are dropped when the revocation arrives, and a
 * read that was in flight meanwhile is not stored. Expiry is never cached: the caller compares the
 * token's and the session's expiry with its clock on every request. Only verified tokens and open
 * sessions are kept, so junk credentials cannot fill it.
 */
export class SessionCache {
  private readonly tokens: LRUCache<string, VerifiedToken>;
  private readonly sessions: LRUCache<string, OpenSession>;
  private readonly sessionTtlMs: number;
  /** Counts the session revocations heard; a read that saw it change is not stored. */
  private generation = 0;

  constructor(revocations: Revocations, options: SessionCacheOptions = {}) {
    const max = options.max ?? 10_000;
    this.sessionTtlMs = options.sessionTtlMs ?? 30_000;
    this.tokens = new LRUCache({ max, ttl: options.tokenTtlMs ?? 60_000 });
    this.sessions = new LRUCache({ max, ttl: this.sessionTtlMs });
    // Registered when the service is made, before the websocket gate's listener, so a credential
    // re-checked on a revocation is never answered from what the revocation ended.
    revocations.on((revocation) => {
      if (revocation.kind === 'session') {
        this.generation++;
        this.sessions.delete(revocation.sessionId);
      } else if (revocation.kind === 'userSessions') {
        this.generation++;
        const ended: string[] = [];
        for (const [sessionId, session] of this.sessions.entries())
          if (session.userId === revocation.userId) ended.push(sessionId);
        for (const sessionId of ended) this.sessions.delete(sessionId);
      }
    });
  }

  token(token: string): VerifiedToken | undefined {
    return this.tokens.get(token);
  }

  rememberToken(token: string, verified: VerifiedToken): void {
    this.tokens.set(token, verified);
  }

  /** The session as last seen open, if it is still trusted. */
  openSession(sessionId: string): OpenSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** Taken before reading a session row; `rememberOpen` stores the row only if nothing ended since. */
  get mark(): number {
    return this.generation;
  }

  rememberOpen(sessionId: string, session: OpenSession, mark: number, nowMs: number): void {
    if (mark !== this.generation) return;
    const ttl = Math.min(this.sessionTtlMs, session.expiresAtMs - nowMs);
    if (ttl <= 0) return;
    this.sessions.set(sessionId, session, { ttl });
  }
}
