import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the node:http fronts in front of Express share (v1/v1.fast.ts for /v1/keys/verify and
 * /v1/usage, gate/http.ts for POST /graphql): which requests are the plain case, reading and
 * parsing their body as body-parser would, the requester's address as Express gives it, and
 * answers written at the end of the event loop's turn.
 */

const JSON_TYPE = /^application\/json[ \t]*(?:;[ \t]*charset=(?:"utf-8"|utf-8)[ \t]*)?$/i;

/** Headers body-parser would take as they are: JSON in UTF-8, not encoded, of a known length within the limit. */
export function plainJson(req: IncomingMessage, limit: number): boolean {
  const { headers } = req;
  const type = headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) return false;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  if (headers['transfer-encoding'] !== undefined) return false;
  const length = Number(headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= limit;
}

const EMPTY = Buffer.alloc(0);

/** The whole body (its length is known and small); parseStrictJson(body.toString()) reads it. */
export function readBody(req: IncomingMessage, done: (body: Buffer) => void): void {
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  req.on('data', (chunk: Buffer) => {
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on('end', () => {
    const body = more ? Buffer.concat(more) : first;
    done(body ?? EMPTY);
  });
  // A client that leaves mid-body: nothing to answer.
  req.on('error', () => {});
}

/** The requester's address as Express's req.ip gives it (TRUST_PROXY: the left-most forwarded one). */
export function requesterOf(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : '';
  return first || req.socket.remoteAddress;
}

export const INVALID = Symbol('invalid JSON');

/** body-parser's strict JSON: an object or array (after white space), else invalid. */
export function parseStrictJson(text: string): unknown {
  // A leading byte-order mark is ignored, as body-parser's decoding does.
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  const first = text[i];
  if (first !== '{' && first !== '[') return INVALID;
  try {
    return JSON.parse(start === 0 ? text : text.slice(start)) as unknown;
  } catch {
    return INVALID;
  }
}

/**
 * Answers ready in this turn of the event loop are written together at its end (setImmediate),
 * after every request that arrived in it was read, rather than each from its own callback. Same
 * answers, a few microseconds later. Under load the answers of one turn go out back to back: the
 * verify profile showed writev at 57 µs a request written one by one against 22 µs in turns (a
 * client waiting for each single answer is woken for each). GraphQL answers use it too, every
 * one of them (gate/http.ts, and refusals and errors through gate/respond.ts sendJson): when only
 * the answers waited, refusals came back sooner, and a client refused in a loop took more of the
 * portal (the hostile-load test's ratio 2.2-3.1).
 */
let queued: Array<ServerResponse | (() => void)> = [];

export function atEndOfTurn(res: ServerResponse, write: () => void): void {
  if (queued.length === 0) setImmediate(writeQueued);
  queued.push(res, write);
}

function writeQueued(): void {
  const answers = queued;
  queued = [];
  for (let i = 0; i < answers.length; i += 2) {
    try {
      (answers[i + 1] as () => void)();
    } catch {
      // One answer that cannot be written (its connection gone wrong) must not keep the others.
      (answers[i] as ServerResponse).destroy();
    }
  }
}
