import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import {
  type GraphQLError,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  OperationTypeNode,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { decodeJwt } from 'jose';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from '../core/auth/principal';
import type { Clock } from '../core/clock';
import { createContext, type Context } from '../core/context';
import { AppError, ErrorCode } from '../core/errors';
import type { Revocation } from '../core/revocations';
import type { Config } from '../config';
import type { Services } from '../services';
import type { Credentials, Gate, Ticket } from './gate';

type Format = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** How often open sockets are checked for credentials that ended by the clock (expiry). */
const SWEEP_MS = 500;
/** Close code for a socket whose credential ended (graphql-ws: 4401 Unauthorized). */
const CREDENTIAL_ENDED = 4401;
const CLOSE_DELAY_MS = 100;

interface Operation {
  type: OperationTypeNode;
  context: Context;
  /** Aborts the operation's streams (Context.signal). */
  controller: AbortController;
  ticket: Ticket | null;
  /** Ends a running subscription with this error (set once it is streaming). */
  end?: (error: GraphQLError) => void;
}

interface Connection {
  id: string;
  socket: WebSocket;
  ip: string;
  credentials: Credentials;
  principal: Principal | null;
  /** For a session: when its token expires (the clock ends it without any event). */
  expiresAt: number | null;
  operations: Map<string, Operation>;
}

type Extra = { connection?: Connection };

export interface WsTransport {
  /** Open sockets (for metrics and tests). */
  readonly connections: number;
  /** Subscriptions streaming on them (for metrics). */
  readonly subscriptions: number;
  dispose(): Promise<void>;
}

/**
 * GraphQL over graphql-ws on `/graphql`: a thin adapter over the gate. The credential comes in
 * `connection_init` and is checked again for every operation; when it ends (revoked key, ended
 * session, removed membership, expiry), the subscriptions that relied on it complete with
 * UNAUTHENTICATED and the socket closes, in every process (revocations travel through Redis).
 */
export function graphqlOverWebSocket(deps: {
  httpServer: http.Server;
  gate: Gate;
  schema: GraphQLSchema;
  services: Services;
  config: Config;
  logger: Logger;
  clock: Clock;
  format: Format;
}): WsTransport {
  const { httpServer, gate, schema, services, config, logger, clock, format } = deps;
  const connections = new Set<Connection>();
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: config.limits.bodyBytes });
  httpServer.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql')
      return void socket.destroy();
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request));
  });

  const formatErrors = (errors: readonly GraphQLError[]) =>
    errors.map((e) => format(e.toJSON(), e));

  const cleanup = useServer<Record<string, unknown>, Extra>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const credentials: Credentials = {
          authorization:
            typeof params.authorization === 'string' ? params.authorization : undefined,
          apiKey: typeof params['x-api-key'] === 'string' ? params['x-api-key'] : undefined,
        };
        const ip = clientAddress(ctx.extra.request, config.trustProxy);
        try {
          const principal = await gate.authenticate(credentials, ip);
          const connection: Connection = {
            id: randomUUID(),
            socket: ctx.extra.socket,
            ip,
            credentials,
            principal,
            expiresAt: principal?.kind === 'user' ? sessionExpiry(credentials) : null,
            operations: new Map(),
          };
          (ctx.extra as Extra).connection = connection;
          connections.add(connection);
          return true;
        } catch (error) {
          if (error instanceof AppError) {
            ctx.extra.socket.close(CREDENTIAL_ENDED, error.message);
            return false;
          }
          throw error;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = (ctx.extra as Extra).connection;
        if (!connection) return [unauthenticated('Sign in to do this.')];
        const startedAt = performance.now();
        // The credential is checked again for every operation, never trusted from the connection.
        const entry = await gate.enter(connection.credentials, connection.ip, startedAt);
        if (!entry.ok) {
          entry.ticket?.finish(entry.status);
          return [entry.error.toGraphQLError()];
        }
        connection.principal = entry.principal;
        const admission = await gate.admit(payload, {
          principal: entry.principal,
          ip: connection.ip,
          ticket: entry.ticket,
        });
        if (!admission.ok) {
          entry.ticket?.finish(admission.status);
          return admission.errors;
        }
        const requestId = randomUUID();
        const controller = new AbortController();
        const context = createContext({
          signal: controller.signal,
          requestId,
          ip: connection.ip,
          userAgent: ctx.extra.request.headers['user-agent'] ?? null,
          principal: entry.principal,
          services,
          log: logger.child({ reqId: requestId, transport: 'ws' }),
          ...(entry.ticket ? { usage: entry.ticket } : {}),
        });
        connection.operations.set(id, {
          type: admission.operationType,
          context,
          controller,
          ticket: entry.ticket,
        });
        return {
          schema,
          document: admission.document,
          variableValues: admission.variables,
          operationName: admission.operationName,
          contextValue: context,
        };
      },
      onOperation: (ctx, id, _payload, _args, result) => {
        const operation = (ctx.extra as Extra).connection?.operations.get(id);
        if (!operation || !isAsyncIterable(result)) return;
        // A subscription counts once, when it is established.
        operation.ticket?.finish(200);
        return endable(result, operation, operation.controller);
      },
      onNext: (ctx, id, _payload, _args, result) => {
        const operation = (ctx.extra as Extra).connection?.operations.get(id);
        const errors = (result as ExecutionResult).errors;
        if (operation?.ticket) {
          operation.ticket.hadErrors ||= Boolean(errors?.length);
          operation.ticket.finish(statusOf(errors));
        }
        if (!errors?.length) return result;
        return { ...result, errors: formatErrors(errors) };
      },
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors),
      onComplete: (ctx, id) => {
        const operations = (ctx.extra as Extra).connection?.operations;
        operations?.get(id)?.controller.abort();
        operations?.delete(id);
      },
      onClose: (ctx) => {
        const connection = (ctx.extra as Extra).connection;
        if (!connection) return;
        connections.delete(connection);
        for (const operation of connection.operations.values()) operation.controller.abort();
      },
    },
    wsServer,
  );

  /** Ends every subscription of a connection whose credential ended, then closes its socket. */
  const endConnection = (connection: Connection, error: AppError) => {
    for (const operation of connection.operations.values()) operation.end?.(error.toGraphQLError());
    connections.delete(connection);
    // Let the final results and completions reach the client before the close frame.
    setTimeout(
      () => connection.socket.close(CREDENTIAL_ENDED, error.message),
      CLOSE_DELAY_MS,
    ).unref();
  };

  const recheckCredential = async (connection: Connection) => {
    try {
      await gate.authenticate(connection.credentials, connection.ip);
    } catch (error) {
      if (error instanceof AppError) return endConnection(connection, error);
      logger.warn({ err: error }, 'could not re-check a websocket credential; will retry');
    }
  };

  /** Ends the subscriptions that read a team the caller may no longer read. */
  const recheckTeam = async (connection: Connection, teamId: string) => {
    for (const operation of connection.operations.values()) {
      if (!operation.end || !readsTeam(operation.context, teamId)) continue;
      try {
        await services.access.read({ principal: connection.principal, memo: new Map() }, teamId);
      } catch (error) {
        if (!(error instanceof AppError)) {
          logger.warn({ err: error }, 'could not re-check a team membership; will retry');
          continue;
        }
        operation.end(
          new AppError(
            ErrorCode.UNAUTHENTICATED,
            'You no longer have access to this team.',
          ).toGraphQLError(),
        );
      }
    }
  };

  const onRevocation = (revocation: Revocation) => {
    for (const connection of connections) {
      const principal = connection.principal;
      switch (revocation.kind) {
        case 'apiKey':
          if (principal?.kind === 'apiKey' && principal.keyId === revocation.keyId)
            void recheckCredential(connection);
          break;
        case 'session':
          if (principal?.kind === 'user' && principal.sessionId === revocation.sessionId)
            void recheckCredential(connection);
          break;
        case 'userSessions':
          if (principal?.kind === 'user' && principal.userId === revocation.userId)
            void recheckCredential(connection);
          break;
        case 'membership':
          if (principal?.kind === 'user' && principal.userId === revocation.userId)
            void recheckTeam(connection, revocation.teamId);
          break;
        case 'team':
          void recheckTeam(connection, revocation.teamId);
          break;
      }
    }
  };
  const stopListening = services.revocations.on(onRevocation);

  // Credentials also end by the clock: keys are re-checked (a cached look-up, no database work),
  // sessions by their token's expiry.
  const sweep = setInterval(() => {
    const now = clock.now().getTime();
    for (const connection of connections) {
      if (connection.principal?.kind === 'apiKey') void recheckCredential(connection);
      else if (connection.expiresAt !== null && connection.expiresAt <= now)
        endConnection(
          connection,
          new AppError(ErrorCode.UNAUTHENTICATED, 'Your session has ended. Sign in again.'),
        );
    }
  }, SWEEP_MS);
  sweep.unref();

  return {
    get connections() {
      return connections.size;
    },
    get subscriptions() {
      let n = 0;
      for (const connection of connections)
        for (const operation of connection.operations.values())
          if (operation.type === OperationTypeNode.SUBSCRIPTION) n += 1;
      return n;
    },
    async dispose() {
      clearInterval(sweep);
      stopListening();
      await cleanup.dispose();
    },
  };
}

