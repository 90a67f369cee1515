/**
 * The /v1/ request bodies, checked by hand: three fields and a list of small events do not need a
 * schema library, and each problem gets its own plain message. Unknown fields are refused: a
 * misspelt "enviroment" must not silently skip the environment check.
 */
import { parseStrictJson } from '../core/plain-http';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export interface VerifyBody {
  key: string;
  environment?: 'DEVELOPMENT' | 'PRODUCTION';
  /** false: the caller reports the outcome itself with /v1/usage. */
  count: boolean;
}

const VERIFY_FIELDS = new Set(['key', 'environment', 'count']);
const ENVIRONMENTS = new Set(['DEVELOPMENT', 'PRODUCTION']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields of `value` not in `known`, or undefined when there are none (no array on the hot path). */
function unknownFields(value: Record<string, unknown>, known: Set<string>): string[] | undefined {
  let unknown: string[] | undefined;
  for (const field in value)
    if (Object.hasOwn(value, field) && !known.has(field)) (unknown ??= []).push(field);
  return unknown;
}

export function parseVerifyBody(body: unknown): Parsed<VerifyBody> {
  const fail = (message: string) => ({ ok: false, message }) as const;
  if (!isObject(body))
    return fail(
      'Send a JSON object: {"key": "<partner key>"}, optional "environment" and "count".',
    );
  const unknown = unknownFields(body, VERIFY_FIELDS);
  if (unknown !== undefined)
    return fail(
      `Unknown field ${unknown.map((f) => `"${f}"`).join(', ')}: send only "key", "environment" and "count".`,
    );
  const { key, environment, count } = body;
  if (typeof key !== 'string') return fail('"key" must be a string: the partner\'s key.');
  if (
    environment !== undefined &&
    (typeof environment !== 'string' || !ENVIRONMENTS.has(environment))
  )
    return fail('"environment" must be "DEVELOPMENT" or "PRODUCTION" when given.');
  if (count !== undefined && typeof count !== 'boolean')
    return fail('"count" must be true or false when given.');
  return {
    ok: true,
    value: {
      key,
      ...(environment !== undefined
        ? { environment: environment as VerifyBody['environment'] & string }
        : {}),
      count: count !== false,
    },
  };
}

export interface UsageEvent {
  keyId: string;
  status: number;
  latencyMs?: number;
  at?: Date;
  /** The requests this event stands for (its optional "count"; 1 when absent). */
  count: number;
}

export const MAX_USAGE_EVENTS = 1000;
/** Reported requests may be this old: a service that buffered through a portal outage. */
export const USAGE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** And this far ahead of the portal's clock (clocks of two machines differ a little). */
export const USAGE_MAX_SKEW_MS = 5 * 60 * 1000;
const MAX_LATENCY_MS = 60 * 60 * 1000;
/**
 * The most requests one event may stand for ("count", beyond the contract: see the README). A
 * busy service's equal requests of one second travel as one event instead of thousands of copies.
 */
export const MAX_EVENT_COUNT = 100_000;
const EVENT_FIELDS = new Set(['keyId', 'status', 'latencyMs', 'at', 'count']);

/**
 * Events `index` to `index + events - 1` of the body, all the same event. A service reporting its
 * requests may send runs of equal events (one key, status, latency and second): each run is
 * checked, looked up and counted once, and still counts as `requests` requests (each event's
 * "count", 1 when absent).
 */
export interface UsageRun {
  index: number;
  events: number;
  requests: number;
  event: UsageEvent;
}

export interface UsageBatch {
  runs: UsageRun[];
  /** The keys of the runs, each once. */
  keyIds: string[];
  /** Events refused for their own content; the rest of the batch still counts. */
  rejected: Array<{ index: number; reason: string }>;
}

/** The batch's shape is all or nothing (400); each event is accepted or rejected on its own. */
export function parseUsageEvents(body: unknown, now: Date): Parsed<UsageBatch> {
  if (!isObject(body) || !Array.isArray(body.events))
    return {
      ok: false,
      message:
        'Send a JSON object: {"events": [{"keyId", "status", "latencyMs"?, "at"?, "count"?}]}.',
    };
  if (Object.keys(body).length !== 1)
    return { ok: false, message: 'Send only "events" in the body.' };
  const events: unknown[] = body.events;
  if (events.length > MAX_USAGE_EVENTS)
    return {
      ok: false,
      message: `Send at most ${MAX_USAGE_EVENTS} events per request (this one has ${events.length}).`,
    };
  const runs: UsageRun[] = [];
  const rejected: UsageBatch['rejected'] = [];
  const keyIds = new Set<string>();
  /** The run the previous event joined (undefined after a rejected one) and that event as sent. */
  let run: UsageRun | undefined;
  let sent: Record<string, unknown> | undefined;
  for (let index = 0; index < events.length; index++) {
    const raw = events[index];
    if (run !== undefined && sameAs(raw, sent!)) {
      run.events += 1;
      run.requests += run.event.count;
      continue;
    }
    const event = parseEvent(raw, now);
    if (typeof event === 'string') {
      rejected.push({ index, reason: event });
      run = undefined;
      continue;
    }
    run = { index, events: 1, requests: event.count, event };
    sent = raw as Record<string, unknown>;
    runs.push(run);
    keyIds.add(event.keyId);
  }
  return { ok: true, value: { runs, keyIds: [...keyIds], rejected } };
}

const HEAD = Buffer.from('{"events":[');
const [OPEN, CLOSE, COMMA, BRACKET] = [0x7b, 0x7d, 0x2c, 0x5d];

/**
 * The value JSON.parse gives for a /v1/usage body (INVALID when it is not strict JSON), made
 * cheaply for the body services send: `{"events":[…]}` without white space, whose events come
 * in runs of the same bytes (a service that sends one event per request repeats one event's JSON
 * for each request of the same key, status, latency and second: the SDK does so for a portal
 * without "count"). Each run's first event is parsed, and every element of the
 * run is that one object; the others are only compared with it (memcmp). A batch of 1,000
 * events costs a few dozen small parses instead of 1,000 objects. parseUsageEvents never
 * changes an event, so sharing one is safe. Events are cut at "{", "}" and "," bytes, which
 * never occur inside a UTF-8 sequence, so each decodes as it would within the whole text. Any
 * other body, or anything unexpected in this one, is parsed whole.
 */
export function parseUsageBody(body: Buffer): unknown {
  const whole = () => parseStrictJson(body.toString('utf8'));
  const end = body.length - 2;
  if (
    end < HEAD.length ||
    body.compare(HEAD, 0, HEAD.length, 0, HEAD.length) !== 0 ||
    body[end] !== BRACKET ||
    body[end + 1] !== CLOSE
  )
    return whole();
  const events: unknown[] = [];
  let at = HEAD.length;
  while (at < end) {
    // An event holds no object: its text ends at the first "}", or it is not parsed here (a "}"
    // inside a string leaves an unterminated string, which JSON.parse refuses).
    const close = body.indexOf(CLOSE, at);
    if (body[at] !== OPEN || close < 0 || close >= end) return whole();
    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8', at, close + 1));
    } catch {
      return whole();
    }
    events.push(event);
    // The same bytes again are the same object: they end where its closing brace does.
    const start = at;
    const length = close + 1 - at;
    at = close + 1;
    while (
      body[at] === COMMA &&
      at + 1 + length <= end &&
      body.compare(body, at + 1, at + 1 + length, start, close + 1) === 0
    ) {
      events.push(event);
      at += 1 + length;
    }
    if (at === end) break;
    // Between events exactly one comma, and no comma before the closing bracket.
    if (body[at] !== COMMA || at + 1 === end) return whole();
    at += 1;
  }
  return { events };
}

