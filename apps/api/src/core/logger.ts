import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redactUrl } from './http-logger';

const CENSOR = '[redacted]';

/**
 * Fields that hold a credential wherever they appear in a log object: request headers, GraphQL
 * variables, graphql-ws connection parameters, and any property named like a secret.
 */
const SECRET_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  '*.authorization',
  '*.apiKey',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.secret',
  'variables.*',
  '*.variables',
  'connectionParams',
  '*.connectionParams',
];
/** Any URL field is logged with its query values and token path segments replaced. */
const URL_PATHS = ['url', '*.url', 'originalUrl', '*.originalUrl'];

/** The options of every portal logger; tests pass their own destination to capture lines. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'partner-portal-api' },
    redact: {
      paths: [...SECRET_PATHS, ...URL_PATHS],
      censor: (value: unknown, path: string[]) => {
        const key = path[path.length - 1];
        if ((key === 'url' || key === 'originalUrl') && typeof value === 'string')
          return redactUrl(value);
        return CENSOR;
      },
    },
  };
}

/** JSON lines on stdout (or the given stream); credentials and passwords never reach a log line. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
