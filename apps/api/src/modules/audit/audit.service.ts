import { type EntityManager } from 'typeorm';
import type { Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { AppError } from '../../core/errors';
import { newId } from '../../core/secrets';
import { AuditEvent } from './audit-event.entity';

export type AuditAction =
  | 'team.created'
  | 'team.updated'
  | 'team.deleted'
  | 'member.invited'
  | 'invitation.resent'
  | 'invitation.revoked'
  | 'member.joined'
  | 'member.role_changed'
  | 'member.removed'
  | 'member.left'
  | 'api_key.created'
  | 'api_key.rotated'
  | 'api_key.revoked'
  | 'usage_alert.created'
  | 'usage_alert.deleted';

export interface AuditEntry {
  teamId: string;
  actorUserId: string | null;
  action: AuditAction;
  targetType?: 'team' | 'membership' | 'invitation' | 'api_key' | 'usage_alert';
  targetId?: string;
  details?: Record<string, unknown>;
}

export const AUDIT_PAGE_MAX = 100;

const encodeCursor = (seq: number): string => Buffer.from(`a:${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^a:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw AppError.badInput('after', 'This cursor is not valid.');
  return Number(match[1]);
}

/** The audit trail: written inside the caller's transaction, read newest first with cursors. */
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.insert(AuditEvent, {
      id: newId(),
      teamId: entry.teamId,
      actorUserId: entry.actorUserId,
      actorApiKeyId: null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
      createdAt: this.clock.now(),
    });
  }

  async page(
    teamId: string,
    options: { first: number; after?: string | null; actorId?: string | null },
  ) {
    const { first } = options;
    if (!Number.isInteger(first) || first < 1 || first > AUDIT_PAGE_MAX) {
      throw AppError.badInput('first', `Ask for 1 to ${AUDIT_PAGE_MAX} events at a time.`);
    }
    const query = this.db
      .repository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.teamId = :teamId', { teamId })
      .orderBy('e.seq', 'DESC')
      .take(first + 1);
    if (options.after) query.andWhere('e.seq < :seq', { seq: decodeCursor(options.after) });
    if (options.actorId) query.andWhere('e.actorUserId = :actorId', { actorId: options.actorId });
    const rows = await query.getMany();
    const events = rows.slice(0, first);
    return {
      edges: events.map((node) => ({ cursor: encodeCursor(Number(node.seq)), node })),
      pageInfo: {
        hasNextPage: rows.length > first,
        endCursor: events.length ? encodeCursor(Number(events[events.length - 1]!.seq)) : null,
      },
    };
  }
}