function unauthenticated(message: string): GraphQLError {
  return new AppError(ErrorCode.UNAUTHENTICATED, message).toGraphQLError();
}

/** The HTTP status the same outcome would have had over HTTP (an error's own status, else 200). */
function statusOf(errors: readonly GraphQLError[] | undefined): number {
  let status = 200;
  for (const error of errors ?? []) {
    const http = (error.extensions?.http ??
      (error.originalError as GraphQLError | undefined)?.extensions?.http) as
      { status?: number } | undefined;
    if (http?.status && http.status > status) status = http.status;
  }
  return status;
}

/** Whether an operation's context read this team (TeamAccess memoizes what it checked, per team). */
function readsTeam(context: Context, teamId: string): boolean {
  return context.memo.has(`membership:${teamId}`) || context.memo.has(`team:${teamId}`);
}

function sessionExpiry(credentials: Credentials): number | null {
  const token = credentials.authorization?.replace(/^Bearer\s+/i, '').trim();
  if (!token) return null;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function clientAddress(request: http.IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? 'unknown';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * A subscription's results until it ends by itself or is ended: then one last result carries the
 * error (UNAUTHENTICATED) and the stream completes. Written as a plain iterator, not an async
 * generator: a generator's return() queues behind a pending read, so a subscription waiting for
 * its next event could not be ended (nor its socket's listeners released) until one arrived.
 */
function endable(
  source: AsyncIterable<ExecutionResult>,
  operation: Operation,
  controller: AbortController,
): AsyncGenerator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const ended = new Promise<{ ended: GraphQLError }>((resolve) => {
    operation.end = (error) => resolve({ ended: error });
  });
  let done = false;
  const finish = (): Promise<IteratorResult<ExecutionResult>> => {
    done = true;
    operation.end = undefined;
    // Ends the source stream even while a read is pending (see Context.signal).
    controller.abort();
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
    return Promise.resolve({ value: undefined, done: true });
  };
  const stream = {
    async next(): Promise<IteratorResult<ExecutionResult>> {
      if (done) return { value: undefined, done: true };
      const next = await Promise.race([iterator.next(), ended]);
      if ('ended' in next) {
        await finish();
        return { value: { errors: [next.ended] }, done: false };
      }
      if (next.done) done = true;
      return next;
    },
    return: finish,
    throw: finish,
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream as unknown as AsyncGenerator<ExecutionResult>;
}
