import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Credentials never reach a log line: the key headers are censored wherever a headers object is
 * logged, and request lines carry the path without its query (query values may hold secrets).
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'partner-portal-gateway' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        'headers.authorization',
        'headers["x-api-key"]',
        'headers.cookie',
        '*.authorization',
        '*.apiKey',
        '*.key',
        '*.secret',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
}

/** JSON lines on stdout (or the given stream, as tests do). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
