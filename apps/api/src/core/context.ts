import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { User } from '../modules/accounts/user.entity';
import type { ApiKey } from '../modules/api-keys/api-key.entity';
import type { Membership } from '../modules/teams/membership.entity';
import type { Team } from '../modules/teams/team.entity';
import type { KeyRowsRequest, UsageRow } from '../modules/usage/usage-store';
import type { Principal } from './auth/principal';
import type { Services } from '../services';

/**
 * Batches and caches look-ups within one request: every read of the same kind made in one tick
 * becomes one statement (all actors of an audit page, every key's usage on the dashboard), and
 * nothing is read twice. Each is made on first use, so a request that needs none pays for none.
 */
export interface Loaders {
  user: DataLoader<string, User | null>;
  /** Live teams by id (a deleted team reads as null). */
  team: DataLoader<string, Team | null>;
  /** The caller's own membership of each team, with its live team; null where they have none. */
  membership: DataLoader<string, Membership | null>;
  /** API keys by id, whatever their state (callers check access themselves). */
  apiKey: DataLoader<string, ApiKey | null>;
  /** Usage rows per key: the keys of one team over one range in one statement. */
  keyUsageRows: DataLoader<KeyRowsRequest, UsageRow[], string>;
}

/** Everything a resolver may use, built once per request (or once per websocket connection). */
export interface Context {
  requestId: string;
  ip: string;
  userAgent: string | null;
  principal: Principal | null;
  services: Services;
  log: Logger;
  loaders: Loaders;
  /** Per-request memo, e.g. the caller's membership of a team, checked once however many fields need it. */
  memo: Map<string, Promise<unknown>>;
  /** For requests made with an API key: whether the GraphQL response carried errors (counted as failed). */
  usage?: { hadErrors: boolean };
  /** Aborted when the operation ends early (its subscription was ended, or its socket closed): streams stop. */
  signal?: AbortSignal;
}

/** The loaders of one request, each made when first used. */
class RequestLoaders implements Loaders {
  private users?: Loaders['user'];
  private teams?: Loaders['team'];
  private memberships?: Loaders['membership'];
  private apiKeys?: Loaders['apiKey'];
  private usageRows?: Loaders['keyUsageRows'];

  constructor(
    private readonly services: Services,
    private readonly principal: Principal | null,
  ) {}

  get user(): Loaders['user'] {
    return (this.users ??= new DataLoader((ids: readonly string[]) =>
      this.services.accounts.usersByIds(ids),
    ));
  }

  get team(): Loaders['team'] {
    return (this.teams ??= new DataLoader((ids: readonly string[]) =>
      this.services.access.teamsByIds(ids),
    ));
  }

  get membership(): Loaders['membership'] {
    return (this.memberships ??= new DataLoader((teamIds: readonly string[]) =>
      this.principal?.kind === 'user'
        ? this.services.access.membershipsIn(this.principal.userId, teamIds)
        : Promise.resolve(teamIds.map(() => null)),
    ));
  }

  get apiKey(): Loaders['apiKey'] {
    return (this.apiKeys ??= new DataLoader((ids: readonly string[]) =>
      this.services.apiKeys.byIds(ids),
    ));
  }

  get keyUsageRows(): Loaders['keyUsageRows'] {
    return (this.usageRows ??= new DataLoader(
      (requests: readonly KeyRowsRequest[]) => this.services.usage.keyRows(requests),
      {
        cacheKeyFn: (r) => `${r.teamId}|${r.apiKeyId}|${r.grain}|${r.from}|${r.to}`,
        // A dashboard asks for a few dozen keys at most; a statement's list stays bounded anyway.
        maxBatchSize: 200,
      },
    ));
  }
}

/**
 * The parts of a context every transport knows; the rest is made here, fresh for each request.
 * `log` may be a function: the request's logger is then made when first used (a pino child costs
 * a few µs, and most requests log nothing).
 */
export function createContext(
  base: Omit<Context, 'loaders' | 'memo' | 'log'> & { log: Logger | (() => Logger) },
): Context {
  const { log, ...rest } = base;
  const context = {
    ...rest,
    loaders: new RequestLoaders(base.services, base.principal),
    memo: new Map(),
  } as Omit<Context, 'log'> as Context;
  if (typeof log !== 'function') context.log = log;
  else {
    let made: Logger | undefined;
    Object.defineProperty(context, 'log', { enumerable: true, get: () => (made ??= log()) });
  }
  return context;
}
