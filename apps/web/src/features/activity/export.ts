import { authorizationHeader, getToken } from '../../apollo/token-storage';

export type AuditExportFormat = 'csv' | 'jsonl';

export const EXPORT_FORMATS: Record<AuditExportFormat, { label: string; type: string }> = {
  csv: { label: 'CSV', type: 'text/csv' },
  jsonl: { label: 'JSON Lines', type: 'application/x-ndjson' },
};

/** An export that did not finish, with a message fit to show. */
export class AuditExportError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AuditExportError';
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function waitText(header: string | null): string {
  const seconds = Number(header);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'in a moment';
  return seconds < 60
    ? `in ${Math.ceil(seconds)} seconds`
    : `in ${Math.ceil(seconds / 60)} minutes`;
}

/** What a refused export says, from its status and (when it is JSON) the server's message. */
async function refusal(res: Response): Promise<AuditExportError> {
  let serverMessage = '';
  try {
    const body = (await res.json()) as {
      message?: unknown;
      error?: unknown;
      errors?: { message?: unknown }[];
    };
    const candidate =
      (typeof body.error === 'object' && body.error !== null
        ? (body.error as { message?: unknown }).message
        : body.error) ??
      body.message ??
      body.errors?.[0]?.message;
    if (typeof candidate === 'string') serverMessage = candidate;
  } catch {
    // not JSON: the status says enough
  }
  switch (res.status) {
    case 401:
      return new AuditExportError(
        'Your session has ended. Log in again, then retry the export.',
        401,
      );
    case 403:
      return new AuditExportError(
        serverMessage || 'Your role in this team does not allow exporting its activity.',
        403,
      );
    case 404:
      return new AuditExportError('Team not found, or you are no longer a member of it.', 404);
    case 429:
      return new AuditExportError(
        `${serverMessage || 'Too many exports just now.'} Try again ${waitText(res.headers.get('retry-after'))}.`,
        429,
      );
    default:
      return new AuditExportError(
        res.status >= 500 || !serverMessage
          ? `The export failed on our side (HTTP ${res.status}). Please try again.`
          : serverMessage,
        res.status,
      );
  }
}

/** The file name the server suggests, or one made up from the team and today's date. */
function fileNameOf(res: Response, teamId: string, format: AuditExportFormat): string {
  const disposition = res.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const suggested = match?.[1] ? decodeURIComponent(match[1]).replace(/[\\/]/g, '_') : '';
  if (suggested) return suggested;
  return `audit-log-${teamId}-${new Date().toISOString().slice(0, 10)}.${format}`;
}

/**
 * Streams the team's whole audit log from `GET /api/teams/:teamId/audit-log` with the session's
 * bearer token, reporting the bytes received as they arrive, and returns it as a file.
 */
export async function fetchAuditExport(
  teamId: string,
  format: AuditExportFormat,
  onProgress: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<{ blob: Blob; fileName: string; bytes: number }> {
  const authorization = authorizationHeader(getToken());
  if (!authorization) throw new AuditExportError('You are signed out. Log in to export.', 401);
  let res: Response;
  try {
    res = await fetch(`/api/teams/${encodeURIComponent(teamId)}/audit-log?format=${format}`, {
      headers: { authorization },
      signal,
      cache: 'no-store',
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new AuditExportError(
      'We could not reach the Partner Portal. Check your connection and try again.',
    );
  }
  if (!res.ok) throw await refusal(res);
  if (!res.body) throw new AuditExportError('Your browser cannot read downloads as they arrive.');

  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  onProgress(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.byteLength;
      onProgress(bytes);
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new AuditExportError(
      `The download stopped after ${formatBytes(bytes)}: the connection was lost. Please try again.`,
    );
  }
  return {
    blob: new Blob(chunks as BlobPart[], { type: EXPORT_FORMATS[format].type }),
    fileName: fileNameOf(res, teamId, format),
    bytes,
  };
}

/** Hands a file to the browser's downloads (a temporary object URL and <a download>). */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = 'noopener';
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // Give the browser time to start reading the URL before it is released.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
