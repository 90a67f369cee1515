import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  type DocumentNode,
  type GraphQLSchema,
  type OperationTypeNode,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { withoutStack } from './document-memory';
import type { Config } from '../config';
import type { Principal } from '../core/auth/principal';
import { looksLikeApiKey } from '../modules/api-keys/key-format';
import { statusOf } from '@partner-portal/keys';
import { AppError, ErrorCode } from '../core/errors';
import {
  costError,
  limitRules,
  operationCost,
  parseOptionsFor,
  validateOperation,
} from '../core/graphql-limits';
import type { Services } from '../services';
import { describeWait, type LimitRule, type RateLimits } from '../core/rate-limit';

/**
 * The one pipeline every GraphQL operation passes, whatever carried it (HTTP or graphql-ws):
 *
 *   authenticate → meter → limit → admit (parse, validate, cost; cached per document) → execute
 *
 * Each transport is a thin adapter (http.ts, ws.ts) that turns its request into these calls and
 * the outcomes into its own answers. Nothing here knows about Express or sockets.
 */

/** A credential as presented: `Authorization` (Bearer session token or key) or `X-API-Key`. */
export interface Credentials {
  authorization?: string | undefined;
  apiKey?: string | undefined;
}

/**
 * One operation, finished once with the status its caller got: counted in its key's usage (keyed
 * operations) and in the portal's metrics (every operation, when metrics are on).
 */
export interface Ticket {
  /** Set when the GraphQL answer carried errors (a failed request even with status 200). */
  hadErrors: boolean;
  /** query, mutation or subscription, once the gate admitted the document. */
  operation?: OperationTypeNode;
  finish(status: number): void;
}

/** Told of every operation's end (core/metrics.ts): its type (undefined: refused before parsing). */
export type OperationObserver = (
  type: OperationTypeNode | undefined,
  status: number,
  latencyMs: number,
) => void;

export type Entry =
  | {
      ok: true;
      principal: Principal | null;
      /** Finished once with the answer's status: an API key's usage, and the metrics (every operation). */
      ticket: Ticket | null;
      /** RateLimit-* headers of a keyed request. */
      headers: Record<string, string>;
    }
  | {
      ok: false;
      status: 401 | 429;
      error: AppError;
      ticket: Ticket | null;
      headers: Record<string, string>;
    };

export interface OperationRequest {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

export type Admission =
  | {
      ok: true;
      document: DocumentNode;
      operationType: OperationTypeNode;
      operationName: string | undefined;
      variables: Record<string, unknown> | undefined;
    }
  | { ok: false; status: 400 | 429; errors: GraphQLError[] };

const badRequest = (message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extensions } });

/**
 * A refusal as the documents cache keeps it: its message and extensions, without a stack (see
 * document-memory.ts). The document is parsed without locations, so the errors never had any.
 */
const kept = (message: string, extensions: Record<string, unknown>) =>
  withoutStack(() => badRequest(message, extensions));

/** A parsed and validated document, or the errors that refused it: the same for every request that sends it. */
type Checked =
  | {
      document: DocumentNode;
      /** Its cost by the JSON of the variables it was priced with (a few kept per document). */
      costs: Map<string, number>;
    }
  | { errors: GraphQLError[] };

/** Variables sets whose cost is remembered per document, and the longest JSON remembered. */
const COSTS_PER_DOCUMENT = 16;
const COST_KEY_MAX = 1024;

export class Gate {
  /** Validation: graphql's own rules, the depth/alias/directive limits, and no introspection in production. */
  readonly rules: readonly ValidationRule[];
  /**
   * Parsed documents by their text, bounded by what they hold in memory (their text as the key,
   * plus their AST, kept without locations): 16 MB in all. Large texts are cached too (a 100 KB
   * body of comments parses to a tiny AST): re-parsing them on every request is what an attacker
   * sending maximum-size bodies would exploit.
   */
  private readonly documents = new LRUCache<string, Checked>({
    max: 2_000,
    maxSize: 16 * 1024 * 1024,
    // An AST's objects take about three times its JSON.
    sizeCalculation: (checked, query) =>
      query.length +
      ('document' in checked
        ? 3 * JSON.stringify(checked.document).length
        : checked.errors.reduce((bytes, e) => bytes + 256 + 2 * e.message.length, 0)),
  });

