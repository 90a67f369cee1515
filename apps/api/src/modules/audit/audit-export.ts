import { performance } from 'node:perf_hooks';
import { Router, type Request, type Response } from 'express';
import type { Principal } from '../../core/auth/principal';
import { AppError, ErrorCode } from '../../core/errors';
import type { Gate } from '../../gate/gate';
import { credentialsOf, sendError, sendRefusal } from '../../gate/respond';
import type { Services } from '../../services';
import type { ExportedAuditEvent } from './audit.service';

/**
 * GET /api/teams/:teamId/audit-log?format=csv|jsonl — the team's whole audit log as a download,
 * oldest first. The caller is authenticated by the gate exactly as for GraphQL (a session token
 * or an API key, metered and limited like any keyed request); whoever may read the team may
 * export its log (members, and the team's own keys); anyone else gets 404. Events are read a
 * page at a time and written with backpressure, so memory stays bounded for any size of log.
 */

export type AuditExportFormat = 'csv' | 'jsonl';

/** The columns, in order (documented in the README). JSON Lines uses the same names as keys. */
export const AUDIT_EXPORT_COLUMNS = [
  'id',
  'createdAt',
  'action',
  'actorType',
  'actorUserId',
  'actorName',
  'actorEmail',
  'actorApiKeyId',
  'targetType',
  'targetId',
  'details',
] as const;

/** Exports running at once: per caller, and in this process (each holds a database reader busy). */
export const EXPORT_CONCURRENCY = { perCaller: 2, perProcess: 8 } as const;

/** A spreadsheet would run a cell starting with one of these as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula-looking text defused with a leading `'`, then RFC 4180 quoting. */
export function csvCell(value: string | null): string {
  if (value === null || value === '') return '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function fields(event: ExportedAuditEvent) {
  return {
    id: event.id,
    createdAt: event.createdAt.toISOString(),
    action: event.action,
    actorType: event.actorUserId ? 'user' : event.actorApiKeyId ? 'api_key' : null,
    actorUserId: event.actorUserId,
    actorName: event.actorName,
    actorEmail: event.actorEmail,
    actorApiKeyId: event.actorApiKeyId,
    targetType: event.targetType,
    targetId: event.targetId,
    details: event.details,
  };
}

export function csvLine(event: ExportedAuditEvent): string {
  const row = fields(event);
  return `${AUDIT_EXPORT_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`;
}

export function jsonLine(event: ExportedAuditEvent): string {
  const row = fields(event);
  let details: unknown = row.details;
  try {
    details = row.details === null ? null : JSON.parse(row.details);
  } catch {
    // Not JSON (never written so): kept as the text it is.
  }
  return `${JSON.stringify({ ...row, details })}\n`;
}

class ClientGone extends Error {}

/** Writes a chunk, waiting for the socket to drain when its buffer is full. */
function write(res: Response, chunk: string): Promise<void> {
  if (res.destroyed) return Promise.reject(new ClientGone());
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const drained = () => {
      res.off('close', closed);
      resolve();
    };
    const closed = () => {
      res.off('drain', drained);
      reject(new ClientGone());
    };
    res.once('drain', drained);
    res.once('close', closed);
  });
}

const callerKey = (principal: Principal): string =>
  principal.kind === 'apiKey' ? `key:${principal.keyId}` : `user:${principal.userId}`;

export function auditExportRoutes(deps: { gate: Gate; services: Services }): Router {
  const { gate, services } = deps;
  const running = new Map<string, number>();
  let total = 0;

  const handler = async (req: Request, res: Response): Promise<void> => {
    const entry = await gate.enter(credentialsOf(req), req.ip ?? 'unknown', performance.now());
    if (entry.ticket) {
      const ticket = entry.ticket;
      res.once('close', () => ticket.finish(res.statusCode));
    }
    res.set(entry.headers);
    if (!entry.ok) return sendRefusal(res, entry);
    const principal = entry.principal;
    if (!principal) return sendError(res, 401, ErrorCode.UNAUTHENTICATED, 'Sign in to do this.');

    const teamId = String(req.params.teamId ?? '');
    try {
      if (teamId.length > 64) throw new AppError(ErrorCode.NOT_FOUND, 'Team not found.');
      await services.access.read({ principal, memo: new Map() }, teamId);
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND)
        return sendError(res, 404, ErrorCode.NOT_FOUND, 'Team not found.');
      throw error;
    }
    const format = req.query.format ?? 'csv';
    if (format !== 'csv' && format !== 'jsonl')
      return sendError(res, 400, ErrorCode.BAD_USER_INPUT, 'Ask for format=csv or format=jsonl.');

    const who = callerKey(principal);
    if (
      (running.get(who) ?? 0) >= EXPORT_CONCURRENCY.perCaller ||
      total >= EXPORT_CONCURRENCY.perProcess
    ) {
      res.setHeader('Retry-After', '10');
      return sendError(
        res,
        429,
        ErrorCode.RATE_LIMITED,
        'Too many exports at once: wait for one to finish.',
        { retryAfterSeconds: 10 },
      );
    }
    running.set(who, (running.get(who) ?? 0) + 1);
    total++;
    try {
      await stream(res, teamId, format);
    } finally {
      total--;
      const left = (running.get(who) ?? 1) - 1;
      if (left > 0) running.set(who, left);
      else running.delete(who);
    }
  };

  async function stream(res: Response, teamId: string, format: AuditExportFormat) {
    const pages = services.audit.exportPages(teamId);
    // The first page is read before the answer starts: a database that does not answer is a 503, not a cut download.
    let next = await pages.next();
    const day = new Date().toISOString().slice(0, 10);
    res.status(200);
    res.setHeader(
      'Content-Type',
      format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    );
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="audit-log-${teamId}-${day}.${format}"`,
    );
    res.setHeader('Cache-Control', 'no-store');
    const line = format === 'csv' ? csvLine : jsonLine;
    try {
      if (format === 'csv') await write(res, `${AUDIT_EXPORT_COLUMNS.join(',')}\r\n`);
      while (!next.done) {
        let chunk = '';
        for (const event of next.value) chunk += line(event);
        await write(res, chunk);
        next = await pages.next();
      }
      res.end();
    } catch (error) {
      await pages.return(undefined);
      if (error instanceof ClientGone) return;
      // Headers are gone: the download ends short, visibly, rather than looking complete.
      res.req.log.error({ err: error }, 'audit export failed');
      res.destroy();
    }
  }

  const router = Router();
  router.get('/:teamId/audit-log', (req, res, next) => {
    handler(req, res).catch(next);
  });
  return router;
}
