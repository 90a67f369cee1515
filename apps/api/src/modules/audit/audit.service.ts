import { In, type EntityManager } from 'typeorm';
import type { Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { AppError } from '../../core/errors';
import { newId } from '../../core/secrets';
import { User } from '../accounts/user.entity';
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
  | 'api_key.compromised'
  | 'api_key.secret_stored'
  | 'team.guidelines_updated'
  | 'team.access_reviewed'
  | 'api_key.kept_on_offboarding'
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
/** Events read per query by the export: its memory stays about one page, whatever the log's size. */
export const AUDIT_EXPORT_PAGE = 1_000;

/** One event as the export writes it: the actor named as they are now (null once deleted). */
export interface ExportedAuditEvent {
  id: string;
  createdAt: Date;
  action: string;
  actorUserId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  actorApiKeyId: string | null;
  targetType: string | null;
  targetId: string | null;
  details: string | null;
}

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

  /** The team's latest event of one kind (e.g. the last completed access review), or null. */
  latest(teamId: string, action: AuditAction): Promise<AuditEvent | null> {
    return this.db
      .repository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.teamId = :teamId AND e.action = :action', { teamId, action })
      .orderBy('e.seq', 'DESC')
      .limit(1)
      .getOne();
  }

  /**
   * The team's whole log, oldest first, one page at a time (keyset on the insertion order): the
   * events that existed when it started, however long the reader takes.
   */
  async *exportPages(
    teamId: string,
    pageSize = AUDIT_EXPORT_PAGE,
  ): AsyncGenerator<ExportedAuditEvent[]> {
    const repository = this.db.repository(AuditEvent);
    const top = await repository
      .createQueryBuilder('e')
      .select('MAX(e.seq)', 'last')
      .where('e.teamId = :teamId', { teamId })
      .getRawOne<{ last: number | string | null }>();
    const last = Number(top?.last ?? 0);
    let after = 0;
    while (last > 0 && after < last) {
      const rows = await repository
        .createQueryBuilder('e')
        .where('e.teamId = :teamId AND e.seq > :after AND e.seq <= :last', { teamId, after, last })
        .orderBy('e.seq', 'ASC')
        .limit(pageSize)
        .getMany();
      if (rows.length === 0) return;
      after = Number(rows[rows.length - 1]!.seq);
      const actorIds = [...new Set(rows.flatMap((r) => (r.actorUserId ? [r.actorUserId] : [])))];
      const actors = new Map(
        actorIds.length === 0
          ? []
          : (
              await this.db.repository(User).find({
                where: { id: In(actorIds) },
                select: { id: true, name: true, email: true },
              })
            ).map((u) => [u.id, u] as const),
      );
      yield rows.map((e) => {
        const actor = e.actorUserId ? actors.get(e.actorUserId) : undefined;
        return {
          id: e.id,
          createdAt: e.createdAt,
          action: e.action,
          actorUserId: e.actorUserId,
          actorName: actor?.name ?? null,
          actorEmail: actor?.email ?? null,
          actorApiKeyId: e.actorApiKeyId,
          targetType: e.targetType,
          targetId: e.targetId,
          details: e.details,
        };
      });
      if (rows.length < pageSize) return;
    }
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
