import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { User } from '../modules/accounts/user.entity';
import type { Principal } from './auth/principal';
import { AppError, ErrorCode } from './errors';
import { looksLikeApiKey } from '../modules/api-keys/key-format';
import type { Services } from '../services';

/** Everything a resolver may use, built once per request (or once per websocket connection). */
export interface Context {
  requestId: string;
  ip: string;
  userAgent: string | null;
  principal: Principal | null;
  services: Services;
  log: Logger;
  /** Batches and caches look-ups within this request (one query for all actors of an audit page). */
  loaders: { user: DataLoader<string, User | null> };
  /** Per-request memo, e.g. the caller's membership of a team, checked once however many fields need it. */
  memo: Map<string, Promise<unknown>>;
  /** For requests made with an API key: whether the GraphQL response carried errors (counted as failed). */
  usage?: { hadErrors: boolean };
}

/** The parts of a context every transport knows; the rest is made here, fresh for each request. */
export function createContext(base: Omit<Context, 'loaders' | 'memo'>): Context {
  return {
    ...base,
    loaders: {
      user: new DataLoader((ids: readonly string[]) => base.services.accounts.usersByIds(ids)),
    },
    memo: new Map(),
  };
}

export interface Credentials {
  authorization?: string | undefined;
  apiKey?: string | undefined;
}

/** `Bearer <token>` → the token; no header → null; anything else is refused. */
export function bearerToken({ authorization }: Credentials): string | null {
  if (authorization === undefined || authorization === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match)
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      'The Authorization header must be "Bearer <token>".',
    );
  return match[1]!;
}

/**
 * Resolves who is calling: a session token or an API key (`Bearer ppk_…` or `X-API-Key`), told
 * apart by the key's prefix. A credential that is present but not valid is refused (401), never ignored.
 */
export async function resolvePrincipal(
  services: Services,
  credentials: Credentials,
): Promise<Principal | null> {
  const bearer = bearerToken(credentials);
  const apiKey = credentials.apiKey?.trim() || null;
  if (bearer !== null && apiKey !== null) {
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      'Send one credential: either Authorization or X-API-Key.',
    );
  }
  if (apiKey !== null) return services.apiKeyAuth.authenticate(apiKey);
  if (bearer === null) return null;
  return looksLikeApiKey(bearer)
    ? services.apiKeyAuth.authenticate(bearer)
    : services.accounts.authenticate(bearer);
}
