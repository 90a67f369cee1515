import type { IncomingMessage, RequestListener } from 'node:http';
import { serviceTokenChecker } from '../core/auth/service-tokens';
import {
  atEndOfTurn,
  INVALID,
  parseStrictJson,
  plainJson,
  readBody,
  requesterOf,
} from '../core/plain-http';
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
import { parseUsageBody } from './v1.inputs';

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
    readBody(req, (body) => {
      const raw =
        endpoint === USAGE ? parseUsageBody(body) : parseStrictJson(body.toString('utf8'));
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
      else {
        const { status, json } = answer;
        atEndOfTurn(res, () => send(res, status, json));
      }
    });
  };
}

const VERIFY = { path: '/v1/keys/verify', limit: VERIFY_BODY_BYTES };
const USAGE = { path: '/v1/usage', limit: USAGE_BODY_BYTES };
