import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import type { Logger } from 'pino';

/** The contract's error codes (shared/contract/README.md). Nothing else reaches a client. */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.RATE_LIMITED]: 429,
};

/**
 * A failure the caller should see. Services throw these (usually through a module's
 * errors file); `formatError` below turns them into GraphQL errors with `extensions.code`.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** One bad field: `extensions.fields` maps each bad input field to its message. */
  static badInput(field: string, message: string): AppError {
    return new AppError(ErrorCode.BAD_USER_INPUT, message, { fields: { [field]: message } });
  }

  static rateLimited(message: string, retryAfterSeconds: number): AppError {
    return new AppError(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds });
  }

  /** For failures while building the request context, where Apollo needs the HTTP status on the error. */
  toGraphQLError(): GraphQLError {
    const status = HTTP_STATUS[this.code];
    return new GraphQLError(this.message, {
      extensions: { code: this.code, ...this.extensions, ...(status ? { http: { status } } : {}) },
    });
  }
}

export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable; try again in a moment.';

/** Socket codes: a database's only when mysql2 marks the error fatal (SMTP has the same codes). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);
/** Driver codes of a database that cannot be reached (mysql2, SQLite). */
const UNAVAILABLE_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
]);
const UNAVAILABLE_MESSAGES =
  /Connection lost|Pool is closed|connection is in closed state|Connection is not established|Can't connect to|server has gone away|Too many connections|The database connection is not open/i;

/**
 * True when the error (or one it wraps: TypeORM's `driverError`, `cause`) says the database
 * cannot be reached, as opposed to a query that the database refused.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as {
      code?: unknown;
      fatal?: unknown;
      message?: unknown;
      name?: unknown;
      driverError?: unknown;
      cause?: unknown;
      originalError?: unknown;
    };
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.code === 'string' && SOCKET_CODES.has(e.code) && e.fatal === true) return true;
    // TypeORM's own: the data source was destroyed or never connected.
    if (e.name === 'CannotExecuteNotConnectedError' || e.name === 'ConnectionIsNotSetError')
      return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
    current = e.driverError ?? e.cause ?? e.originalError;
  }
  return false;
}

/** What a caller sees while the database is away: HTTP 503, the contract's INTERNAL_SERVER_ERROR. */
export function databaseUnavailable(): AppError {
  return new AppError(ErrorCode.INTERNAL_SERVER_ERROR, DATABASE_UNAVAILABLE_MESSAGE, {
    reason: 'DATABASE_UNAVAILABLE',
  });
}

/**
 * Apollo takes the HTTP status from errors before they are formatted: an operation that failed
 * because the database is away answers 503 (not 200 or 500), so clients and load balancers retry.
 */
export function databaseUnavailablePlugin(): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didEncounterErrors({ errors, response }) {
          if (errors.some((e) => isDatabaseUnavailable(unwrapResolverError(e))))
            response.http.status = 503;
          return Promise.resolve();
        },
      }),
  };
}

/** Apollo's own codes for a request that could not be run: all of them are the caller's bad input. */
const REQUEST_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

const CONTRACT_CODES = new Set<string>(Object.values(ErrorCode));

/** class-validator's errors as `{ field: first message }`, nested fields dotted (`address.city`). */
function fieldsOf(errors: ValidationError[], prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const error of errors) {
    const name = `${prefix}${error.property}`;
    const first = Object.values(error.constraints ?? {})[0];
    if (first) fields[name] = first;
    if (error.children?.length) Object.assign(fields, fieldsOf(error.children, `${name}.`));
  }
  return fields;
}

/** The one place where errors become what a client sees. Unknown errors are logged and masked. */
export function formatError(logger: Logger, exposeStack: boolean) {
  // During an outage every request fails the same way: one log line per 10 s is enough.
  let unavailableLoggedAt = 0;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
    };

    if (isDatabaseUnavailable(original)) {
      if (Date.now() - unavailableLoggedAt > 10_000) {
        unavailableLoggedAt = Date.now();
        logger.warn({ err: original }, 'the database is unavailable; answering 503');
      }
      return {
        message: DATABASE_UNAVAILABLE_MESSAGE,
        path: formatted.path,
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, reason: 'DATABASE_UNAVAILABLE' },
      };
    }
    if (original instanceof AppError) {
      return {
        ...base,
        message: original.message,
        extensions: { code: original.code, ...original.extensions },
      };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = fieldsOf(original.extensions.validationErrors);
      const message = Object.values(fields)[0] ?? 'The input is not valid.';
      return { ...base, message, extensions: { code: ErrorCode.BAD_USER_INPUT, fields } };
    }
    const code = formatted.extensions?.code;
    if (
      typeof code === 'string' &&
      CONTRACT_CODES.has(code) &&
      code !== String(ErrorCode.INTERNAL_SERVER_ERROR)
    ) {
      const { stacktrace: _stack, http: _http, ...rest } = formatted.extensions ?? {};
      return { ...base, extensions: { ...rest, code } };
    }
    if (typeof code === 'string' && REQUEST_ERRORS.has(code)) {
      return { ...base, extensions: { code: ErrorCode.BAD_USER_INPUT, reason: code } };
    }
    logger.error({ err: original }, 'unexpected error in a GraphQL operation');
    return {
      message: 'Something went wrong on our side. Please try again.',
      path: formatted.path,
      extensions: {
        code: ErrorCode.INTERNAL_SERVER_ERROR,
        ...(exposeStack && original instanceof Error
          ? { stacktrace: original.stack?.split('\n') }
          : {}),
      },
    };
  };
}
