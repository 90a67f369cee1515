import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { serviceTokenChecker } from '../core/auth/service-tokens';
import {
  answerUsage,
  answerVerify,
  error,
  reply,
  replyFailure,
  send,
  USAGE_BODY_BYTES,
  VERIFY_BODY_BYTES,
  type V1Answer,
  type V1Deps,
} from './v1.routes';

/**
 * `POST /v1/keys/verify` and `POST /v1/usage` answered by a plain node:http listener in front of
 * Express (which gets every other request): called once per partner request by the provider's
 * services, they must not pay for a router, body-parser and their middleware. The profile of the
 * bench's verify requests showed Express's router and layers, body-parser (raw-body, type-is,
 * content-type, iconv) and the promise chain of a warm key taking most of the portal's CPU.
 *
 * Only requests whose headers are the plain case take this path: the exact path, a service token
 * that checks out, `Content-Type: application/json` (charset utf-8 or none), no Content-Encoding,
 * and a Content-Length within the endpoint's limit. Anything else (a refused token, another
 * media type or charset, a compressed, chunked or too large body, another method, a query) goes
 * on to the Express routes (v1.routes.ts), which answer it as they always have: 401, 400, 413,
 * 415, 405. So both paths give the same answers byte for byte; this one is only faster. The
 * answers are the routes' own (answerVerify, answerUsage, reply: JSON with Cache-Control no-store
 * and nosniff), and like the routes it logs no line per request.
 */
export function v1FastPath(deps: V1Deps, next: RequestListener): RequestListener {
  if (deps.config.serviceTokens.length === 0) return next;
  const tokenIs = serviceTokenChecker(deps.config.serviceTokens);
  const { services, clock, logger } = deps;

  const verify = (raw: unknown, startedAt: number, req: IncomingMessage) =>
    answerVerify(services, raw, startedAt, () => requesterOf(req, deps.config.trustProxy));
  const usage = (raw: unknown) => answerUsage(services, raw, clock.now());

  return (req, res) => {
    const url = req.url;
    const endpoint = url === VERIFY.path ? VERIFY : url === USAGE.path ? USAGE : undefined;
    if (
      endpoint === undefined ||
      req.method !== 'POST' ||
      !plainJson(req, endpoint.limit) ||
      tokenIs(req.headers.authorization) !== 'valid'
    )
      return next(req, res);
    const startedAt = performance.now();
    readBody(req, (text) => {
      const raw = parseStrictJson(text);
      if (raw === INVALID)
        return reply(res, 400, error('BAD_USER_INPUT', 'The request body is not valid JSON.'));
      let answer: V1Answer | Promise<V1Answer>;
      try {
        answer = endpoint === VERIFY ? verify(raw, startedAt, req) : usage(raw);
      } catch (err) {
        return replyFailure(logger, res, err, endpoint.path);
      }
      if (answer instanceof Promise)
        answer.then(
          (a) => send(res, a.status, a.json),
          (err: unknown) => replyFailure(logger, res, err, endpoint.path),
        );
      else sendSoon(res, answer.status, answer.json);
    });
  };
}

/**
 * Answers ready at once (a warm key counted in this process) are written together at the end of
 * this turn of the event loop, after every request that arrived in it was read, rather than each
 * from its own request's callback. Same answers, a few microseconds later; under load, the
 * answers of one turn go out back to back, as the Redis path's (one batch per turn) already do,
 * and the profile of the answers written one by one showed writev at 57 µs a request against 22
 * µs in turns (a client waiting for each single answer is woken for each).
 */
let soon: Array<ServerResponse | number | string> = [];

function sendSoon(res: ServerResponse, status: number, json: string): void {
  if (soon.length === 0) setImmediate(sendAll);
  soon.push(res, status, json);
}

function sendAll(): void {
  const answers = soon;
  soon = [];
  for (let i = 0; i < answers.length; i += 3) {
    const res = answers[i] as ServerResponse;
    try {
      send(res, answers[i + 1] as number, answers[i + 2] as string);
    } catch {
      // One answer that cannot be written (its connection gone wrong) must not keep the others.
      res.destroy();
    }
  }
}

const VERIFY = { path: '/v1/keys/verify', limit: VERIFY_BODY_BYTES };
const USAGE = { path: '/v1/usage', limit: USAGE_BODY_BYTES };

const JSON_TYPE = /^application\/json[ \t]*(?:;[ \t]*charset=(?:"utf-8"|utf-8)[ \t]*)?$/i;

/** Headers body-parser would take as they are: JSON in UTF-8, not encoded, of a known length within the limit. */
export function plainJson(req: IncomingMessage, limit: number): boolean {
  const { headers } = req;
  const type = headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) return false;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  if (headers['transfer-encoding'] !== undefined) return false;
  const length = Number(headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= limit;
}

/** The whole body as UTF-8 text (its length is known and small). */
export function readBody(req: IncomingMessage, done: (text: string) => void): void {
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  req.on('data', (chunk: Buffer) => {
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on('end', () => {
    const body = more ? Buffer.concat(more) : first;
    done(body === undefined ? '' : body.toString('utf8'));
  });
  // A client that leaves mid-body: nothing to answer.
  req.on('error', () => {});
}

/** The requester's address as Express's req.ip gives it (TRUST_PROXY: the left-most forwarded one). */
export function requesterOf(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : '';
  return first || req.socket.remoteAddress;
}

export const INVALID = Symbol('invalid JSON');

/** body-parser's strict JSON: an object or array (after white space), else invalid. */
export function parseStrictJson(text: string): unknown {
  // A leading byte-order mark is ignored, as body-parser's decoding does.
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  const first = text[i];
  if (first !== '{' && first !== '[') return INVALID;
  try {
    return JSON.parse(start === 0 ? text : text.slice(start)) as unknown;
  } catch {
    return INVALID;
  }
}
