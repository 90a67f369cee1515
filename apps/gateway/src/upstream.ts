import type { IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'undici';

export type ForwardFailure =
  /** Nothing answered: refused, reset before the headers, unknown host. → 502 */
  | 'unreachable'
  /** No connection or no response headers within UPSTREAM_TIMEOUT_MS. → 504 */
  | 'timeout'
  /** The client went away (or sent less body than it announced) before the answer. */
  | 'client-gone';

export interface ForwardRequest {
  method: string;
  /** Path and query as the client sent them (origin-form). */
  path: string;
  headers: string[];
  /** The client's request, streamed to the upstream; undefined when it has no body. */
  body: IncomingMessage | undefined;
  signal: AbortSignal;
  /** Writes the status and headers for the client; the body follows into the same response. */
  onResponse(statusCode: number, headers: Record<string, string | string[] | undefined>): void;
}

/**
 * One upstream (the provider's API or its sandbox): a pool of keep-alive connections to its
 * origin, with its base path put in front of every forwarded path. Bodies are streamed both ways
 * by undici, never buffered.
 */
export class Upstream {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    readonly url: URL,
    options: { timeoutMs: number; connections: number | null },
  ) {
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      // Waiting for the answer's headers, and silence while a body flows either way (each chunk
      // written or read restarts it): the "slow upstream" bound.
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: Math.min(options.timeoutMs, 10_000),
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
    });
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  /**
   * Forwards one request and streams the answer into `res`. Resolves once the answer is written
   * whole; rejects with a ForwardError (before the answer started: the caller answers 502/504; after:
   * the client's connection has been cut, as a proxy cannot change a status already sent).
   */
  async forward(request: ForwardRequest, res: ServerResponse): Promise<void> {
    try {
      await this.pool.stream(
        {
          path: this.basePath + request.path,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          signal: request.signal,
        },
        ({ statusCode, headers }) => {
          request.onResponse(statusCode, headers);
          return res;
        },
      );
    } catch (error) {
      throw new ForwardError(classify(error, request.signal), error);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}

export class ForwardError extends Error {
  constructor(
    readonly failure: ForwardFailure,
    override readonly cause: unknown,
  ) {
    super(`upstream ${failure}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ForwardError';
  }
}

const TIMEOUTS = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

function classify(error: unknown, signal: AbortSignal): ForwardFailure {
  if (signal.aborted) return 'client-gone';
  const code = (error as { code?: string }).code ?? '';
  if (TIMEOUTS.has(code)) return 'timeout';
  // The client's body ended early or broke off: the upstream did nothing wrong.
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH' || code === 'ECONNABORTED')
    return 'client-gone';
  if ((error as Error).message === 'aborted') return 'client-gone';
  return 'unreachable';
}
