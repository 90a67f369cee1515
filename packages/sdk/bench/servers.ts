/**
 * The measured servers, in a process of their own (the load generator must not share their event
 * loop): the same JSON answer bare, behind the middleware, and behind the middleware without usage
 * reports (to tell the check's cost from the reports'). Sends its URLs to the parent over IPC and
 * flushes the reports when asked to stop.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPortalClient, withPartnerAuth } from '../src';

const answer = (res: http.ServerResponse) => {
  const body = JSON.stringify({ hello: 'partner', items: [1, 2, 3] });
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
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
    sdkNoReports: http.createServer(
      withPartnerAuth(client, (_req, res) => answer(res), { reportUsage: false }),
    ),
  };
  const urls = {
    bare: await listen(servers.bare),
    sdk: await listen(servers.sdk),
    sdkNoReports: await listen(servers.sdkNoReports),
  };
  process.send!({ urls });
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