  /** Set once by the portal (GET /metrics); operations of callers without a key get a ticket then. */
  observer: OperationObserver | undefined;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly services: Services,
    private readonly config: Config,
    private readonly limits: RateLimits,
  ) {
    this.rules = [...specifiedRules, ...limitRules(config.limits, this.hardening)];
  }

  /** Production hardening: no introspection, no field suggestions in error messages. */
  private get hardening() {
    const open = this.config.nodeEnv !== 'production';
    return { introspection: open, suggestions: open };
  }

  /**
   * Who is calling, checked at the time of each operation (never only once per connection), and
   * for API keys: the operation is metered, and held to the key's limits.
   */
  async enter(credentials: Credentials, ip: string, startedAt: number): Promise<Entry> {
    let key: string | null;
    try {
      key = presentedKey(credentials);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { ok: false, status: 401, error, ticket: this.observed(startedAt), headers: {} };
    }
    if (key === null) {
      try {
        const principal = await this.authenticate(credentials, ip);
        return { ok: true, principal, ticket: this.observed(startedAt), headers: {} };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const status = error.code === ErrorCode.RATE_LIMITED ? 429 : 401;
        const ticket = this.observed(startedAt);
        return { ok: false, status, error, ticket, headers: retryAfter(error) };
      }
    }
    // An API key: the core verifies it and takes a request from its limits; the outcome is
    // mapped here. A known key's refusal (revoked, expired, limited) still counts in its usage.
    const auth = this.services.apiKeyAuth;
    const outcome = await auth.verify(key, ip);
    const ticket = outcome.key
      ? this.meter(outcome.key.id, outcome.key.teamId, startedAt)
      : this.observed(startedAt);
    if (outcome.valid)
      return {
        ok: true,
        principal: auth.principalOf(outcome.key),
        ticket,
        headers: outcome.limits.headers,
      };
    const error = auth.refusal(outcome);
    return {
      ok: false,
      status: statusOf(outcome) === 429 ? 429 : 401,
      error,
      ticket,
      headers: 'limits' in outcome ? outcome.limits.headers : retryAfter(error),
    };
  }

  /**
   * A session token or an API key (`Bearer ppk_…` or `X-API-Key`), told apart by the key's prefix.
   * A credential that is present but not valid is refused, never ignored.
   */
  authenticate(credentials: Credentials, ip: string): Promise<Principal | null> {
    const key = presentedKey(credentials);
    if (key !== null) return this.services.apiKeyAuth.authenticate(key, ip);
    const bearer = bearerToken(credentials.authorization);
    if (bearer === null) return Promise.resolve(null);
    return this.services.accounts.authenticate(bearer);
  }

  /**
   * Parses and validates a request's document (once per distinct document: the outcome is cached),
   * then prices it with its variables. In production, errors name no field the caller did not send.
   */
  async admit(
    request: OperationRequest,
    caller: {
      principal: Principal | null;
      ip: string;
      ticket?: Ticket | null;
      /** The request's size as received (HTTP: its body's bytes); else measured from `request`. */
      bytes?: number;
    },
  ): Promise<Admission> {
    const { query, operationName, variables } = request;
    if (typeof query !== 'string' || query.trim() === '')
      return refused([badRequest('Send the GraphQL query as a non-empty string in "query".')]);
    if (operationName != null && typeof operationName !== 'string')
      return refused([badRequest('"operationName" must be a string.')]);
    if (variables != null && (typeof variables !== 'object' || Array.isArray(variables)))
      return refused([badRequest('"variables" must be an object.')]);

    let checked = this.documents.get(query);
    if (!checked) {
      checked = this.check(query);
      this.documents.set(query, checked);
    }
    if ('errors' in checked) return refused(checked.errors);

    const operation = getOperationAST(checked.document, operationName ?? undefined);
    if (!operation) {
      return refused([
        badRequest(
          operationName
            ? `No operation named "${operationName}" in the document.`
            : 'The document has several operations: name the one to run in "operationName".',
        ),
      ]);
    }
    if (caller.ticket) caller.ticket.operation = operation.operation;
    const vars = (variables ?? undefined) as Record<string, unknown> | undefined;
    // Variables that do not fit their types are the caller's mistake on every transport (graphql-ws
    // would otherwise meet them only in execution, as an uncoded error).
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], vars ?? {});
    if (coerced.errors)
      return refused(coerced.errors.map((e) => badRequest(e.message, { reason: 'BAD_VARIABLES' })));
    const cost = this.costOf(checked, operationName ?? undefined, vars);
    const tooCostly = costError(cost, this.config.limits.cost);
    if (tooCostly) return refused([tooCostly]);
    const bytes = caller.bytes ?? sizeOf(query, variables);
    const overBudget = await this.spendHeavy(cost, bytes, caller);
    if (overBudget) return { ok: false, status: 429, errors: [overBudget] };
    return {
      ok: true,
      document: checked.document,
      operationType: operation.operation,
      operationName: operationName ?? undefined,
      variables: vars,
    };
  }

  /**
   * What the operation costs with these variables. Pricing walks the whole selection (a
   * maximum-cost query has thousands of fields), so the answer is kept per document and variables:
   * a caller repeating an expensive query pays for the walk once.
   */
  private costOf(
    checked: Extract<Checked, { document: DocumentNode }>,
    operationName: string | undefined,
    variables: Record<string, unknown> | undefined,
  ): number {
    const key = `${operationName ?? ''}\u0000${variables ? JSON.stringify(variables) : ''}`;
    const known = checked.costs.get(key);
    if (known !== undefined) return known;
    const cost = operationCost(this.schema, checked.document, operationName, variables);
    if (key.length <= COST_KEY_MAX) {
      if (checked.costs.size >= COSTS_PER_DOCUMENT) checked.costs.clear();
      checked.costs.set(key, cost);
    }
    return cost;
  }

  /**
   * Heavy operations draw from a budget per caller and minute, so that a stream of them cannot
   * hold the event loop for everyone else: those that cost GRAPHQL_HEAVY_COST or more (the web
   * app's largest is far below) draw their cost, and requests larger than LARGE_REQUEST_BYTES (no
   * operation the web app or the SDK sends comes near) draw GRAPHQL_HEAVY_COST for every started
   * 16 KB. A request of the maximum size costs the portal several times a normal one (reading,
   * parsing, hashing its text, and the garbage of those copies): under the hostile-load test's
   * stream of them the normal workload's p99 was 2.6 times its p99 alone. Cheap, small operations
   * never touch the budget.
   */
  private async spendHeavy(
    cost: number,
    bytes: number,
    caller: { principal: Principal | null; ip: string },
  ): Promise<GraphQLError | null> {
    const { heavyCost } = this.config.limits;
    const large = bytes > LARGE_REQUEST_BYTES;
    const weight =
      (cost >= heavyCost ? cost : 0) +
      (large ? heavyCost * Math.ceil(bytes / LARGE_REQUEST_BYTES) : 0);
    if (weight === 0) return null;
    const rule = this.heavyRule();
    const wait = await this.limits.spend(rule, heavyCaller(caller), Math.min(weight, rule.points));
    if (wait === 0) return null;
    // Slowed down: the refusal comes after HEAVY_REFUSAL_DELAY_MS (a timer, no work), so a client
    // that ignores Retry-After and retries at once cannot turn cheap refusals into a flood.
    await new Promise((resolve) => setTimeout(resolve, HEAVY_REFUSAL_DELAY_MS));
    return this.tooHeavy(wait, large ? bytes : null);
  }

  private heavyRule(): LimitRule {
    return {
      name: 'heavy-cost',
      points: this.config.limits.heavyBudgetPerMinute,
      durationSeconds: 60,
    };
  }

  /** The refusal once the heavy budget is spent; `bytes` when the request was a large one. */
  private tooHeavy(wait: number, bytes: number | null): GraphQLError {
    const { heavyCost } = this.config.limits;
    const what =
      bytes === null
        ? `expensive queries (cost ${heavyCost} or more)`
        : `large or expensive operations (requests over ${LARGE_REQUEST_BYTES / 1024} KB, or cost ${heavyCost} or more); this one is ${Math.ceil(bytes / 1024)} KB`;
    const fix =
      bytes === null
        ? 'ask for fewer fields or smaller pages'
        : 'send a smaller request (long values as variables only where an operation needs them, no padding)';
    return new AppError(
      ErrorCode.RATE_LIMITED,
      `Too many ${what} in the last minute. Try again in ${describeWait(wait)}, or ${fix}.`,
      { retryAfterSeconds: wait },
    ).toGraphQLError();
  }

  private check(query: string): Checked {
    let document: DocumentNode;
    try {
      // No locations: a cached AST then holds no tokens (comments included) and no copy of the text.
      document = parse(query, { ...parseOptionsFor(this.config.limits), noLocation: true });
    } catch (error) {
      if (error instanceof GraphQLError)
        return { errors: [kept(error.message, { reason: 'GRAPHQL_PARSE_FAILED' })] };
      throw error;
    }
    const errors = validateOperation(this.schema, document, this.config.limits, this.hardening);
    if (errors.length === 0) return { document, costs: new Map() };
    return {
      errors: errors.map((e) =>
        kept(e.message, e.extensions.code ? e.extensions : { reason: 'GRAPHQL_VALIDATION_FAILED' }),
      ),
    };
  }

  /**
   * A ticket for one operation: counted once, when its caller has its answer, in its key's usage
   * (a key's operation) and by the observer (metrics).
   */
  meter(apiKeyId: string | null, teamId: string | null, startedAt: number): Ticket {
    const recorder = this.services.usageRecorder;
    const observer = this.observer;
    let finished = false;
    const ticket: Ticket = {
      hadErrors: false,
      finish(status: number) {
        if (finished) return;
        finished = true;
        const latencyMs = performance.now() - startedAt;
        if (apiKeyId !== null && teamId !== null)
          recorder.record({
            apiKeyId,
            teamId,
            status,
            failed: status >= 400 || ticket.hadErrors,
            latencyMs,
          });
        observer?.(ticket.operation, status, latencyMs);
      },
    };
    return ticket;
  }

  /** A ticket only the observer reads (an operation without a key), or none without metrics. */
  private observed(startedAt: number): Ticket | null {
    return this.observer ? this.meter(null, null, startedAt) : null;
  }
}

