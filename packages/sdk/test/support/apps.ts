/**
 * The same small API served three ways, each guarded by the SDK: a plain `node:http` server with
 * withPartnerAuth, an Express app with partnerAuth, and a Fastify app with fastifyPartnerAuth.
 * Routes: /hello 200 with the partner, /created 201, /boom 500, /slow 200 after 120 ms.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { partnerAuth, withPartnerAuth, type AuthOptions, type PortalClient } from '../../src';
import { fastifyPartnerAuth } from '../../src/fastify';

export interface App {
  url: string;
  close(): Promise<void>;
}

export type Framework = 'http' | 'express' | 'fastify';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function route(path: string | undefined): { status: number; delay: number } {
  switch (path) {
    case '/created':
      return { status: 201, delay: 0 };
    case '/boom':
      return { status: 500, delay: 0 };
    case '/slow':
      return { status: 200, delay: 120 };
    default:
      return { status: 200, delay: 0 };
  }
}

async function listen(server: http.Server): Promise<App> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startApp(
  framework: Framework,
  client: PortalClient,
  options: AuthOptions = {},
): Promise<App> {
  if (framework === 'http') {
    const server = http.createServer(
      withPartnerAuth(
        client,
        async (req, res) => {
          const { status, delay } = route(req.url);
          await sleep(delay);
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ partner: req.partner ?? null }));
        },
        options,
      ),
    );
    return listen(server);
  }
  if (framework === 'express') {
    const app = express();
    app.use(partnerAuth(client, options));
    app.get('/{*path}', async (req, res) => {
      const { status, delay } = route(req.path);
      await sleep(delay);
      res.status(status).json({ partner: req.partner ?? null });
    });
    return listen(http.createServer(app));
  }
  const app = Fastify();
  await app.register(fastifyPartnerAuth, { client, ...options });
  app.get('/*', async (request, reply) => {
    const { status, delay } = route(request.url);
    await sleep(delay);
    return reply.code(status).send({ partner: request.partner ?? null });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
