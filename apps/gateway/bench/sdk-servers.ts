/**
 * Figure 4's two servers, in one process of their own (as packages/sdk/bench/servers.ts does):
 * node:http answering the bench's small JSON bare, and the same behind the SDK's middleware
 * (verify against the real portal with a warm cache, every request reported to /v1/usage). Sends
 * its URLs over IPC; on 'stop' closes, flushes the reports and sends the client's stats.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPortalClient, withPartnerAuth } from '@partner-portal/sdk';
import { SMALL_JSON } from './upstream-json';

const answer = (res: http.ServerResponse) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(SMALL_JSON),
  });
  res.end(SMALL_JSON);
};

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function main() {
  const client = createPortalClient({
    url: process.env.PORTAL_URL!,
    serviceToken: process.env.SERVICE_TOKEN!,
  });
  const servers = {
    bare: http.createServer((_req, res) => answer(res)),
    sdk: http.createServer(withPartnerAuth(client, (_req, res) => answer(res))),
  };
  process.send!({ urls: { bare: await listen(servers.bare), sdk: await listen(servers.sdk) } });
  process.on('message', (message: string) => {
    if (message !== 'stop') return;
    for (const server of Object.values(servers)) {
      server.close();
      server.closeAllConnections();
    }
    void client
      .close()
      .catch(() => {})
      .then(() => {
        process.send!({ stats: client.stats() });
        process.disconnect();
      });
  });
}

void main();