function refused(errors: GraphQLError[]): Admission {
  return { ok: false, status: 400, errors };
}

function retryAfter(error: AppError): Record<string, string> {
  const seconds = error.extensions.retryAfterSeconds;
  return typeof seconds === 'number' ? { 'Retry-After': String(seconds) } : {};
}

/** The API key presented (`X-API-Key`, or `Bearer ppk_…`), or null; two credentials are refused. */
function presentedKey(credentials: Credentials): string | null {
  const bearer = bearerToken(credentials.authorization);
  const apiKey = credentials.apiKey?.trim() || null;
  if (bearer !== null && apiKey !== null) {
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      'Send one credential: either Authorization or X-API-Key.',
    );
  }
  return apiKey ?? (bearer !== null && looksLikeApiKey(bearer) ? bearer : null);
}

/** `Bearer <token>` → the token; no header → null; anything else is refused. */
export function bearerToken(authorization: string | undefined): string | null {
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
 * How long a refusal for the heavy budget waits before it is answered. Under the hostile-load
 * test's attackers (each sending its next request as soon as refused) the refusals, answered at
 * once, were about 500 a second: the normal workload's p99 under attack was 1.5 to 2.5 times its
 * p99 alone from one run to the next.
 */
const HEAVY_REFUSAL_DELAY_MS = 1000;

/**
 * Requests larger than this are heavy (spendHeavy), and the HTTP front leaves them to Express's
 * body-parser. Every operation the web app and the SDK send is far smaller.
 */
export const LARGE_REQUEST_BYTES = 16 * 1024;

/** Whose heavy budget an operation draws from: its key, its person, else its address. */
function heavyCaller(caller: { principal: Principal | null; ip: string }): string {
  const { principal } = caller;
  if (principal?.kind === 'apiKey') return `key:${principal.keyId}`;
  if (principal?.kind === 'user') return `user:${principal.userId}`;
  return `ip:${caller.ip}`;
}

/** A request's size from its parts, where the transport did not measure it (graphql-ws). */
function sizeOf(query: string, variables: unknown): number {
  if (variables == null) return query.length;
  return query.length + JSON.stringify(variables).length;
}
