import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestPortal } from '../harness';

/**
 * One operation sent as a client would send it, over HTTP (POST /graphql) or over graphql-ws
 * (credential in `connection_init`), and what came back, in one shape for both transports.
 */

export type Transport = 'http' | 'ws';

export interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export type Answer =
  /** A result (HTTP body, or graphql-ws `next`); `status` only over HTTP. */
  | {
      kind: 'result';
      status?: number;
      data?: Record<string, unknown> | null;
      errors?: GraphQLErrorShape[];
    }
  /** graphql-ws `error` message: the operation was refused before it ran. */
  | { kind: 'error'; errors: GraphQLErrorShape[] }
  /** The socket closed before any answer (e.g. 4401 when `connection_init` is refused). */
  | { kind: 'closed'; code: number; reason: string }
  /** graphql-ws `complete` before any result. */
  | { kind: 'complete' }
  /** A subscription that sent nothing within the wait. */
  | { kind: 'silent' };

export async function overHttp(
  t: TestPortal,
  op: Operation,
  credential: string | undefined,
  address: string,
): Promise<Answer> {
  const res = await t.post(op.query, op.variables, {
    'x-forwarded-for': address,
    ...(credential ? { authorization: `Bearer ${credential}` } : {}),
  });
  return {
    kind: 'result',
    status: res.status,
    ...('data' in res ? { data: res.data as Record<string, unknown> | null } : {}),
    ...(res.errors ? { errors: res.errors } : {}),
  };
}

/**
 * Sends the operation on a new graphql-ws connection and returns the first thing that comes back.
 * A subscription's first result may take a while (it waits for an event): `waitMs` bounds it, and
 * `whileWaiting` runs meanwhile (e.g. traffic that makes an event).
 */
export async function overWebSocket(
  t: TestPortal,
  op: Operation,
  credential: string | undefined,
  address: string,
  options: { waitMs?: number } = {},
): Promise<Answer> {
  /** The `ws` package lets a client set headers: the cell's own client address. */
  class ForwardedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { 'x-forwarded-for': address } });
    }
  }
  const client = createClient({
    url: `${t.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: ForwardedWebSocket,
    connectionParams: credential ? { authorization: `Bearer ${credential}` } : {},
    lazy: false,
    retryAttempts: 0,
    // A refused connection_init is an answer here (reported through the subscription's sink).
    onNonLazyError: () => undefined,
  });
  let unsubscribe = () => undefined as void;
  try {
    return await new Promise<Answer>((resolve) => {
      const timer = options.waitMs
        ? setTimeout(() => resolve({ kind: 'silent' }), options.waitMs)
        : undefined;
      const settle = (answer: Answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      unsubscribe = client.subscribe<Record<string, unknown>>(op, {
        next: (value) =>
          settle({
            kind: 'result',
            ...('data' in value ? { data: value.data ?? null } : {}),
            ...(value.errors ? { errors: value.errors as GraphQLErrorShape[] } : {}),
          }),
        error: (error: unknown) => settle(fromSinkError(error)),
        complete: () => settle({ kind: 'complete' }),
      });
    });
  } finally {
    unsubscribe();
    await client.dispose();
  }
}

function fromSinkError(error: unknown): Answer {
  if (Array.isArray(error)) return { kind: 'error', errors: error as GraphQLErrorShape[] };
  if (typeof error === 'object' && error !== null && 'code' in error && 'reason' in error) {
    const close = error as { code: number; reason: unknown };
    return { kind: 'closed', code: close.code, reason: String(close.reason) };
  }
  return {
    kind: 'error',
    errors: [{ message: `client error: ${String(error)}`, extensions: { code: 'CLIENT_ERROR' } }],
  };
}
