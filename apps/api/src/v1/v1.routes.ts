import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Clock } from '../core/clock';
import { serviceTokenChecker } from '../core/auth/service-tokens';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../core/errors';
import type { Services } from '../services';
import { statusOf, type KeyRecord, type Verification } from '@partner-portal/keys';
import { parseUsageEvents, parseVerifyBody, type UsageEvent } from './v1.inputs';

/**
 * The provider's own services ask here whether a partner key is good (`POST /v1/keys/verify`) and
 * report what they served with keys (`POST /v1/usage`); shared/contract/README.md, "Keys at work
 * on the provider's own API". Machine to machine and called once per partner request, so it runs
 * on the fast path: mounted before the request log and the GraphQL stack, small JSON bodies, no
 * Apollo. Its answers are JSON `{"error": {"code", "message"}}` like the gateway's refusals.
 *
 * Not in the request log: one line per partner request would double the log of a busy provider
 * and say nothing the usage rollups do not; refused service tokens and failures are logged here.
 */
export interface V1Deps {
  config: Config;
  services: Services;
  clock: Clock;
  logger: Logger;
}

/** Verify bodies are one key and two flags; usage bodies at most 1,000 small events. */
export const VERIFY_BODY_BYTES = 4 * 1024;
export const USAGE_BODY_BYTES = 256 * 1024;
const VERIFY_BODY_LIMIT = VERIFY_BODY_BYTES;
const USAGE_BODY_LIMIT = USAGE_BODY_BYTES;

export function v1Routes(deps: V1Deps): Router {
  const router = express.Router();
  if (deps.config.serviceTokens.length === 0) {
    router.use((_req, res) => reply(res, 404, error('NOT_FOUND', 'Not found.')));
    return router;
  }
  router.use(requireServiceToken(deps));
  router.post('/keys/verify', json(VERIFY_BODY_LIMIT), verify(deps));
  router.post('/usage', json(USAGE_BODY_LIMIT), usage(deps));
  router.all(['/keys/verify', '/usage'], (_req, res) => {
    res.setHeader('Allow', 'POST');
    reply(res, 405, error('BAD_USER_INPUT', 'Use POST with a JSON body.'));
  });
  router.use((_req, res) => reply(res, 404, error('NOT_FOUND', 'Not found.')));
  router.use(errors(deps.logger));
  return router;
}

/** `Authorization: Bearer <service token>` (core/auth/service-tokens.ts, shared with GET /metrics). */
function requireServiceToken({ config, logger }: V1Deps): RequestHandler {
  const check = serviceTokenChecker(config.serviceTokens);
  return (req, res, next) => {
    const presented = check(req.headers.authorization);
    if (presented === 'valid') return next();
    logger.warn(
      {
        path: req.path,
        remoteAddress: req.socket.remoteAddress,
        presented: presented !== 'missing',
      },
      'v1: refused a request without a valid service token',
    );
    res.setHeader('WWW-Authenticate', 'Bearer');
    reply(
      res,
      401,
      error(
        'UNAUTHENTICATED',
        presented === 'invalid'
          ? 'This service token is not valid.'
          : 'Send a service token: Authorization: Bearer <token>.',
      ),
    );
  };
}

function json(limit: number): RequestHandler[] {
  return [
    (req, res, next) => {
      if (req.is('application/json')) return next();
      reply(
        res,
        400,
        error('BAD_USER_INPUT', 'Send a JSON body (Content-Type: application/json).'),
      );
    },
    express.json({ limit, strict: true }),
  ];
}

/** A /v1/ answer: its status and its JSON body, already serialised. */
export interface V1Answer {
  status: number;
  json: string;
}

const answered = (status: number, body: unknown): V1Answer => ({
  status,
  json: JSON.stringify(body),
});

/**
 * One verification: takes a request from the key's limits and, unless `count: false`, counts it.
 * Synchronous for a warm key whose limits are counted in this process (the core's verifyNow).
 * Shared by the Express route and the fast listener (v1.fast.ts).
 */
export function answerVerify(
  services: Services,
  raw: unknown,
  startedAt: number,
  /** The requester's address, asked only when a revoked key is refused (counted on its incident). */
  origin?: () => string | undefined,
): V1Answer | Promise<V1Answer> {
  const body = parseVerifyBody(raw);
  if (!body.ok) return answered(400, error('BAD_USER_INPUT', body.message));
  const { key: secret, environment, count } = body.value;
  const verifier = services.apiKeyAuth.verifier;
  // No client address: the caller is a service asking for its clients, so the unknown-key limit
  // per address does not apply (the negative cache still keeps repeats off the database).
  const outcome = verifier.verifyNow(secret, environment ? { environment, origin } : { origin });
  const answer = (o: Verification): V1Answer => {
    if (o.key && count) verifier.count(o.key, statusOf(o), performance.now() - startedAt);
    return { status: 200, json: verifyAnswerJson(o) };
  };
  return outcome instanceof Promise ? outcome.then(answer) : answer(outcome);
}

function verify({ services }: V1Deps): RequestHandler {
  return (req, res, next) => {
    const answer = answerVerify(services, req.body, performance.now(), () => req.ip);
    if (answer instanceof Promise) answer.then((a) => send(res, a.status, a.json)).catch(next);
    else send(res, answer.status, answer.json);
  };
}

