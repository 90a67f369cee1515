// Usage reports against the real portal: batches of at most 1,000, sent every second or at once
// when a batch is full, kept and retried with backoff while the portal is away, bounded, and
// flushed on close; a run of equal requests as one event with "count", and without it to a
// portal that does not take it. The proxy in front of the portal plays the outage and sees each batch.
import { createPortalClient, type PortalClientOptions, type PortalError } from '../src';
import {
  createKey,
  createOwner,
  expectUsage,
  SERVICE_TOKEN,
  startPortal,
  type Owner,
  type Portal,
  type TestKey,
} from './support/portal';
import { expand, startProxy, type Proxy } from './support/proxy';

let portal: Portal;
let proxy: Proxy;
let owner: Owner;

beforeAll(async () => {
  portal = await startPortal();
  proxy = await startProxy(portal.url);
  owner = await createOwner(portal.url);
});

afterAll(async () => {
  await proxy?.close();
  await portal?.stop();
});

beforeEach(() => {
  proxy.mode = 'pass';
  proxy.reset();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** An instant in epoch ms cut to its second, as the reporter sends `at`. */
const wholeSecond = (ms: number) => ms - (ms % 1000);

function reporter(options: Partial<PortalClientOptions> = {}) {
  const errors: PortalError[] = [];
  const client = createPortalClient({
    url: proxy.url,
    serviceToken: SERVICE_TOKEN,
    onError: (e) => errors.push(e),
    ...options,
  });
  return { client, errors };
}

const events = (key: TestKey, n: number, status = 200) =>
  Array.from({ length: n }, () => ({ keyId: key.id, status, latencyMs: 3 }));

it('sends every second without being asked', async () => {
  const key = await createKey(portal.url, owner);
  const { client } = reporter();
  client.reportUsage(...events(key, 5), ...events(key, 2, 404));
  await sleep(1400);
  expect(proxy.batches).toEqual([7]);
  expect(client.stats().usage).toEqual({ buffered: 0, accepted: 7, rejected: 0, dropped: 0 });
  expect(await expectUsage(portal.url, owner, key, { 200: 5, 404: 2 })).toEqual({ 200: 5, 404: 2 });
  await client.close();
});

it('a full batch of 1,000 goes at once; more is split into batches of at most 1,000', async () => {
  const key = await createKey(portal.url, owner);
  const { client } = reporter({ usage: { flushIntervalMs: 60_000 } });
  client.reportUsage(...events(key, 1000));
  // Sent long before the 60 s interval (a 1,000-event batch takes the portal a moment).
  for (let i = 0; i < 40 && proxy.batches.length === 0; i++) await sleep(50);
  expect(proxy.batches).toEqual([1000]);
  client.reportUsage(...events(key, 1500));
  await client.flush();
  expect(proxy.batches).toEqual([1000, 1000, 500]);
  expect(await expectUsage(portal.url, owner, key, { 200: 2500 })).toEqual({ 200: 2500 });
  await client.close();
});

it('recordUsage: equal events share a buffer entry, sent as one event with "count"; each request counts', async () => {
  const key = await createKey(portal.url, owner);
  const { client } = reporter({ usage: { flushIntervalMs: 60_000 } });
  const at = wholeSecond(Date.now());
  for (let i = 0; i < 600; i++) client.recordUsage(key.id, 200, 3, at);
  client.recordUsage(key.id, 404, 3, at);
  for (let i = 0; i < 600; i++) client.recordUsage(key.id, 200, 3, at);
  // Two entries are no full batch: nothing leaves before the flush.
  await sleep(100);
  expect(proxy.batches).toEqual([]);
  expect(client.stats().usage.buffered).toBe(1201);
  await client.flush();
  expect(proxy.events).toEqual([
    { keyId: key.id, status: 200, latencyMs: 3, at, count: 1200 },
    { keyId: key.id, status: 404, latencyMs: 3, at },
  ]);
  expect(client.stats().usage).toEqual({ buffered: 0, accepted: 1201, rejected: 0, dropped: 0 });
  expect(await expectUsage(portal.url, owner, key, { 200: 1200, 404: 1 })).toEqual({
    200: 1200,
    404: 1,
  });
  await client.close();
});

it('recordUsage: interleaved events each keep their own status and latency', async () => {
  const key = await createKey(portal.url, owner);
  const { client } = reporter({ usage: { flushIntervalMs: 60_000 } });
  const at = wholeSecond(Date.now());
  const sent = [0, 1, 0, 2, 1, 0, 5, 0, 1, 0, 2, 3, 4, 5, 6, 0].map((latencyMs, i) => ({
    keyId: key.id,
    status: i % 3 === 0 ? 201 : 200,
    latencyMs,
    at,
  }));
  for (const e of sent) client.recordUsage(e.keyId, e.status, e.latencyMs, e.at);
  await client.flush();
  const order = (e: { status: number; latencyMs?: number }) => e.status * 1000 + (e.latencyMs ?? 0);
  expect(expand(proxy.events).sort((a, b) => order(a) - order(b))).toEqual(
    [...sent].sort((a, b) => order(a) - order(b)),
  );
  await client.close();
});

it('recordUsage: the equal requests of a second make one event, whatever came between them', async () => {
  const key = await createKey(portal.url, owner);
  const other = await createKey(portal.url, owner);
  const { client } = reporter({ usage: { flushIntervalMs: 60_000 } });
  const at = wholeSecond(Date.now());
  // 2,000 requests of two keys, 40 latencies and two statuses, shuffled as concurrent ones end.
  const sent = Array.from({ length: 2000 }, (_, i) => ({
    keyId: i % 2 ? key.id : other.id,
    status: i % 7 ? 200 : 500,
    latencyMs: (i * 37) % 40,
    at: at + (i % 1000),
  }));
  for (let i = sent.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [sent[i], sent[j]] = [sent[j]!, sent[i]!];
  }
  for (const e of sent) client.recordUsage(e.keyId, e.status, e.latencyMs, e.at);
  await client.flush();
  const distinct = new Set(sent.map((e) => `${e.keyId} ${e.status} ${e.latencyMs}`));
  expect(proxy.events).toHaveLength(distinct.size);
  const order = (e: { keyId: string; status: number; latencyMs?: number }) =>
    `${e.keyId} ${e.status} ${String(e.latencyMs).padStart(2, '0')}`;
  const sorted = (list: { keyId: string; status: number; latencyMs?: number }[]) =>
    [...list].sort((a, b) => order(a).localeCompare(order(b)));
  expect(sorted(expand(proxy.events))).toEqual(sorted(sent.map((e) => ({ ...e, at }))));
  expect(client.stats().usage).toEqual({ buffered: 0, accepted: 2000, rejected: 0, dropped: 0 });
  await client.close();
});

it('recordUsage: `at` is sent to the second, so the equal events of a second are one run; each still counts', async () => {
  const key = await createKey(portal.url, owner);
  const { client } = reporter({ usage: { flushIntervalMs: 60_000 } });
  const second = wholeSecond(Date.now()) - 60_000;
  for (let ms = 0; ms < 1000; ms += 100) client.recordUsage(key.id, 200, 1, second + ms);
  client.recordUsage(key.id, 200, 1, second + 1000);
  client.recordUsage(key.id, 200, 1, second + 1999);
  await client.flush();
  const event = (at: number) => ({ keyId: key.id, status: 200, latencyMs: 1, at });
  expect(proxy.events).toEqual([
    { ...event(second), count: 10 },
    { ...event(second + 1000), count: 2 },
  ]);
  expect(client.stats().usage).toMatchObject({ buffered: 0, accepted: 12, rejected: 0 });
  expect(await expectUsage(portal.url, owner, key, { 200: 12 })).toEqual({ 200: 12 });
  await client.close();
});

it('recordUsage: the JSON written out for a run is what JSON.stringify gives, escapes and fractions too', async () => {
  const key = await createKey(portal.url, owner);
  const { client } = reporter({ usage: { flushIntervalMs: 60_000 } });
  const at = wholeSecond(Date.now());
  const odd = 'no such "key" \\ é\u2028';
  client.recordUsage(key.id, 200, 7, at);
  client.recordUsage(odd, 200, 7, at);
  client.recordUsage(key.id, 503, 2.5, at);
  client.recordUsage(key.id, 200, 0, at - 1000);
  await client.flush();
  expect(proxy.events).toEqual([
    { keyId: key.id, status: 200, latencyMs: 7, at },
    { keyId: odd, status: 200, latencyMs: 7, at },
    { keyId: key.id, status: 503, latencyMs: 2.5, at },
    { keyId: key.id, status: 200, latencyMs: 0, at: at - 1000 },
  ]);
  // The portal read every event: the unknown key is the only one it rejected.
  expect(client.stats().usage).toMatchObject({ buffered: 0, accepted: 3, rejected: 1 });
  await client.close();
});

it('recordUsage: a run of more than 100,000 requests goes as several events of at most 100,000', async () => {
  const key = await createKey(portal.url, owner);
  const { client } = reporter({ usage: { flushIntervalMs: 60_000 } });
  const at = wholeSecond(Date.now());
  for (let i = 0; i < 250_001; i++) client.recordUsage(key.id, 200, 1, at);
  await client.flush();
  expect(proxy.events.map((e) => e.count)).toEqual([100_000, 100_000, 50_001]);
  expect(client.stats().usage).toEqual({ buffered: 0, accepted: 250_001, rejected: 0, dropped: 0 });
  expect(await expectUsage(portal.url, owner, key, { 200: 250_001 })).toEqual({ 200: 250_001 });
  await client.close();
});

it('to a portal without "count", the refused events are sent again one per request, and so on after: nothing lost', async () => {
  const key = await createKey(portal.url, owner);
  const { client, errors } = reporter({ usage: { flushIntervalMs: 60_000 } });
  proxy.mode = 'noCount';
  const at = wholeSecond(Date.now());
  for (let i = 0; i < 5; i++) client.recordUsage(key.id, 200, 2, at);
  client.recordUsage(key.id, 404, 2, at);
  client.recordUsage('no-such-key', 200, 2, at);
  await client.flush();
  // The first batch: the run of 5 refused for its "count", the 404 taken, the unknown key rejected.
  expect(proxy.batches).toEqual([2, 5]);
  expect(errors.map((e) => e.code).sort()).toEqual(['USAGE_COUNT_UNSUPPORTED', 'USAGE_REJECTED']);
  expect(errors.find((e) => e.code === 'USAGE_REJECTED')?.message).toMatch(/1 of 3 .*#2 /);
  for (let i = 0; i < 3; i++) client.recordUsage(key.id, 201, 2, at);
  await client.flush();
  expect(proxy.batches).toEqual([2, 5, 3]);
  expect(proxy.events.every((e) => !('count' in e))).toBe(true);
  expect(client.stats().usage).toEqual({ buffered: 0, accepted: 9, rejected: 1, dropped: 0 });
  expect(await expectUsage(portal.url, owner, key, { 200: 5, 201: 3, 404: 1 })).toEqual({
    200: 5,
    201: 3,
    404: 1,
  });
  await client.close();
});

it('a flush while a full batch is on its way never sends a batch twice', async () => {
  const key = await createKey(portal.url, owner);
  const { client } = reporter({ usage: { flushIntervalMs: 60_000 } });
  // The first 1,000 leave at once; the flush then meets the reporter's own follow-up send.
  client.reportUsage(...events(key, 1000));
  client.reportUsage(...events(key, 1500));
  await client.flush();
  expect(proxy.batches).toEqual([1000, 1000, 500]);
  expect(client.stats().usage).toMatchObject({ buffered: 0, accepted: 2500 });
  expect(await expectUsage(portal.url, owner, key, { 200: 2500 })).toEqual({ 200: 2500 });
  await client.close();
});

it('keeps the events while the portal is away, retries with backoff, and delivers each once', async () => {
  const key = await createKey(portal.url, owner);
  const { client, errors } = reporter({ usage: { flushIntervalMs: 100, retryDelayMs: 200 } });
  proxy.mode = 'down';
  client.reportUsage(...events(key, 10));
  await sleep(1200);
  expect(client.stats().usage).toMatchObject({ buffered: 10, accepted: 0 });
  const failures = errors.filter((e) => e.code === 'PORTAL_UNREACHABLE').length;
  // Every 100 ms a tick, but attempts back off (200, 400, 800 ms…): a handful, not a dozen.
  expect(failures).toBeGreaterThanOrEqual(2);
  expect(failures).toBeLessThanOrEqual(5);
  proxy.mode = 'error';
  client.reportUsage(...events(key, 5, 503));
  await sleep(1000);
  expect(client.stats().usage.buffered).toBe(15);
  proxy.mode = 'pass';
  await client.close();
  expect(client.stats().usage).toEqual({ buffered: 0, accepted: 15, rejected: 0, dropped: 0 });
  expect(await expectUsage(portal.url, owner, key, { 200: 10, 503: 5 })).toEqual({
    200: 10,
    503: 5,
  });
});

it('the buffer is bounded: past it, events are dropped and counted', async () => {
  const key = await createKey(portal.url, owner);
  const { client, errors } = reporter({ usage: { flushIntervalMs: 60_000, maxBufferedEvents: 5 } });
  client.reportUsage(...events(key, 8));
  expect(client.stats().usage).toMatchObject({ buffered: 5, dropped: 3 });
  expect(errors.map((e) => e.code)).toContain('USAGE_DROPPED');
  await client.close();
  expect(await expectUsage(portal.url, owner, key, { 200: 5 })).toEqual({ 200: 5 });
});

it('events the portal rejects (a key of no team, a status out of range) are counted apart; the rest land', async () => {
  const key = await createKey(portal.url, owner);
  const { client, errors } = reporter();
  client.reportUsage(
    { keyId: key.id, status: 200 },
    { keyId: 'no-such-key', status: 200 },
    { keyId: key.id, status: 999 },
    { keyId: key.id, status: 201 },
  );
  await client.flush();
  expect(client.stats().usage).toEqual({ buffered: 0, accepted: 2, rejected: 2, dropped: 0 });
  expect(errors.map((e) => e.code)).toEqual(['USAGE_REJECTED']);
  expect(errors[0]?.message).toMatch(/#1 .*#2 /);
  await client.close();
  expect(await expectUsage(portal.url, owner, key, { 200: 1, 201: 1 })).toEqual({ 200: 1, 201: 1 });
});

it('flush() gives up after a few tries with the PortalError; close() after it drops later events', async () => {
  const key = await createKey(portal.url, owner);
  const { client } = reporter({ usage: { flushIntervalMs: 60_000, retryDelayMs: 50 } });
  client.reportUsage(...events(key, 2));
  proxy.mode = 'error';
  await expect(client.flush()).rejects.toMatchObject({ code: 'PORTAL_ERROR', status: 500 });
  expect(client.stats().usage.buffered).toBe(2);
  proxy.mode = 'pass';
  await client.close();
  client.reportUsage(...events(key, 1));
  expect(client.stats().usage).toEqual({ buffered: 0, accepted: 2, rejected: 0, dropped: 1 });
});

it('a wrong service token drops the batch instead of retrying it forever', async () => {
  const key = await createKey(portal.url, owner);
  const { client, errors } = reporter({ serviceToken: 'y'.repeat(40) });
  client.reportUsage(...events(key, 3));
  await expect(client.flush()).rejects.toMatchObject({ code: 'SERVICE_TOKEN_REJECTED' });
  expect(client.stats().usage).toMatchObject({ buffered: 0, dropped: 3 });
  void errors;
  await client.close();
});
