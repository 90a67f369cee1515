/**
 * The one upstream of the whole bench, in a process of its own: `GET /` answers the small JSON
 * document every throughput figure serves (the SDK's bench serves the same), `/status/<code>`
 * answers that status (for the counting figure), and `POST /verify-json` is the bare node:http
 * server of figure 1: it does the HTTP work the portal's endpoint cannot skip (reads the body,
 * parses it as JSON) and answers, byte for byte and with the same headers, the JSON the portal's
 * verify endpoint answered (sent by the parent over IPC).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The small JSON document every throughput figure's server answers (the SDK's bench servers answer the same). */
const SMALL_JSON = JSON.stringify({ hello: 'partner', items: [1, 2, 3] });

let verifyJson = '{}';

const send = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  const url = req.url ?? '/';
  if (url === '/') return send(res, 200, SMALL_JSON);
  if (url === '/verify-json') {
    // Read and parse the body as the portal must, then answer what it would, with its headers.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key?: unknown };
      if (typeof body.key !== 'string') return send(res, 400, '{}');
      res.writeHead(200, [
        'Content-Type',
        'application/json; charset=utf-8',
        'Cache-Control',
        'no-store',
        'X-Content-Type-Options',
        'nosniff',
        'Content-Length',
        String(Buffer.byteLength(verifyJson)),
      ]);
      res.end(verifyJson);
    });
    return;
  }
  const status = /^\/status\/(\d{3})$/.exec(url);
  if (status) {
    const code = Number(status[1]);
    if (code === 204 || code === 304) {
      res.writeHead(code);
      return res.end();
    }
    res.writeHead(code, code === 301 ? { location: '/' } : {});
    return res.end(`status ${code}`);
  }
  send(res, 404, JSON.stringify({ error: 'no such path' }));
});

process.on('message', (message: { verifyJson?: string; stop?: true }) => {
  if (message.verifyJson !== undefined) {
    verifyJson = message.verifyJson;
    process.send!({ verifyJsonSet: true });
  }
  if (message.stop) {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});

server.listen(0, '127.0.0.1', () => {
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
