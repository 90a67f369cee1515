import type { ErrorRequestHandler, Request, Response } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { DATABASE_UNAVAILABLE_MESSAGE, ErrorCode, isDatabaseUnavailable } from '../core/errors';
import type { Credentials, Entry } from './gate';

/** The one place an HTTP error answer is written: GraphQL-shaped, with the contract's code. */
export function sendError(
  res: Response,
  status: number,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  sendErrors(res, status, [{ message, extensions: { code, ...extensions } }]);
}

/** The gate's refusal of a request (401, 429), with the status and error it chose. */
export function sendRefusal(res: Response, refusal: Extract<Entry, { ok: false }>): void {
  const { code, message, extensions } = refusal.error;
  sendError(res, refusal.status, code, message, extensions);
}

/** What an HTTP request presents to the gate: `Authorization`, or `X-API-Key` (repeated: joined). */
export function credentialsOf(req: Request): Credentials {
  const apiKey = req.headers['x-api-key'];
  return {
    authorization: req.headers.authorization,
    apiKey: Array.isArray(apiKey) ? apiKey.join(',') : apiKey,
  };
}

export function sendErrors(
  res: Response,
  status: number,
  errors: readonly GraphQLFormattedError[],
): void {
  if (res.headersSent) return;
  res.status(status).json({ errors });
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
    if (isDatabaseUnavailable(error))
      return sendError(res, 503, ErrorCode.INTERNAL_SERVER_ERROR, DATABASE_UNAVAILABLE_MESSAGE, {
        reason: 'DATABASE_UNAVAILABLE',
      });
    req.log.error({ err: error }, 'unhandled error');
    sendError(
      res,
      500,
      ErrorCode.INTERNAL_SERVER_ERROR,
      'Something went wrong on our side. Please try again.',
    );
  };
}
