import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request, type RequestHandler, type Response } from 'express';
import {
  OperationTypeNode,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { createContext, type Context } from '../core/context';
import { AppError, ErrorCode } from '../core/errors';
import type { Principal } from '../core/auth/principal';
import type { Config } from '../config';
import type { Services } from '../services';
import type { Gate, Ticket } from './gate';
import { credentialsOf, sendError, sendErrors, sendRefusal } from './respond';

type Format = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

interface Admitted {
  principal: Principal | null;
  ticket: Ticket | null;
}

/**
 * GraphQL over HTTP: a thin adapter over the gate. `POST /graphql` only (JSON, one operation);
 * Apollo Server executes what the gate admitted.
 */
export class HttpTransport {
  private readonly apollo: ApolloServer<Context>;
  private handle: RequestHandler | undefined;
  /** What the gate decided about a request, for Apollo's context (no casts through res.locals). */
  private readonly admitted = new WeakMap<Request, Admitted>();

  constructor(
    private readonly gate: Gate,
    schema: GraphQLSchema,
    private readonly services: Services,
    private readonly config: Config,
    private readonly format: Format,
    plugins: ApolloServerPlugin<Context>[],
  ) {
    const isProd = config.nodeEnv === 'production';
    this.apollo = new ApolloServer<Context>({
      schema,
      formatError: format,
      introspection: !isProd,
      hideSchemaDetailsFromClientErrors: isProd,
      includeStacktraceInErrorResponses: config.nodeEnv === 'development',
      // The gate has parsed, validated and priced the document already; Apollo executes.
      validationRules: [...gate.rules],
      csrfPrevention: true,
      // Apollo keeps its own parsed copy of each document (30 MiB of JSON by default, several
      // times that in memory); the gate's cache is the main one, so Apollo's stays small.
      documentStore: new InMemoryLRUCache<DocumentNode>({ maxSize: 4 * 1024 * 1024 }),
      allowBatchedHttpRequests: false,
      // main.ts owns SIGTERM/SIGINT and stops everything in order; Apollo must not race it.
      stopOnTerminationSignals: false,
      plugins: [...plugins, countErrorsInUsage],
    });
  }

  async start(): Promise<void> {
    await this.apollo.start();
    this.handle = expressMiddleware(this.apollo, {
      context: ({ req }) => Promise.resolve(this.contextOf(req)),
    });
  }

  async stop(): Promise<void> {
    if (this.handle) await this.apollo.stop();
  }

  /** The middleware chain for `/graphql`. */
  handlers(): RequestHandler[] {
    return [
      this.onlyPost,
      this.enter,
      requireJson,
      express.json({ limit: this.config.limits.bodyBytes }),
      this.admit,
      this.execute,
    ];
  }

  /** GET /graphql (without a websocket upgrade, which never reaches Express) and every other method. */
  private readonly onlyPost: RequestHandler = (req, res, next) => {
    if (req.method === 'POST') return next();
    res.setHeader('Allow', 'POST');
    sendError(
      res,
      405,
      ErrorCode.BAD_USER_INPUT,
      'Send GraphQL operations with POST (JSON), or over graphql-ws.',
    );
  };

  private readonly enter: RequestHandler = (req, res, next) => {
    const startedAt = performance.now();
    this.gate
      .enter(credentialsOf(req), req.ip ?? 'unknown', startedAt)
      .then((entry) => {
        // Counted once it is answered, whatever the answer.
        if (entry.ticket) res.once('finish', finishTicket(entry.ticket, res));
        res.set(entry.headers);
        if (!entry.ok) return sendRefusal(res, entry);
        this.admitted.set(req, { principal: entry.principal, ticket: entry.ticket });
        next();
      })
      .catch(next);
  };

  private readonly admit: RequestHandler = (req, res, next) => {
    if (Array.isArray(req.body))
      return sendError(
        res,
        400,
        ErrorCode.BAD_USER_INPUT,
        'Send one operation per request: batched requests are not supported.',
      );
    const admitted = this.admitted.get(req);
    this.gate
      .admit((req.body ?? {}) as Record<string, unknown>, {
        principal: admitted?.principal ?? null,
        ip: req.ip ?? 'unknown',
        ticket: admitted?.ticket ?? null,
      })
      .then((admission) => {
        if (!admission.ok) {
          const wait = admission.errors[0]?.extensions.retryAfterSeconds;
          if (typeof wait === 'number') res.setHeader('Retry-After', String(wait));
          return sendErrors(
            res,
            admission.status,
            admission.errors.map((e) => this.format(e.toJSON(), e)),
          );
        }
        if (admission.operationType === OperationTypeNode.SUBSCRIPTION)
          return sendError(
            res,
            400,
            ErrorCode.BAD_USER_INPUT,
            'Subscriptions are served over graphql-ws on /graphql, not over HTTP.',
          );
        next();
      })
      .catch(next);
  };

  private readonly execute: RequestHandler = (req, res, next) => {
    if (!this.handle)
      return sendError(
        res,
        503,
        ErrorCode.INTERNAL_SERVER_ERROR,
        'The server is starting. Try again in a moment.',
      );
    return this.handle(req, res, next);
  };

  private contextOf(req: Request): Context {
    const admitted = this.admitted.get(req);
    // Unreachable: `enter` runs first on this route. Refuse rather than run without a caller.
    if (!admitted)
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to do this.').toGraphQLError();
    return createContext({
      requestId: typeof req.id === 'string' ? req.id : randomUUID(),
      ip: req.ip ?? 'unknown',
      userAgent: req.headers['user-agent'] ?? null,
      principal: admitted.principal,
      services: this.services,
      log: req.log,
      ...(admitted.ticket ? { usage: admitted.ticket } : {}),
    });
  }
}

function finishTicket(ticket: Ticket, res: Response): () => void {
  return () => ticket.finish(res.statusCode);
}

const requireJson: RequestHandler = (req, res, next) => {
  if (!req.is('application/json'))
    return sendError(
      res,
      400,
      ErrorCode.BAD_USER_INPUT,
      'Send GraphQL requests as JSON (Content-Type: application/json).',
    );
  next();
};

/** A keyed request whose GraphQL answer carries errors counts as failed, even with HTTP 200. */
const countErrorsInUsage: ApolloServerPlugin<Context> = {
  requestDidStart: () =>
    Promise.resolve({
      willSendResponse({ response, contextValue }) {
        if (
          contextValue.usage &&
          response.body.kind === 'single' &&
          response.body.singleResult.errors?.length
        )
          contextValue.usage.hadErrors = true;
        return Promise.resolve();
      },
    }),
};