/** The contract's answer for an outcome of the core. */
export function verifyAnswer(outcome: Verification): Record<string, unknown> {
  if (outcome.valid) {
    const { key, limits } = outcome;
    return {
      valid: true,
      keyId: key.id,
      teamId: key.teamId,
      environment: key.environment,
      expiresAt: key.expiresAt?.toISOString() ?? null,
      ratelimit: limits.perMinute,
      monthly: limits.monthly
        ? { limit: limits.monthly.limit, remaining: limits.monthly.remaining }
        : null,
    };
  }
  return {
    valid: false,
    code: outcome.code,
    ...(outcome.key ? { keyId: outcome.key.id, teamId: outcome.key.teamId } : {}),
    ...('retryAfterSeconds' in outcome ? { retryAfterSeconds: outcome.retryAfterSeconds } : {}),
  };
}

/**
 * verifyAnswer's JSON, byte for byte, without serialising the whole object on every request: a
 * valid key's answer is the same text up to its limits (keyId, teamId, environment, expiresAt),
 * kept per cached key record (the verifier's records are frozen and replaced, never changed), and
 * the limits' integers are written into it. Refusals, rarer, are serialised as they are.
 */
export function verifyAnswerJson(outcome: Verification): string {
  if (!outcome.valid) return JSON.stringify(verifyAnswer(outcome));
  const { key, limits } = outcome;
  let head = validHeads.get(key);
  if (head === undefined) {
    head = `{"valid":true,"keyId":${JSON.stringify(key.id)},"teamId":${JSON.stringify(key.teamId)},"environment":${JSON.stringify(key.environment)},"expiresAt":${JSON.stringify(key.expiresAt?.toISOString() ?? null)},"ratelimit":`;
    validHeads.set(key, head);
  }
  const minute = limits.perMinute;
  const monthly = limits.monthly;
  return `${head}${
    minute
      ? `{"limit":${number(minute.limit)},"remaining":${number(minute.remaining)},"resetSeconds":${number(minute.resetSeconds)}}`
      : 'null'
  },"monthly":${
    monthly ? `{"limit":${number(monthly.limit)},"remaining":${number(monthly.remaining)}}` : 'null'
  }}`;
}

const validHeads = new WeakMap<KeyRecord, string>();

/** A number as JSON.stringify writes it (finite numbers as String does; others as null). */
const number = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/** Requests the provider served itself with a key, counted like the portal's own. */
export function answerUsage(
  services: Services,
  raw: unknown,
  now: Date,
): V1Answer | Promise<V1Answer> {
  const parsed = parseUsageEvents(raw, now);
  if (!parsed.ok) return answered(400, error('BAD_USER_INPUT', parsed.message));
  const { runs, keyIds, rejected } = parsed.value;
  return services.apiKeyAuth.teamsOf(keyIds).then((teams) => {
    let accepted = 0;
    for (const { index, events, requests, event } of runs) {
      const teamId = teams.get(event.keyId);
      if (!teamId) {
        for (let i = index; i < index + events; i++)
          rejected.push({ index: i, reason: 'No key with this id belongs to a team.' });
        continue;
      }
      record(services, teamId, event, requests);
      accepted += requests;
    }
    rejected.sort((a, b) => a.index - b.index);
    return answered(200, { accepted, rejected });
  });
}

function usage({ services, clock }: V1Deps): RequestHandler {
  return (req, res, next) => {
    const answer = answerUsage(services, req.body, clock.now());
    if (answer instanceof Promise) answer.then((a) => send(res, a.status, a.json)).catch(next);
    else send(res, answer.status, answer.json);
  };
}

/** `times` requests of one reported event. */
function record(services: Services, teamId: string, event: UsageEvent, times: number): void {
  services.usageRecorder.record(
    {
      apiKeyId: event.keyId,
      teamId,
      status: event.status,
      failed: event.status >= 400,
      latencyMs: event.latencyMs ?? 0,
      ...(event.at ? { at: event.at } : {}),
    },
    times,
  );
}

export const error = (code: string, message: string) => ({ error: { code, message } });

/** Written directly: Express's res.json would also hash every body for an ETag nobody asks for. */
export function reply(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body));
}

/** An answer whose JSON is already written (reply's headers). */
export function send(res: ServerResponse, status: number, json: string): void {
  if (res.headersSent) return;
  // One flat list for writeHead (headers set before, WWW-Authenticate or Allow, are kept): no
  // setHeader bookkeeping per header on the hot path.
  res.writeHead(status, [
    'Content-Type',
    'application/json; charset=utf-8',
    'Cache-Control',
    'no-store',
    'X-Content-Type-Options',
    'nosniff',
    'Content-Length',
    String(Buffer.byteLength(json)),
  ]);
  res.end(json);
}

function errors(logger: Logger): ErrorRequestHandler {
  return (err: { type?: string; status?: number }, req: Request, res: Response, _next) => {
    if (err.type === 'entity.parse.failed')
      return reply(res, 400, error('BAD_USER_INPUT', 'The request body is not valid JSON.'));
    if (err.type === 'entity.too.large')
      return reply(res, 413, error('BAD_USER_INPUT', 'The request body is too large.'));
    if (typeof err.status === 'number' && err.status >= 400 && err.status < 500)
      return reply(res, err.status, error('BAD_USER_INPUT', 'The request could not be read.'));
    replyFailure(logger, res, err, req.path);
  };
}

/** A failure of ours: 503 while the database is away, else 500 (logged; nothing internal said). */
export function replyFailure(
  logger: Logger,
  res: ServerResponse,
  err: unknown,
  path: string,
): void {
  if (isDatabaseUnavailable(err))
    return reply(res, 503, error('INTERNAL_SERVER_ERROR', DATABASE_UNAVAILABLE_MESSAGE));
  logger.error({ err, path }, 'v1: unhandled error');
  reply(
    res,
    500,
    error('INTERNAL_SERVER_ERROR', 'Something went wrong on our side. Please try again.'),
  );
}
