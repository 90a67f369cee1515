import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';

/** The error codes the api puts in `extensions.code` (see the contract). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

export interface ApiErrorInfo {
  /** `extensions.code` of the first error, or NETWORK when the server could not be reached. */
  code: ErrorCode | 'NETWORK' | 'UNKNOWN';
  /** A message fit to show to the user. */
  message: string;
  /** Per-field messages (`extensions.fields`), keyed by input field name. */
  fields: Record<string, string>;
  retryAfterSeconds?: number;
}

const NETWORK_MESSAGE =
  'We could not reach the Partner Portal. Check your connection and try again.';
const UNKNOWN_MESSAGE = 'Something went wrong on our side. Please try again.';

function graphQLErrorsOf(error: unknown): readonly GraphQLFormattedError[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors;
  if (ServerError.is(error)) {
    // A non-2xx answer may still carry a GraphQL body (e.g. 400 with BAD_USER_INPUT).
    try {
      const body = JSON.parse(error.bodyText) as { errors?: GraphQLFormattedError[] };
      if (Array.isArray(body.errors)) return body.errors;
    } catch {
      // not JSON
    }
  }
  return [];
}

export function errorCodes(error: unknown): string[] {
  return graphQLErrorsOf(error)
    .map((e) => e.extensions?.code)
    .filter((c): c is string => typeof c === 'string');
}

export function hasErrorCode(error: unknown, code: ErrorCode): boolean {
  return errorCodes(error).includes(code);
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Turns anything Apollo Client throws into something a form can show. */
export function toApiErrorInfo(error: unknown): ApiErrorInfo {
  const [first] = graphQLErrorsOf(error);
  if (!first) {
    if (ServerError.is(error) && error.statusCode < 500) {
      return { code: 'UNKNOWN', message: UNKNOWN_MESSAGE, fields: {} };
    }
    return { code: 'NETWORK', message: NETWORK_MESSAGE, fields: {} };
  }
  const ext = first.extensions ?? {};
  const code = (typeof ext.code === 'string' ? ext.code : 'UNKNOWN') as ApiErrorInfo['code'];
  const fields: Record<string, string> = {};
  if (ext.fields && typeof ext.fields === 'object') {
    for (const [name, value] of Object.entries(ext.fields as Record<string, unknown>)) {
      if (typeof value === 'string') fields[name] = value;
      else if (Array.isArray(value) && typeof value[0] === 'string') fields[name] = value[0];
    }
  }
  let message = first.message || UNKNOWN_MESSAGE;
  let retryAfterSeconds: number | undefined;
  if (code === 'RATE_LIMITED') {
    const raw = Number(ext.retryAfterSeconds);
    if (Number.isFinite(raw) && raw > 0) {
      retryAfterSeconds = Math.ceil(raw);
      if (!/\d/.test(message))
        message = `${message} Try again in ${formatWait(retryAfterSeconds)}.`;
    }
  }
  if (code === 'INTERNAL_SERVER_ERROR' && !first.message) message = UNKNOWN_MESSAGE;
  return { code, message, fields, retryAfterSeconds };
}
