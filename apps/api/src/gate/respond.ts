import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DATABASE_UNAVAILABLE_MESSAGE, ErrorCode, isDatabaseUnavailable } from '../core/errors';
import { atEndOfTurn } from '../core/plain-http';
import type { Credentials, Entry } from './gate';

/** The one place an HTTP error answer is written: GraphQL-shaped, with the contract's code. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  sendErrors(res, status, [{ message, extensions: { code, ...extensions } }]);
}

/** The gate's refusal of a request (401, 429), with the status and error it chose. */
export function sendRefusal(res: ServerResponse, refusal: Extract<Entry, { ok: false }>): void {
  const { code, message, extensions } = refusal.error;
  sendError(res, refusal.status, code, message, extensions);
}

/** What an HTTP request presents to the gate: `Authorization`, or `X-API-Key` (repeated: joined). */
export function credentialsOf(req: IncomingMessage): Credentials {
  const apiKey = req.headers['x-api-key'];
  return {
    authorization: req.headers.authorization,
    apiKey: Array.isArray(apiKey) ? apiKey.join(',') : apiKey,
  };
}

export function sendErrors(
  res: ServerResponse,
  status: number,
  errors: readonly GraphQLFormattedError[],
): void {
  if (res.headersSent) return;
  sendJson(res, status, JSON.stringify({ errors }));
}

/**
 * A JSON answer written on the plain node:http response (Express's responses are ones too), at the
 * end of the event loop's turn like every other GraphQL answer (core/plain-http.ts atEndOfTurn):
 * refusals written at once came back sooner than answers, and a client refused in a loop then
 * took a larger share of the portal the faster it was refused.
 */
export function sendJson(res: ServerResponse, status: number, body: string): void {
  atEndOfTurn(res, () => {
    if (res.headersSent) return;
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  });
}

/** Failures Express reports (bad JSON, an over-size body, anything unexpected), answered in the contract's shape. */
export function httpErrorHandler(bodyBytes: number): ErrorRequestHandler {
  return (error: { type?: string; status?: number }, req, res, _next) => {
    if (error.type === 'entity.parse.failed')
      return sendError(res, 400, ErrorCode.BAD_USER_INPUT, 'The request body is not valid JSON.');
    if (error.type === 'entity.too.large')
      return sendError(
        res,
        413,
        ErrorCode.BAD_USER_INPUT,
        `The request body is larger than ${bodyBytes} bytes.`,
      );
    if (typeof error.status === 'number' && error.status >= 400 && error.status < 500)
      return sendError(
        res,
        error.status,
        ErrorCode.BAD_USER_INPUT,
        'The request could not be read.',
      );
    sendFailure(res, error, req.log);
  };
}

/** An unexpected failure: 503 while the database is unreachable, else a 500 that reveals nothing. */
export function sendFailure(res: ServerResponse, error: unknown, log: Logger): void {
  if (isDatabaseUnavailable(error))
    return sendError(res, 503, ErrorCode.INTERNAL_SERVER_ERROR, DATABASE_UNAVAILABLE_MESSAGE, {
      reason: 'DATABASE_UNAVAILABLE',
    });
  log.error({ err: error }, 'unhandled error');
  sendError(
    res,
    500,
    ErrorCode.INTERNAL_SERVER_ERROR,
    'Something went wrong on our side. Please try again.',
  );
}
