import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
// Node's global `performance` is a getter run on every use; the module's binding is not.
import { performance } from 'node:perf_hooks';
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
import type { Environment, Partner, VerifyOptions, VerifyResult } from './types';

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
  return keyFrom(headers.authorization, headers['x-api-key']);
}

/**
 * The key of `Authorization: Bearer <key>`. The usual spelling (`Bearer`, one space, a key of
 * printable ASCII) is read without the regular expression, which cost a match array and a
 * capture per request; anything else goes through it and gets the same answer.
 */
function bearerOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  // A busy key's requests follow one another: the same header gives the very same key string,
  // which the client's cache then recognises by identity instead of comparing a new slice of it.
  if (authorization === lastAuthorization) return lastBearer;
  lastAuthorization = authorization;
  return (lastBearer = parseBearer(authorization));
}

let lastAuthorization: string | undefined;
let lastBearer: string | undefined;

function parseBearer(authorization: string): string | undefined {
  const n = authorization.length;
  if (n > 7 && authorization.charCodeAt(6) === 32 && authorization.startsWith('Bearer')) {
    let i = 7;
    for (; i < n; i++) {
      const c = authorization.charCodeAt(i);
      if (c <= 32 || c >= 127) break;
    }
    if (i === n) return authorization.slice(7);
  }
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];
}

function keyFrom(
  authorization: string | undefined,
  header: string | string[] | undefined,
): string | null | undefined {
  const apiKey =
    header === undefined
      ? undefined
      : (Array.isArray(header) ? header[0] : header)?.trim() || undefined;
  const bearer = bearerOf(authorization);
  if (bearer !== undefined && apiKey !== undefined && bearer !== apiKey) return null;
  return bearer ?? apiKey;
}

/** A header name in its usual spellings without making a lower-case copy, any other by one. */
const isName = (name: string, usual: string, lower: string) =>
  name === usual || name === lower || name.toLowerCase() === lower;

/**
 * The key of a node:http request, read from its raw header list as `keyFromHeaders` reads
 * `req.headers` (the first Authorization, every X-API-Key joined as Node joins them), without
 * making Node build `req.headers` for a handler that may never look at it.
 */
function keyOfRequest(req: IncomingMessage): string | null | undefined {
  const raw = req.rawHeaders;
  let authorization: string | undefined;
  let apiKey: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && isName(name, 'Authorization', 'authorization'))
      authorization ??= raw[i + 1];
    else if (name.length === 9 && isName(name, 'X-API-Key', 'x-api-key'))
      apiKey = apiKey === undefined ? raw[i + 1] : `${apiKey}, ${raw[i + 1]}`;
  }
  return keyFrom(authorization, apiKey);
}

/** What to do with a request, decided once for every framework adapter. */
export type Decision =
  | { pass: true; partner: Partner | undefined; headers: Record<string, string>; keyId?: string }
  | { pass: false; refusal: Refusal; keyId?: string };

const NO_HEADERS: Record<string, string> = Object.freeze({});

/** The decision for an answer of the portal (or of the client's cache). */
function decisionOf(result: VerifyResult): Decision {
  if (!result.valid) return { pass: false, refusal: refusalOf(result), keyId: result.keyId };
  return {
    pass: true,
    partner: { teamId: result.teamId, keyId: result.keyId, environment: result.environment },
    // A cached answer is of a key without limits: no RateLimit-* headers to build.
    headers: result.ratelimit || result.monthly ? rateLimitHeaders(result) : NO_HEADERS,
    keyId: result.keyId,
  };
}

/** The verify options every request of one middleware uses, made once. */
function verifyOptionsOf(options: AuthOptions): VerifyOptions {
  return options.environment
    ? { count: false, environment: options.environment }
    : { count: false };
}

/**
 * Decides synchronously when the client can answer without the portal (a warm key, a missing or
 * malformed one): the hot path then costs no promise and no turn of the event loop. Otherwise a
 * promise of the decision; never rejects.
 */
function decideNow(
  client: PortalClient,
  key: string | null | undefined,
  known: VerifyResult | undefined,
  options: AuthOptions,
  verify: VerifyOptions,
): Decision | Promise<Decision> {
  if (key === undefined) return { pass: false, refusal: MISSING_KEY };
  if (key === null) return { pass: false, refusal: TWO_KEYS };
  if (known !== undefined) return decisionOf(known);
  return client.verifyKey(key, verify).then(decisionOf, (error: unknown) => {
    const portalError =
      error instanceof PortalError
        ? error
        : new PortalError('PORTAL_ERROR', String(error), undefined, { cause: error });
    (options.onError ?? defaultOnError)(portalError);
    if (options.failOpen) return { pass: true, partner: undefined, headers: NO_HEADERS };
    return { pass: false, refusal: PORTAL_UNAVAILABLE };
  });
}

/** Verifies the request's key (`count: false`) and decides; never throws. */
export async function decide(
  client: PortalClient,
  headers: IncomingHttpHeaders,
  options: AuthOptions,
): Promise<Decision> {
  const key = keyFromHeaders(headers);
  const verify = verifyOptionsOf(options);
  return decideNow(client, key, knownOf(client, key, verify), options, verify);
}

