import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The sample "Acme" API the demo gateway stands in front of: a few JSON endpoints of a small
 * shop, served twice, at `/` (production) and under `/sandbox` (what DEVELOPMENT keys reach).
 * `GET /v1/status` is the flaky one: now and then it answers 503, or takes seconds, so the usage
 * charts show errors and the gateway's 504. Every answer says which partner called (the
 * gateway's X-Partner-* headers), the way a real API behind the gateway would read them.
 */

export const SANDBOX_PATH = '/sandbox';

export interface UpstreamOptions {
  /** Chance that GET /v1/status answers 503 (0 to 1). */
  failureRate?: number;
  /** Chance that GET /v1/status answers only after `slowMs`. */
  slowRate?: number;
  /** How long a slow answer takes, in milliseconds: [shortest, longest]. */
  slowMs?: [number, number];
  random?: () => number;
}

interface Product {
  id: string;
  name: string;
  priceCents: number;
  inStock: boolean;
}

export const PRODUCTS: readonly Product[] = [
  { id: 'anvil', name: 'Anvil (100 lb)', priceCents: 4999, inStock: true },
  { id: 'rocket-skates', name: 'Rocket-powered roller skates', priceCents: 12900, inStock: true },
  { id: 'giant-magnet', name: 'Giant magnet', priceCents: 3450, inStock: true },
  { id: 'bird-seed', name: 'Bird seed (5 kg)', priceCents: 899, inStock: true },
  { id: 'portable-hole', name: 'Portable hole', priceCents: 25000, inStock: false },
  { id: 'tornado-kit', name: 'Do-it-yourself tornado kit', priceCents: 7700, inStock: true },
];

const MAX_BODY = 64 * 1024;

export function createAcmeUpstream(options: UpstreamOptions = {}): Server {
  const failureRate = options.failureRate ?? 0.12;
  const slowRate = options.slowRate ?? 0.12;
  const [slowMin, slowMax] = options.slowMs ?? [1200, 4500];
  const random = options.random ?? Math.random;
  let orderNumber = 1000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://acme.invalid');
    let path = url.pathname;
    const sandbox = path === SANDBOX_PATH || path.startsWith(`${SANDBOX_PATH}/`);
    if (sandbox) path = path.slice(SANDBOX_PATH.length) || '/';
    const partner = {
      teamId: header(req, 'x-partner-team-id'),
      keyId: header(req, 'x-partner-key-id'),
      environment: header(req, 'x-partner-environment'),
    };
    const send = (status: number, body: Record<string, unknown>) =>
      json(res, status, { ...body, environment: sandbox ? 'sandbox' : 'production', partner });

    if (req.method === 'GET' && path === '/v1/status') {
      const roll = random();
      if (roll < failureRate)
        return send(503, {
          error: { code: 'UNAVAILABLE', message: 'The warehouse system is not answering.' },
        });
      if (roll < failureRate + slowRate)
        await sleep(slowMin + Math.floor(random() * (slowMax - slowMin)));
      return send(200, { status: 'ok', time: new Date().toISOString() });
    }
    if (req.method === 'GET' && path === '/v1/products') {
      const limit = Math.min(Number(url.searchParams.get('limit')) || PRODUCTS.length, 50);
      return send(200, { data: PRODUCTS.slice(0, limit), total: PRODUCTS.length });
    }
    const product = /^\/v1\/products\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && product) {
      const found = PRODUCTS.find((p) => p.id === decodeURIComponent(product[1]!));
      return found
        ? send(200, { data: found })
        : send(404, { error: { code: 'NOT_FOUND', message: 'No such product.' } });
    }
    if (req.method === 'POST' && path === '/v1/orders') {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return send(400, { error: { code: 'BAD_REQUEST', message: 'The body must be JSON.' } });
      }
      const { productId, quantity } = (body ?? {}) as { productId?: unknown; quantity?: unknown };
      const found = PRODUCTS.find((p) => p.id === productId);
      if (!found || typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1)
        return send(422, {
          error: {
            code: 'INVALID_ORDER',
            message: 'An order needs a known productId and a whole quantity of at least 1.',
          },
        });
      if (!found.inStock)
        return send(409, {
          error: { code: 'OUT_OF_STOCK', message: `${found.name} is sold out.` },
        });
      orderNumber += 1;
      return send(201, {
        data: {
          id: `ord_${orderNumber}`,
          productId: found.id,
          quantity,
          totalCents: found.priceCents * quantity,
        },
      });
    }
    return send(404, {
      error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${path}.` },
    });
  }

  return createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        json(res, 500, { error: { code: 'INTERNAL', message: (error as Error).message } });
      else res.destroy();
    });
  });
}

/** Listens on 127.0.0.1:port; resolves with the base URL (port 0 picks a free one). */
export function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
