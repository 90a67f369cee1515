import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { PortalClient } from './client';
import { PortalError } from './errors';
import {
  MISSING_KEY,
  TWO_KEYS,
  PORTAL_UNAVAILABLE,
  rateLimitHeaders,
  refusalBody,
  refusalOf,
  type Refusal,
} from './refusals';
import type { Environment, Partner } from './types';

declare module 'http' {
  interface IncomingMessage {
    /** Set by @partner-portal/sdk's middleware once the request's key passed. */
    partner?: Partner;
  }
}

export interface AuthOptions {
  /** The environment this service serves: keys of the other one are refused (403). Default: both. */
  environment?: Environment;
  /**
   * DANGEROUS. When the portal cannot be reached (down, 5xx, timeout, token refused), let the
   * request through without `req.partner` instead of answering 503. Any string then passes as a
   * key: use it only for endpoints you would serve to anyone, and check `req.partner` yourself.
   */
  failOpen?: boolean;
  /** Report each keyed request's status and latency to `/v1/usage`. Default true. */
  reportUsage?: boolean;
  /** Called when the portal could not answer a verify (the request got 503, or passed with failOpen). */
  onError?: (error: PortalError) => void;
}

/**
 * The key of a request: `Authorization: Bearer <key>` or `X-API-Key`. Two different keys in one
 * request give `null` (refused, as the gateway does, rather than guessed between).
 */
export function keyFromHeaders(headers: IncomingHttpHeaders): string | null | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '');
  const header = headers['x-api-key'];
  const apiKey = (Array.isArray(header) ? header[0] : header)?.trim() || undefined;
  const bearer = match?.[1];
  if (bearer !== undefined && apiKey !== undefined && bearer !== apiKey) return null;
  return bearer ?? apiKey;
}

/** What to do with a request, decided once for every framework adapter. */
export type Decision =
  | { pass: true; partner: Partner | undefined; headers: Record<string, string>; keyId?: string }
  | { pass: false; refusal: Refusal; keyId?: string };

/** Verifies the request's key (`count: false`) and decides; never throws. */
export async function decide(
  client: PortalClient,
  headers: IncomingHttpHeaders,
  options: AuthOptions,
): Promise<Decision> {
  const key = keyFromHeaders(headers);
  if (key === undefined) return { pass: false, refusal: MISSING_KEY };
  if (key === null) return { pass: false, refusal: TWO_KEYS };
  try {
    const result = await client.verifyKey(key, {
      count: false,
      ...(options.environment ? { environment: options.environment } : {}),
    });
    if (!result.valid) return { pass: false, refusal: refusalOf(result), keyId: result.keyId };
    return {
      pass: true,
      partner: { teamId: result.teamId, keyId: result.keyId, environment: result.environment },
      headers: rateLimitHeaders(result),
      keyId: result.keyId,
    };
  } catch (error) {
    const portalError =
      error instanceof PortalError
        ? error
        : new PortalError('PORTAL_ERROR', String(error), undefined, { cause: error });
    (options.onError ?? defaultOnError)(portalError);
    if (options.failOpen) return { pass: true, partner: undefined, headers: {} };
    return { pass: false, refusal: PORTAL_UNAVAILABLE };
  }
}

const defaultOnError = (error: PortalError) =>
  console.warn(`[@partner-portal/sdk] key check failed, ${error.code}: ${error.message}`);

/** Writes a refusal in the gateway's shape. */
export function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = refusalBody(refusal);
  res.writeHead(refusal.status, {
    ...refusal.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/**
 * Reports the status the client received and the time taken, once the response is done. A client
 * that went away before the end is reported as 499 (nginx's "client closed request").
 */
export function reportWhenDone(
  client: PortalClient,
  res: ServerResponse,
  keyId: string,
  started: number,
): void {
  res.once('close', () => {
    client.reportUsage({
      keyId,
      status: res.writableFinished ? res.statusCode : 499,
      latencyMs: Math.round(performance.now() - started),
      at: Date.now(),
    });
  });
}

export type Next = (error?: unknown) => void;
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

/** `(req, res, next)` middleware for Express, Connect, and plain `node:http` with a `next` of your own. */
export function createMiddleware(client: PortalClient, options: AuthOptions = {}): Middleware {
  const report = options.reportUsage !== false;
  return (req, res, next) => {
    const started = performance.now();
    void decide(client, req.headers, options).then((decision) => {
      if (report && decision.keyId !== undefined)
        reportWhenDone(client, res, decision.keyId, started);
      if (!decision.pass) return sendRefusal(res, decision.refusal);
      for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
      if (decision.partner) req.partner = decision.partner;
      next();
    }, next);
  };
}

export type Handler<Req extends IncomingMessage = IncomingMessage> = (
  req: Req & { partner?: Partner },
  res: ServerResponse,
) => unknown;

/**
 * A `node:http` request listener that runs `handler` only for requests whose key passed:
 * `http.createServer(withPartnerAuth(client, (req, res) => …))`. A handler that throws or
 * rejects before answering gets a 500 in the same JSON shape.
 */
export function createHandler(
  client: PortalClient,
  handler: Handler,
  options: AuthOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const middleware = createMiddleware(client, options);
  const fail = (res: ServerResponse, error: unknown) => {
    console.error('[@partner-portal/sdk] the request handler failed:', error);
    sendRefusal(res, {
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      message: 'Something went wrong on our side. Please try again.',
      headers: {},
    });
  };
  return (req, res) =>
    middleware(req, res, (error) => {
      if (error !== undefined) return fail(res, error);
      try {
        void Promise.resolve(handler(req, res)).catch((e: unknown) => fail(res, e));
      } catch (e) {
        fail(res, e);
      }
    });
}