/** The answer the client has for the request's key without asking the portal, if any. */
function knownOf(
  client: PortalClient,
  key: string | null | undefined,
  verify: VerifyOptions,
): VerifyResult | undefined {
  return typeof key === 'string' ? client.verifyKeyLocally(key, verify) : undefined;
}

/**
 * A warm key (a cached answer, so a key without limits) passes without a Decision: the partner
 * attached, the report set up, nothing else to write. The same as admit() does for its decision.
 */
function passWarm(
  client: PortalClient,
  report: boolean,
  req: IncomingMessage,
  res: ServerResponse,
  known: VerifyResult | undefined,
  started: number,
): boolean {
  if (known === undefined || !known.valid || known.ratelimit !== null || known.monthly !== null)
    return false;
  if (report) reportWhenDone(client, res, known.keyId, started);
  req.partner = { teamId: known.teamId, keyId: known.keyId, environment: known.environment };
  return true;
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
 * that went away before the end is reported as 499 (nginx's "client closed request"). The event
 * joins the client's buffer (sent in batches by its timer).
 *
 * One plain closure per response: an earlier version kept the report on the response under a
 * symbol, which gave every response of the process (a server without the middleware too) another
 * hidden class to go through Node's http internals with.
 */
export function reportWhenDone(
  client: PortalClient,
  res: ServerResponse,
  keyId: string,
  started: number,
): void {
  res.on('close', () => {
    const now = performance.now();
    client.recordUsage(
      keyId,
      res.writableFinished ? res.statusCode : 499,
      Math.round(now - started),
      wallClockAt(now),
    );
  });
}

/** Wall-clock ms = wallOffset + performance.now(); checked against Date.now() once a second. */
let wallOffset = performance.timeOrigin;
let wallCheckedAt = -Infinity;

/**
 * `Date.now()` at the moment `now` (a performance.now() reading) without calling it: the profile
 * showed a report's two clock readings per request (Date.now() alone ~0.15 µs here). Once a second
 * the offset is compared with Date.now() and moved when they name different milliseconds (the
 * wall clock stepped or the clocks drifted), so `at` stays within a millisecond of Date.now()
 * (between two checks the clocks can drift apart by a fraction of one).
 */
export function wallClockAt(now: number): number {
  if (now - wallCheckedAt >= 1000) {
    wallCheckedAt = now;
    const wall = Date.now();
    const derived = wallOffset + now;
    // Date.now() is floored: the true time lies in [wall, wall + 1); anchor in its middle.
    if (!(derived >= wall && derived < wall + 1)) wallOffset = wall + 0.5 - now;
  }
  return Math.floor(wallOffset + now);
}

export type Next = (error?: unknown) => void;
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

/** Applies a decision to the request and response; true when the request goes on. */
function admit(
  client: PortalClient,
  report: boolean,
  req: IncomingMessage,
  res: ServerResponse,
  decision: Decision,
  started: number,
): boolean {
  if (report && decision.keyId !== undefined) reportWhenDone(client, res, decision.keyId, started);
  if (!decision.pass) {
    sendRefusal(res, decision.refusal);
    return false;
  }
  if (decision.headers !== NO_HEADERS)
    for (const name in decision.headers) res.setHeader(name, decision.headers[name]!);
  if (decision.partner) req.partner = decision.partner;
  return true;
}

/** `(req, res, next)` middleware for Express, Connect, and plain `node:http` with a `next` of your own. */
export function createMiddleware(client: PortalClient, options: AuthOptions = {}): Middleware {
  const report = options.reportUsage !== false;
  const verify = verifyOptionsOf(options);
  return (req, res, next) => {
    const started = performance.now();
    const key = keyOfRequest(req);
    const known = knownOf(client, key, verify);
    if (passWarm(client, report, req, res, known, started)) return next();
    const decision = decideNow(client, key, known, options, verify);
    if (!(decision instanceof Promise)) {
      if (admit(client, report, req, res, decision, started)) next();
      return;
    }
    decision.then((d) => {
      if (admit(client, report, req, res, d, started)) next();
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
  const report = options.reportUsage !== false;
  const verify = verifyOptionsOf(options);
  const fail = (res: ServerResponse, error: unknown) => {
    console.error('[@partner-portal/sdk] the request handler failed:', error);
    sendRefusal(res, {
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      message: 'Something went wrong on our side. Please try again.',
      headers: {},
    });
  };
  const run = (req: IncomingMessage, res: ServerResponse) => {
    try {
      const result = handler(req, res) as PromiseLike<unknown> | undefined;
      // Only a handler that returns a promise pays for a rejection handler.
      if (result !== null && typeof result?.then === 'function')
        result.then(undefined, (e: unknown) => fail(res, e));
    } catch (e) {
      fail(res, e);
    }
  };
  return (req, res) => {
    const started = performance.now();
    const key = keyOfRequest(req);
    const known = knownOf(client, key, verify);
    if (passWarm(client, report, req, res, known, started)) return run(req, res);
    const decision = decideNow(client, key, known, options, verify);
    if (!(decision instanceof Promise)) {
      if (admit(client, report, req, res, decision, started)) run(req, res);
      return;
    }
    decision.then(
      (d) => {
        if (admit(client, report, req, res, d, started)) run(req, res);
      },
      (e: unknown) => fail(res, e),
    );
  };
}
