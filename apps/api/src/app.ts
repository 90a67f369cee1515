import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import {
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Redis } from 'ioredis';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { WebSocketServer } from 'ws';
import type { Config } from './config';
import type { Principal } from './core/auth/principal';
import { systemClock, type Clock } from './core/clock';
import { createContext, resolvePrincipal, type Context } from './core/context';
import { openDatabase } from './core/db/data-source';
import { AppError, ErrorCode, formatError } from './core/errors';
import { costLimitPlugin, limitRules } from './core/graphql-limits';
import { createLogger } from './core/logger';
import { createMailer, type Mailer } from './core/mail';
import { RateLimits } from './core/rate-limit';
import { createRedis } from './core/redis';
import { createLive } from './core/live';
import { KeyRefused } from './modules/api-keys/api-key-authenticator';
import { buildGraphQLSchema } from './schema';
import { createServices, type Services } from './services';

export interface PortalOptions {
  clock?: Clock;
  logger?: Logger;
}

export interface Portal {
  config: Config;
  httpServer: http.Server;
  logger: Logger;
  dataSource: DataSource;
  services: Services;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, finishes those in flight, closes websockets, Redis and the database. */
  stop(): Promise<void>;
}

/** A GraphQL-shaped error answer for failures before GraphQL runs (bad JSON, bad credential). */
function sendError(
  res: express.Response,
  status: number,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}

/** Builds the whole portal (database migrated, services, HTTP + GraphQL + graphql-ws + SPA) without listening yet. */
export async function createPortal(config: Config, options: PortalOptions = {}): Promise<Portal> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const isDev = config.nodeEnv === 'development';
  const isProd = config.nodeEnv === 'production';

  const { dataSource, applied } = await openDatabase(config.database);
  if (applied > 0) logger.info({ applied }, 'database migrations applied');
  let redis: Redis | undefined;
  let redisSubscriber: Redis | undefined;
  let mailer: Mailer | undefined;
  try {
    redis = config.redisUrl ? createRedis(config.redisUrl) : undefined;
    // A subscribed connection can do nothing else: pub/sub gets its own.
    redisSubscriber = config.redisUrl ? createRedis(config.redisUrl) : undefined;
    mailer = createMailer({
      smtpUrl: config.smtpUrl,
      from: config.mailFrom,
      dataDir: config.dataDir,
      logger,
    });
    const services = createServices({
      config,
      dataSource,
      clock,
      mailer,
      limits: new RateLimits(redis, config.redisPrefix),
      logger,
      live: createLive(
        redis && redisSubscriber
          ? { publisher: redis, subscriber: redisSubscriber, prefix: `${config.redisPrefix}live:` }
          : undefined,
      ),
      redis,
    });
    const schema = await buildGraphQLSchema();
    const portal = assemble({
      config,
      logger,
      dataSource,
      services,
      schema,
      redis,
      redisSubscriber,
      mailer,
      isDev,
      isProd,
    });
    return portal;
  } catch (error) {
    redis?.disconnect();
    redisSubscriber?.disconnect();
    mailer?.close();
    await dataSource.destroy();
    throw error;
  }
}

interface Parts {
  config: Config;
  logger: Logger;
  dataSource: DataSource;
  services: Services;
  schema: GraphQLSchema;
  redis: Redis | undefined;
  redisSubscriber: Redis | undefined;
  mailer: Mailer;
  isDev: boolean;
  isProd: boolean;
}

