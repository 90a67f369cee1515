import { randomUUID } from 'node:crypto';
import type { Live } from './live';

/**
 * A credential or a right that ended. Every process drops what it cached about it and ends the
 * websockets and subscriptions that relied on it (see gate/ws.ts).
 */
export type Revocation =
  /** Revoked, or its expiry / rotation grace changed. */
  | { kind: 'apiKey'; keyId: string }
  /** One session ended (log-out). */
  | { kind: 'session'; sessionId: string }
  /** Every session of a person ended (password reset). */
  | { kind: 'userSessions'; userId: string }
  /** A person is no longer a member of a team (removed, left, offboarded). */
  | { kind: 'membership'; userId: string; teamId: string }
  /** A team was deleted: every membership and key of it ended. */
  | { kind: 'team'; teamId: string };

type Listener = (revocation: Revocation) => void;

const TOPIC = 'revocations';

/**
 * Revocations between processes. Listeners in this process hear a revocation at once (even when
 * Redis is down); other processes hear it through `Live` (Redis pub/sub when configured).
 * `deliver` lets a fallback (polling the database while pub/sub is down) feed the same listeners.
 */
export class Revocations {
  private readonly listeners = new Set<Listener>();
  /** Tells this process's own messages apart when Redis echoes them back. */
  private readonly origin = randomUUID();

  constructor(private readonly live: Live) {
    live.on(TOPIC, (payload) => {
      const message = payload as { origin?: string; revocation?: Revocation } | null;
      if (!message?.revocation || message.origin === this.origin) return;
      this.deliver(message.revocation);
    });
  }

  publish(revocation: Revocation): void {
    this.deliver(revocation);
    this.live.publish(TOPIC, { origin: this.origin, revocation });
  }

  /** Calls the listeners of this process only. */
  deliver(revocation: Revocation): void {
    for (const listener of this.listeners) listener(revocation);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
