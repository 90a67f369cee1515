/**
 * Fastify: `app.register(fastifyPartnerAuth, { client })`. Checks the key in an `onRequest` hook
 * (before the body is read), sets `request.partner`, and reports every keyed request's status and
 * time in `onResponse`. It applies to the scope it is registered in: register it inside a
 * `register(async (api) => …)` to guard only some routes, or on the root for all of them.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PortalClient } from './client';
import { decide, type AuthOptions } from './middleware';
import { refusalBody } from './refusals';
import type { Partner } from './types';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by fastifyPartnerAuth once the request's key passed. */
    partner?: Partner;
  }
}

export interface FastifyPartnerAuthOptions extends AuthOptions {
  client: PortalClient;
}

const KEY_ID = Symbol('partnerPortalKeyId');
const STARTED = Symbol('partnerPortalStarted');
type Tracked = FastifyRequest & { [KEY_ID]?: string; [STARTED]?: number };

export function fastifyPartnerAuth(
  fastify: FastifyInstance,
  options: FastifyPartnerAuthOptions,
  done: (error?: Error) => void,
): void {
  const { client, ...authOptions } = options;
  if (!client) return done(new TypeError('fastifyPartnerAuth: the `client` option is required.'));
  const report = authOptions.reportUsage !== false;
  if (!fastify.hasRequestDecorator('partner')) fastify.decorateRequest('partner', undefined);

  fastify.addHook('onRequest', async (request: Tracked, reply: FastifyReply) => {
    request[STARTED] = performance.now();
    const decision = await decide(client, request.headers, authOptions);
    request[KEY_ID] = decision.keyId;
    if (!decision.pass) {
      const { refusal } = decision;
      return reply
        .code(refusal.status)
        .headers({ ...refusal.headers, 'cache-control': 'no-store' })
        .type('application/json; charset=utf-8')
        .send(refusalBody(refusal));
    }
    reply.headers(decision.headers);
    if (decision.partner) request.partner = decision.partner;
  });

  if (report) {
    const record = (request: Tracked, status: number) => {
      const keyId = request[KEY_ID];
      if (keyId === undefined) return;
      request[KEY_ID] = undefined;
      client.recordUsage(
        keyId,
        status,
        Math.round(performance.now() - (request[STARTED] ?? performance.now())),
        Date.now(),
      );
    };
    fastify.addHook('onResponse', (request: Tracked, reply: FastifyReply, next: () => void) => {
      record(request, reply.statusCode);
      next();
    });
    // The client went away before the answer: nginx's 499.
    fastify.addHook('onRequestAbort', (request: Tracked, next: () => void) => {
      record(request, 499);
      next();
    });
  }
  done();
}

// What fastify-plugin does: the hooks apply to the scope that registers the plugin, not a child.
(fastifyPartnerAuth as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(fastifyPartnerAuth as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] =
  '@partner-portal/sdk';
