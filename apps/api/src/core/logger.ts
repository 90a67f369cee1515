import pino, { type Logger } from 'pino';

/** JSON lines on stdout; credentials and passwords never reach a log line. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'partner-portal-api' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        '*.password',
        '*.token',
        '*.secret',
        'variables.*',
      ],
      censor: '[redacted]',
    },
  });
}
