import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import pinoHttp from 'pino-http';
import { unredacted } from './logger';

export const REDACTED = '[REDACTED]';

/** Health probes, called every few seconds: not worth a line each. */
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * Path segments of the web app that carry a secret in the next segment: the mailed invitation
 * link is /invitations/<token>. (The reset link carries its token in the query string, which is
 * redacted whole; reset-password is listed too so a path form of it would not leak either.)
 */
const TOKEN_ROUTES = new Set(['invitations', 'reset-password']);

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/**
 * A request URL fit for a log line: every query value replaced (names kept, so `?token=[REDACTED]`
 * still says what was asked) and the token segment of a token-carrying route replaced.
 */
export function redactUrl(url: string): string {
  const hashAt = url.indexOf('#');
  const withoutHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = withoutHash.indexOf('?');
  const pathPart = queryAt === -1 ? withoutHash : withoutHash.slice(0, queryAt);
  const segments = pathPart.split('/');
  for (let i = 0; i < segments.length - 1; i++) {
    if (TOKEN_ROUTES.has(decoded(segments[i]!)) && segments[i + 1] !== '') {
      segments[i + 1] = REDACTED;
      i++;
    }
  }
  let redacted = segments.join('/');
  if (queryAt !== -1) {
    const query = withoutHash
      .slice(queryAt + 1)
      .split('&')
      .map((pair) => {
        if (pair === '') return pair;
        const eq = pair.indexOf('=');
        // A bare value could be a secret as easily as a name: only `name=value` keeps its name.
        return eq === -1 ? REDACTED : `${pair.slice(0, eq)}=${REDACTED}`;
      })
      .join('&');
    redacted += `?${query}`;
  }
  return redacted;
}

/** The X-Request-Id the client sent, when it is a plain id, or a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

/**
 * The line httpLogger writes when a request is answered, for a path that answers without Express
 * (gate/http.ts's plain case): the same fields, level and message. Every field is set here (the
 * URL redacted as httpLogger's serializer does), so it is written without pino's redaction paths.
 */
export function answeredLog(logger: Logger) {
  const lines = unredacted(logger);
  return (req: IncomingMessage, res: ServerResponse, id: string, startedAt: number): void => {
    const status = res.statusCode;
    lines[status >= 500 ? 'error' : 'info'](
      {
        req: {
          id,
          method: req.method,
          url: redactUrl(req.url ?? '/'),
          remoteAddress: req.socket.remoteAddress,
        },
        res: { statusCode: status },
        responseTime: Math.round(performance.now() - startedAt),
      },
      'request completed',
    );
  };
}

/**
 * One JSON line per request (method, redacted URL, status, time), with the X-Request-Id the
 * client sent (when it is a plain id) or a new one, echoed back. /healthz and /readyz are left
 * out: load balancers call them every few seconds.
 */
export function httpLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = requestIdOf(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (req) => PROBES.has(req.url ?? '') },
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
  });
}