/**
 * Whether `raw` is the accepted event `sent` again: the very object (parseUsageBody's runs), or
 * the same four values (JSON's strings and numbers compare by value) and no other field, so
 * parseEvent would give it the same answer.
 */
function sameAs(raw: unknown, sent: Record<string, unknown>): boolean {
  if (raw === sent) return true;
  return (
    isObject(raw) &&
    raw.keyId === sent.keyId &&
    raw.status === sent.status &&
    raw.latencyMs === sent.latencyMs &&
    raw.at === sent.at &&
    raw.count === sent.count &&
    unknownFields(raw, EVENT_FIELDS) === undefined
  );
}

/** The event, or why it is rejected. */
function parseEvent(raw: unknown, now: Date): UsageEvent | string {
  if (!isObject(raw))
    return 'An event must be an object: {"keyId", "status", "latencyMs"?, "at"?, "count"?}.';
  const unknown = unknownFields(raw, EVENT_FIELDS);
  if (unknown !== undefined) return `Unknown field ${unknown.map((f) => `"${f}"`).join(', ')}.`;
  const { keyId, status, latencyMs, at, count } = raw;
  if (typeof keyId !== 'string' || keyId === '' || keyId.length > 64)
    return '"keyId" must be the id of a key.';
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    return '"status" must be an HTTP status: a whole number from 100 to 599.';
  if (
    count !== undefined &&
    (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_EVENT_COUNT)
  )
    return `"count" must be a whole number from 1 to ${MAX_EVENT_COUNT}: the requests this event stands for.`;
  const event: UsageEvent = { keyId, status, count: count ?? 1 };
  if (latencyMs !== undefined) {
    if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0)
      return '"latencyMs" must be a number of milliseconds, 0 or more.';
    event.latencyMs = Math.min(latencyMs, MAX_LATENCY_MS);
  }
  if (at !== undefined) {
    const when =
      typeof at === 'string' && /^\d{4}-\d\d-\d\dT/.test(at)
        ? new Date(at)
        : typeof at === 'number'
          ? new Date(at)
          : null;
    if (!when || Number.isNaN(when.getTime()))
      return '"at" must be an ISO 8601 date-time (or milliseconds since the epoch).';
    const age = now.getTime() - when.getTime();
    if (age > USAGE_MAX_AGE_MS) return '"at" is more than 24 hours ago.';
    if (-age > USAGE_MAX_SKEW_MS)
      return '"at" is more than 5 minutes ahead of the portal\'s clock.';
    event.at = when;
  }
  return event;
}
