import type { IncomingHttpHeaders } from 'node:http';
import type { Environment } from './key-check';

/** Connection-level headers (RFC 9110 §7.6.1): they describe one hop and are never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** What the client said about earlier hops; believed only behind a trusted proxy (TRUST_PROXY). */
const FORWARDING = new Set([
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'forwarded',
  'x-real-ip',
]);

/**
 * Removed from every forwarded request: the key itself, the Host of the gateway (the upstream's
 * own is sent), and `Expect` (the gateway has already answered 100-continue to its client).
 */
const REQUEST_DROPPED = new Set(['authorization', 'x-api-key', 'host', 'expect']);

/** The whole `X-Partner-*` namespace belongs to the gateway: a client's values never pass. */
const PARTNER_PREFIX = 'x-partner-';

export type KeyFound = { key: string } | { missing: true } | { ambiguous: true };

/**
 * The key of a request, from `Authorization: Bearer <key>` or `X-API-Key: <key>`. Every copy of
 * both headers is read (from the raw list): two different keys in one request are refused rather
 * than guessed between.
 */
export function findKey(rawHeaders: readonly string[]): KeyFound {
  const found = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!.trim();
    if (name === 'x-api-key' && value !== '') found.add(value);
    else if (name === 'authorization') {
      const bearer = /^Bearer[ \t]+(\S+)$/i.exec(value);
      if (bearer) found.add(bearer[1]!);
    }
  }
  if (found.size === 0) return { missing: true };
  if (found.size > 1) return { ambiguous: true };
  return { key: [...found][0]! };
}

const NO_TOKENS: ReadonlySet<string> = new Set();

/**
 * The tokens a `Connection` header names: more headers of this hop only. Nearly every message
 * says just `keep-alive` or `close`, which name nothing more to remove (Keep-Alive is hop-by-hop
 * anyway): those make no set.
 */
function connectionTokens(values: Iterable<string>): ReadonlySet<string> {
  let tokens: Set<string> | undefined;
  for (const value of values) {
    const lower = value.toLowerCase();
    if (lower === 'keep-alive' || lower === 'close') continue;
    for (const token of lower.split(',')) {
      const t = token.trim();
      if (t) (tokens ??= new Set()).add(t);
    }
  }
  return tokens ?? NO_TOKENS;
}

export interface ForwardContext {
  /** The address of the peer that connected to the gateway. */
  remoteAddress: string;
  /** The address the request is counted under (the peer, or the trusted proxy's client). */
  clientAddress: string;
  /** True when the gateway itself was reached over TLS. */
  encrypted: boolean;
  trustProxy: boolean;
  partner: { teamId: string; keyId: string; environment: Environment };
  requestId: string;
}

/**
 * The headers sent to the upstream, as a flat [name, value, …] list in the client's order and
 * spelling (duplicates kept): hop-by-hop, key and partner headers removed; partner and forwarding
 * headers set by the gateway.
 */
export function upstreamRequestHeaders(
  rawHeaders: readonly string[],
  ctx: ForwardContext,
): string[] {
  const connection: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2)
    if (rawHeaders[i]!.toLowerCase() === 'connection') connection.push(rawHeaders[i + 1]!);
  const alsoHop = connectionTokens(connection);

  const out: string[] = [];
  let forwardedFor: string | undefined;
  let forwardedProto: string | undefined;
  let forwardedHost: string | undefined;
  let host: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === 'host') host ??= value;
    if (
      HOP_BY_HOP.has(lower) ||
      alsoHop.has(lower) ||
      REQUEST_DROPPED.has(lower) ||
      lower.startsWith(PARTNER_PREFIX) ||
      lower === 'x-request-id'
    )
      continue;
    if (FORWARDING.has(lower)) {
      if (!ctx.trustProxy) continue;
      if (lower === 'x-forwarded-for') {
        forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value;
        continue;
      }
      if (lower === 'x-forwarded-proto') {
        forwardedProto ??= value;
        continue;
      }
      if (lower === 'x-forwarded-host') {
        forwardedHost ??= value;
        continue;
      }
    }
    out.push(name, value);
  }
  out.push(
    'x-forwarded-for',
    forwardedFor ? `${forwardedFor}, ${ctx.remoteAddress}` : ctx.remoteAddress,
    'x-forwarded-proto',
    forwardedProto ?? (ctx.encrypted ? 'https' : 'http'),
  );
  const originalHost = forwardedHost ?? host;
  if (originalHost !== undefined) out.push('x-forwarded-host', originalHost);
  out.push(
    'x-partner-team-id',
    ctx.partner.teamId,
    'x-partner-key-id',
    ctx.partner.keyId,
    'x-partner-environment',
    ctx.partner.environment,
    'x-request-id',
    ctx.requestId,
  );
  return out;
}

/**
 * The upstream's response headers for the client: hop-by-hop ones removed, the rest as they came
 * (undici names them in lower case). With `rateLimit` (the gateway's RateLimit-* for the key),
 * those replace every RateLimit-* the upstream sent; `own` (the gateway's X-Request-Id, Connection:
 * close while draining) comes first. One object built here, not two spread into a third: the
 * spread cost the gateway about 10 µs a request (its CPU profile).
 */
export function clientResponseHeaders(
  headers: IncomingHttpHeaders,
  rateLimit: Readonly<Record<string, string>> = {},
  own: Readonly<Record<string, string>> = {},
): IncomingHttpHeaders {
  const raw = headers.connection;
  const alsoHop = connectionTokens(raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]);
  let replaced = false;
  for (const _ in rateLimit) {
    replaced = true;
    break;
  }
  const out: IncomingHttpHeaders = {};
  // The gateway's own first (X-Request-Id: an upstream that sends its own keeps it).
  for (const name in own) out[name] = own[name];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || alsoHop.has(name)) continue;
    if (replaced && name.startsWith('ratelimit-')) continue;
    out[name] = value;
  }
  for (const name in rateLimit) out[name] = rateLimit[name];
  return out;
}

/**
 * The client's address: the connecting peer, or, behind a trusted proxy, the last address that
 * proxy added to X-Forwarded-For (earlier entries are whatever the client claimed).
 */
export function clientAddress(
  remoteAddress: string,
  headers: IncomingHttpHeaders,
  trustProxy: boolean,
): string {
  if (!trustProxy) return remoteAddress;
  const xff = headers['x-forwarded-for'];
  const last = (Array.isArray(xff) ? xff.join(',') : (xff ?? '')).split(',').pop()?.trim();
  return last || remoteAddress;
}

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** A client's X-Request-Id when it is a plain token, so traces can be followed across hops. */
export function incomingRequestId(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['x-request-id'];
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : undefined;
}
