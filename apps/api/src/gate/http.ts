import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import {
  OperationTypeNode,
  type DocumentNode,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { createContext, type Context } from '../core/context';
import { ErrorCode } from '../core/errors';
import { answeredLog, requestIdOf } from '../core/http-logger';
import { securityHeaderList } from '../core/security-headers';
import type { Principal } from '../core/auth/principal';
import {
  atEndOfTurn,
  INVALID,
  parseStrictJson,
  plainJson,
  readBody,
  requesterOf,
} from '../core/plain-http';
import type { Config } from '../config';
import type { Services } from '../services';
import { LARGE_REQUEST_BYTES, type Gate, type Ticket } from './gate';
import { parsedDocumentBytes } from './document-memory';
import { compiledExecution } from './jit';
import { credentialsOf, sendError, sendErrors, sendFailure, sendRefusal } from './respond';

type Format = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

interface Admitted {
  principal: Principal | null;
  ticket: Ticket | null;
  ip: string;
}

/**
 * GraphQL over HTTP: a thin adapter over the gate. `POST /graphql` only (JSON, one operation);
 * Apollo Server executes what the gate admitted.
 *
 * Two ways in, one path: the plain case (`front`: the exact path, JSON of a known length within
 * 16 KB) is answered by a node:http listener in front of Express, which the keyed-query
 * profile showed taking a quarter of the time (router, body-parser, pino-http); every other case
 * goes through the Express chain (`handlers`), which answers it as it always has. Both call the
 * same steps: `enter` (who, limits, metering), `run` (admit, then Apollo) and Apollo's own HTTP
 * handling (`executeHTTPGraphQLRequest`), so their answers are the same.
 */
export class HttpTransport {
  private readonly apollo: ApolloServer<Context>;
  private started = false;
  /** What the gate decided about a request, for Apollo's context (no casts through res.locals). */
  private readonly admitted = new WeakMap<IncomingMessage, Admitted>();
  private readonly bodyBytes = new WeakMap<IncomingMessage, number>();

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
      // Compiled execution (graphql-jit) through Apollo's executor seam: see ./jit.ts.
      gateway: compiledExecution(schema),
      formatError: format,
      introspection: !isProd,
      hideSchemaDetailsFromClientErrors: isProd,
      includeStacktraceInErrorResponses: config.nodeEnv === 'development',
      // The gate has parsed, validated and priced the document already; Apollo executes.
      validationRules: [...gate.rules],
      csrfPrevention: true,
      // Apollo keeps its own parsed copy of each document (30 MiB of JSON by default, several
      // times that in memory); the gate's cache is the main one, so Apollo's stays small, counted
      // by what a document holds rather than by its JSON.
      documentStore: new InMemoryLRUCache<DocumentNode>({
        maxSize: 4 * 1024 * 1024,
        sizeCalculation: parsedDocumentBytes,
      }),
      allowBatchedHttpRequests: false,
      // main.ts owns SIGTERM/SIGINT and stops everything in order; Apollo must not race it.
      stopOnTerminationSignals: false,
      // Apollo's cache-control plugin (on by default) wraps every field resolver to work out a
      // cache policy nothing reads (answers are never cached: POST only); the keyed profile
      // showed it on every field. Inline traces are for federation, which this is not.
      plugins: [
        ...plugins,
        ApolloServerPluginCacheControlDisabled(),
        ApolloServerPluginInlineTraceDisabled(),
        countErrorsInUsage,
      ],
    });
  }

  async start(): Promise<void> {
    await this.apollo.start();
    this.started = true;
  }

  async stop(): Promise<void> {
    if (this.started) await this.apollo.stop();
  }

  /** The middleware chain for `/graphql`: every case the front leaves to Express. */
  handlers(): RequestHandler[] {
    return [
      this.onlyPost,
      (req, res, next) => {
        this.enter(req, res, req.ip ?? 'unknown', performance.now())
          .then((admitted) => {
            if (!admitted) return;
            this.admitted.set(req, admitted);
            next();
          })
          .catch(next);
      },
      requireJson,
      express.json({
        limit: this.config.limits.bodyBytes,
        // The body's size as read (chunked ones have no Content-Length): large ones are heavy.
        verify: (req, _res, raw) => this.bodyBytes.set(req, raw.length),
      }),
      (req, res, next) => {
        const admitted = this.admitted.get(req);
        // Unreachable: the gate's step runs first on this route. Refuse rather than run without a caller.
        if (!admitted) return next(new Error('a /graphql request reached execution unadmitted'));
        const requestId = typeof req.id === 'string' ? req.id : randomUUID();
        const bytes = this.bodyBytes.get(req) ?? 0;
        this.run(req, res, req.body, { ...admitted, requestId, log: req.log, bytes }).catch(next);
      },
    ];
  }

  /**
   * `POST /graphql` in its plain case, in front of `next` (Express): what Express's chain would
   * do, without its router, body-parser or pino-http. The same security headers (helmet's, taken
   * once), the same X-Request-Id and log line, the same gate steps and answers.
   */
  front(next: RequestListener, logger: Logger): RequestListener {
    // The front reads the small bodies (every operation the web app and the SDK sends); larger ones,
    // heavy for the gate too (gate.ts spendHeavy), go through Express's body-parser.
    const plainBytes = Math.min(this.config.limits.bodyBytes, LARGE_REQUEST_BYTES);
    const headers = securityHeaderList(this.config);
    const trustProxy = this.config.trustProxy;
    const logAnswered = answeredLog(logger);
    return (req, res) => {
      if (req.url !== '/graphql' || req.method !== 'POST' || !plainJson(req, plainBytes))
        return next(req, res);
      const startedAt = performance.now();
      for (const [name, value] of headers) res.setHeader(name, value);
      const requestId = requestIdOf(req);
      res.setHeader('X-Request-Id', requestId);
      res.once('finish', () => logAnswered(req, res, requestId, startedAt));
      // The request's own logger, made when something logs (a failure): most requests never do.
      let child: Logger | undefined;
      const log = () => (child ??= logger.child({ reqId: requestId }));
      const fail = (error: unknown) => sendFailure(res, error, log());
      const ip = requesterOf(req, trustProxy) ?? 'unknown';
      this.enter(req, res, ip, startedAt)
        .then((admitted) => {
          if (!admitted) return;
          readBody(req, (raw) => {
            const body = parseStrictJson(raw.toString('utf8'));
            if (body === INVALID)
              return sendError(
                res,
                400,
                ErrorCode.BAD_USER_INPUT,
                'The request body is not valid JSON.',
              );
            // plainJson checked it: the body's exact length.
            const bytes = Number(req.headers['content-length']);
            this.run(req, res, body, { ...admitted, requestId, log, bytes }).catch(fail);
          });
        })
        .catch(fail);
    };
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

  /** Who is calling (the gate's `enter`); answers the refusal itself and resolves null then. */
  private async enter(
    req: IncomingMessage,
    res: ServerResponse,
    ip: string,
    startedAt: number,
  ): Promise<Admitted | null> {
    const entry = await this.gate.enter(credentialsOf(req), ip, startedAt);
    // Counted once it is answered, whatever the answer.
    if (entry.ticket) res.once('finish', finishTicket(entry.ticket, res));
    for (const name in entry.headers) res.setHeader(name, entry.headers[name]!);
    if (!entry.ok) {
      sendRefusal(res, entry);
      return null;
    }
    return { principal: entry.principal, ticket: entry.ticket, ip };
  }

  /** The gate's refusal of an operation, with Retry-After when it says how long to wait. */
  private refuse(res: ServerResponse, status: number, errors: readonly GraphQLError[]): void {
    const wait = errors[0]?.extensions.retryAfterSeconds;
    if (typeof wait === 'number') res.setHeader('Retry-After', String(wait));
    sendErrors(
      res,
      status,
      errors.map((e) => this.format(e.toJSON(), e)),
    );
  }

  /** The admitted caller's operation: the gate's `admit`, then Apollo's HTTP handling. */
  private async run(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    caller: Admitted & { requestId: string; log: Logger | (() => Logger); bytes: number },
  ): Promise<void> {
    if (Array.isArray(body))
      return sendError(
        res,
        400,
        ErrorCode.BAD_USER_INPUT,
        'Send one operation per request: batched requests are not supported.',
      );
    const admission = await this.gate.admit(body ?? {}, caller);
    if (!admission.ok) return this.refuse(res, admission.status, admission.errors);
    if (admission.operationType === OperationTypeNode.SUBSCRIPTION)
      return sendError(
        res,
        400,
        ErrorCode.BAD_USER_INPUT,
        'Subscriptions are served over graphql-ws on /graphql, not over HTTP.',
      );
    if (!this.started)
      return sendError(
        res,
        503,
        ErrorCode.INTERNAL_SERVER_ERROR,
        'The server is starting. Try again in a moment.',
      );
    const headers = new HeaderMap();
    for (const name in req.headers) {
      const value = req.headers[name];
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const answer = await this.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body },
      context: () =>
        Promise.resolve(
          createContext({
            requestId: caller.requestId,
            ip: caller.ip,
            userAgent: req.headers['user-agent'] ?? null,
            principal: caller.principal,
            services: this.services,
            log: caller.log,
            ...(caller.ticket ? { usage: caller.ticket } : {}),
          }),
        ),
    });
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') {
      const body = answer.body.string;
      res.setHeader('Content-Length', Buffer.byteLength(body));
      atEndOfTurn(res, () => res.end(body));
      return;
    }
    // Incremental delivery is not offered (no @defer/@stream), but Apollo's type allows it.
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

function finishTicket(ticket: Ticket, res: ServerResponse): () => void {
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
