import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { User } from '../modules/accounts/user.entity';
import type { Principal } from './auth/principal';
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
  /** Aborted when the operation ends early (its subscription was ended, or its socket closed): streams stop. */
  signal?: AbortSignal;
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