function assemble(parts: Parts): Portal {
  const {
    config,
    logger,
    dataSource,
    services,
    schema,
    redis,
    redisSubscriber,
    mailer,
    isDev,
    isProd,
  } = parts;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const httpServer = http.createServer(app);
  const format = formatError(logger, isDev);
  const rules = limitRules(config.limits);

  // --- graphql-ws on the same path: the credential comes in connection_init. ---
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: config.limits.bodyBytes,
  });
  const wsCleanup = useServer<
    Record<string, unknown>,
    { principal?: Principal | null; ip: string; requestId: string }
  >(
    {
      schema,
      onConnect: async (ctx) => {
        const { authorization, 'x-api-key': apiKey } = ctx.connectionParams ?? {};
        ctx.extra.ip = ctx.extra.request.socket.remoteAddress ?? 'unknown';
        ctx.extra.requestId = randomUUID();
        try {
          ctx.extra.principal = await resolvePrincipal(services, {
            authorization: typeof authorization === 'string' ? authorization : undefined,
            apiKey: typeof apiKey === 'string' ? apiKey : undefined,
          });
          return true;
        } catch (error) {
          if (error instanceof AppError) {
            ctx.extra.socket.close(4401, error.message);
            return false;
          }
          throw error;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: config.limits.tokens });
        } catch (error) {
          return [
            error instanceof GraphQLError ? error : new GraphQLError('Could not parse the query.'),
          ];
        }
        const errors = validate(schema, document, [...specifiedRules, ...rules]);
        if (errors.length > 0) return errors;
        const contextValue: Context = createContext({
          requestId: ctx.extra.requestId ?? randomUUID(),
          ip: ctx.extra.ip ?? 'unknown',
          userAgent: ctx.extra.request.headers['user-agent'] ?? null,
          principal: ctx.extra.principal ?? null,
          services,
          log: logger.child({ reqId: ctx.extra.requestId }),
        });
        return {
          schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue,
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        const errors = (result as ExecutionResult).errors;
        if (!errors?.length) return result;
        // Sent as JSON: formatted errors serialize exactly like GraphQLErrors.
        return { ...result, errors: errors.map((e) => format(e.toJSON(), e)) };
      },
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((e) => {
          const { message, extensions } = format(e.toJSON(), e);
          return new GraphQLError(message, { extensions });
        }),
    },
    wsServer,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    formatError: format,
    introspection: !isProd,
    hideSchemaDetailsFromClientErrors: isProd,
    includeStacktraceInErrorResponses: isDev,
    validationRules: rules,
    parseOptions: { maxTokens: config.limits.tokens },
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT and stops everything in order; Apollo must not race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        serverWillStart() {
          return Promise.resolve({
            async drainServer() {
              await wsCleanup.dispose();
            },
          });
        },
      },
      costLimitPlugin(schema, config.limits.cost),
      {
        // A keyed request whose GraphQL answer carries errors counts as failed, even with HTTP 200.
        requestDidStart: () =>
          Promise.resolve({
            willSendResponse({ response, contextValue }) {
              if (
                contextValue.usage &&
                response.body.kind === 'single' &&
                response.body.singleResult.errors?.length
              ) {
                contextValue.usage.hadErrors = true;
              }
              return Promise.resolve();
            },
          }),
      },
      ...(isProd ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    }),
  );

  app.get('/healthz', async (_req, res) => {
    try {
      await dataSource.query('SELECT 1');
      res.json({ status: 'ok' });
    } catch (error) {
      logger.error({ err: error }, 'health check: database does not answer');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  const requireJson: RequestHandler = (req, res, next) => {
    if (req.method === 'POST' && !req.is('application/json')) {
      return sendError(
        res,
        400,
        ErrorCode.BAD_USER_INPUT,
        'Send GraphQL requests as JSON (Content-Type: application/json).',
      );
    }
    next();
  };

  const authenticate: RequestHandler = (req, res, next) => {
    res.locals.startedAt = performance.now();
    const apiKey = req.headers['x-api-key'];
    resolvePrincipal(services, {
      authorization: req.headers.authorization,
      apiKey: Array.isArray(apiKey) ? apiKey.join(',') : apiKey,
    })
      .then((principal) => {
        res.locals.principal = principal;
        next();
      })
      .catch((error: unknown) => {
        // A revoked or expired key is still that team's key: its refusals count in the team's usage.
        if (error instanceof KeyRefused && error.key)
          meterResponse(res, error.key.id, error.key.teamId);
        if (error instanceof AppError)
          return sendError(res, 401, error.code, error.message, error.extensions);
        next(error);
      });
  };

  /** Counts the response, whatever its outcome, once it has been sent. */
  const meterResponse = (res: Response, apiKeyId: string, teamId: string) => {
    res.locals.usage = { hadErrors: false, apiKeyId, teamId };
    res.once('finish', recordFinished);
  };
  // One listener for every metered response (no closure per request on this hot path).
  function recordFinished(this: Response) {
    const { apiKeyId, teamId, hadErrors } = this.locals.usage as {
      hadErrors: boolean;
      apiKeyId: string;
      teamId: string;
    };
    services.usageRecorder.record({
      apiKeyId,
      teamId,
      status: this.statusCode,
      failed: this.statusCode >= 400 || hadErrors,
      latencyMs: performance.now() - (this.locals.startedAt as number),
    });
  }

  /** Requests made with a key: counted, and held to the key's own limits (RateLimit headers on every answer). */
  const meter: RequestHandler = (_req, res, next) => {
    const principal = res.locals.principal as Principal | null;
    if (principal?.kind !== 'apiKey') return next();
    meterResponse(res, principal.keyId, principal.teamId);
    if (principal.rateLimitPerMinute === null && principal.monthlyRequestLimit === null)
      return next();
    services.keyLimits
      .check({
        id: principal.keyId,
        rateLimitPerMinute: principal.rateLimitPerMinute,
        monthlyRequestLimit: principal.monthlyRequestLimit,
      })
      .then((verdict) => {
        res.set(verdict.headers);
        if (!verdict.allowed) {
          return sendError(
            res,
            429,
            ErrorCode.RATE_LIMITED,
            verdict.message ?? 'Too many requests.',
            { retryAfterSeconds: verdict.retryAfterSeconds },
          );
        }
        next();
      })
      .catch(next);
  };

  // Created once Apollo has started (in listen); until then the endpoint says so instead of failing.
  let handleGraphQL: RequestHandler | undefined;
  const graphqlHandler: RequestHandler = (req, res, next) => {
    if (!handleGraphQL)
      return sendError(
        res,
        503,
        ErrorCode.INTERNAL_SERVER_ERROR,
        'The server is starting. Try again in a moment.',
      );
    return handleGraphQL(req, res, next);
  };
  const context = ({ req, res }: { req: Request; res: Response }): Promise<Context> =>
    Promise.resolve(
      createContext({
        requestId: String(req.id as string),
        ip: req.ip ?? 'unknown',
        userAgent: req.headers['user-agent'] ?? null,
        principal: (res.locals.principal as Principal | null | undefined) ?? null,
        services,
        log: req.log,
        usage: res.locals.usage as Context['usage'],
      }),
    );

  app.use(
    '/graphql',
    authenticate,
    meter,
    requireJson,
    express.json({ limit: config.limits.bodyBytes }),
    graphqlHandler,
  );

  // The built web app, with client-side routes falling back to index.html.
  const index = path.join(config.webDist, 'index.html');
  if (existsSync(index)) {
    app.use(express.static(config.webDist, { index: false, maxAge: '1h' }));
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  } else {
    logger.warn(
      { webDist: config.webDist },
      'the web app is not built; only the API is served (run `pnpm build`)',
    );
  }

  app.use((_req, res) => sendError(res, 404, ErrorCode.NOT_FOUND, 'Not found.'));

  const onError: ErrorRequestHandler = (
    error: { type?: string; status?: number },
    req,
    res,
    _next,
  ) => {
    if (error.type === 'entity.parse.failed') {
      return sendError(res, 400, ErrorCode.BAD_USER_INPUT, 'The request body is not valid JSON.');
    }
    if (error.type === 'entity.too.large') {
      return sendError(
        res,
        413,
        ErrorCode.BAD_USER_INPUT,
        `The request body is larger than ${config.limits.bodyBytes} bytes.`,
      );
    }
    if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      return sendError(
        res,
        error.status,
        ErrorCode.BAD_USER_INPUT,
        'The request could not be read.',
      );
    }
    req.log.error({ err: error }, 'unhandled error');
    sendError(
      res,
      500,
      ErrorCode.INTERNAL_SERVER_ERROR,
      'Something went wrong on our side. Please try again.',
    );
  };
  app.use(onError);

  let stopping: Promise<void> | undefined;
  return {
    config,
    httpServer,
    logger,
    dataSource,
    services,
    async listen() {
      await apollo.start();
      services.apiKeyAuth.start();
      services.usageRecorder.start();
      handleGraphQL = expressMiddleware(apollo, { context });
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => resolve());
      });
      const { port } = httpServer.address() as AddressInfo;
      return `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
    },
    stop() {
      stopping ??= (async () => {
        if (handleGraphQL) await apollo.stop();
        else await wsCleanup.dispose();
        if (httpServer.listening)
          await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await services.apiKeyAuth.stop();
        await services.usageRecorder.stop();
        mailer.close();
        for (const client of [redisSubscriber, redis])
          await client?.quit().catch(() => client.disconnect());
        if (dataSource.isInitialized) await dataSource.destroy();
      })();
      return stopping;
    },
  };
}
