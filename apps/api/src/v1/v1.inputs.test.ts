import { INVALID, parseStrictJson } from '../core/plain-http';
import { parseUsageEvents, parseUsageBody } from './v1.inputs';

/**
 * parseUsageBody is JSON.parse (body-parser's strict flavour) for /v1/usage bodies, with the
 * elements of a run of equal event texts sharing one object. Whatever the text, its value must
 * be the one parseStrictJson gives, and INVALID exactly when that is.
 */
const keyId = '0b7d3a2e-5d1c-4e8f-9a51-3f2b6c7d8e9f';
const event = (status: number, latencyMs: number) =>
  JSON.stringify({ keyId, status, latencyMs, at: 1_764_374_400_000 });
const body = (...events: string[]) => `{"events":[${events.join(',')}]}`;

const cases: Array<[string, string]> = [
  ['runs of one event', body(event(200, 0), event(200, 0), event(200, 0))],
  [
    'runs of several events',
    body(event(200, 0), event(200, 0), event(200, 1), event(503, 1), event(503, 1)),
  ],
  ['no events', '{"events":[]}'],
  ['events that are not objects', '{"events":[1,"two",null,[3]]}'],
  ['a brace inside a string', body('{"keyId":"a}b","status":200}', '{"keyId":"a}b","status":200}')],
  ['a nested object', body('{"keyId":{"id":"x"},"status":200}')],
  ['white space', '{ "events": [ {"keyId":"k","status":200} ] }'],
  ['a field after the events', `{"events":[${event(200, 0)}],"more":1}`],
  ['a run followed by a longer event', body('{"status":200}', '{"status":200}', '{"status":2000}')],
  ['a missing comma', `{"events":[${event(200, 0)}${event(200, 0)}]}`],
  ['a trailing comma', `{"events":[${event(200, 0)},]}`],
  ['a leading comma', `{"events":[,${event(200, 0)}]}`],
  ['an unterminated event', '{"events":[{"status":200]}'],
  ['not JSON after a run', `{"events":[${event(200, 0)},${event(200, 0)},x]}`],
  ['a body that is only the head', '{"events":['],
  ['an escaped quote before a brace', body('{"keyId":"a\\"}","status":200}')],
  [
    'characters of several bytes',
    body('{"keyId":"é😀","status":200}', '{"keyId":"é😀","status":200}'),
  ],
];

describe('parseUsageBody', () => {
  it.each(cases)('gives what JSON.parse gives: %s', (_name, text) => {
    const expected = parseStrictJson(text);
    const actual = parseUsageBody(Buffer.from(text));
    if (expected === INVALID) expect(actual).toBe(INVALID);
    else expect(actual).toEqual(expected);
  });

  it('decodes bytes that are not UTF-8 as the whole text would be decoded', () => {
    const one = Buffer.concat([
      Buffer.from('{"keyId":"a'),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('","status":200}'),
    ]);
    const bytes = Buffer.concat([
      Buffer.from('{"events":['),
      one,
      Buffer.from(','),
      one,
      Buffer.from(']}'),
    ]);
    expect(parseUsageBody(bytes)).toEqual(parseStrictJson(bytes.toString('utf8')));
    expect((parseUsageBody(bytes) as { events: Array<{ keyId: string }> }).events[1]!.keyId).toBe(
      'a\ufffd\ufffd',
    );
  });

  it('makes the elements of a run one object, parsed once', () => {
    const text = body(event(200, 0), event(200, 0), event(200, 0), event(404, 2), event(404, 2));
    const { events } = parseUsageBody(Buffer.from(text)) as { events: object[] };
    expect(events).toHaveLength(5);
    expect(events[1]).toBe(events[0]);
    expect(events[2]).toBe(events[0]);
    expect(events[3]).not.toBe(events[0]);
    expect(events[4]).toBe(events[3]);
  });

  it('agrees with JSON.parse on 2,000 bodies with random damage', () => {
    // A small seeded generator: the same bodies on every run.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ['{', '}', ',', '"', '[', ']', ' ', '\\', '1', ':', 'x'];
    for (let i = 0; i < 2000; i++) {
      const runs = Array.from({ length: 1 + random(4) }, () =>
        Array<string>(1 + random(3)).fill(event(200 + random(3), random(2))),
      ).flat();
      let text = body(...runs);
      for (let d = random(3); d > 0; d--) {
        const at = random(text.length);
        text =
          random(2) === 0
            ? text.slice(0, at) + text.slice(at + 1)
            : text.slice(0, at) + pieces[random(pieces.length)]! + text.slice(at);
      }
      const expected = parseStrictJson(text);
      const actual = parseUsageBody(Buffer.from(text));
      if (expected === INVALID) expect(actual).toBe(INVALID);
      else expect(actual).toEqual(expected);
    }
  });

  it('leaves parseUsageEvents with the same answer as for separate objects', () => {
    const now = new Date(1_764_374_400_500);
    const text = body(event(200, 0), event(200, 0), '{"status":200}', event(200, 0), event(200, 0));
    const shared = parseUsageEvents(parseUsageBody(Buffer.from(text)), now);
    const separate = parseUsageEvents(JSON.parse(text), now);
    expect(shared).toEqual(separate);
    expect(shared).toMatchObject({
      ok: true,
      value: {
        runs: [
          { index: 0, events: 2, requests: 2 },
          { index: 3, events: 2, requests: 2 },
        ],
        keyIds: [keyId],
        rejected: [{ index: 2 }],
      },
    });
  });
});

describe('parseUsageEvents', () => {
  it('joins equal events into a run, but never events whose "count" differs', () => {
    const now = new Date(1_764_374_400_500);
    const e = { keyId, status: 200, latencyMs: 1 };
    const parsed = parseUsageEvents(
      { events: [{ ...e, count: 2 }, { ...e, count: 2 }, { ...e, count: 5 }, e, e] },
      now,
    );
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        runs: [
          { index: 0, events: 2, requests: 4 },
          { index: 2, events: 1, requests: 5 },
          { index: 3, events: 2, requests: 2 },
        ],
        rejected: [],
      },
    });
  });
});
