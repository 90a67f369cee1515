import { boundedQueue, createLive } from './live';

describe('boundedQueue', () => {
  it('hands values to a waiting reader, in order', async () => {
    let push!: (v: number) => void;
    const q = boundedQueue<number>((p) => ((push = p), () => undefined), 10);
    const first = q.next();
    push(1);
    push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
  });

  it('keeps at most `limit` unread values when the reader stalls, dropping the oldest', async () => {
    let push!: (v: number) => void;
    let dropped = 0;
    const q = boundedQueue<number>(
      (p) => ((push = p), () => undefined),
      100,
      () => dropped++,
    );
    for (let i = 0; i < 5000; i++) push(i);
    expect(dropped).toBe(4900);
    expect(await q.next()).toEqual({ value: 4900, done: false });
  });

  it('detaches on return, and ends a waiting read', async () => {
    let detached = false;
    const q = boundedQueue<number>(() => () => (detached = true), 10);
    const pending = q.next();
    await q.return!();
    expect(detached).toBe(true);
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});

describe('createLive in memory', () => {
  it('delivers published payloads to subscribers of the topic only', async () => {
    const live = createLive();
    const a = live.subscribe<string>('a');
    const b = live.subscribe<string>('b');
    live.publish('a', 'for a');
    expect(await a.next()).toEqual({ value: 'for a', done: false });
    live.publish('b', 'for b');
    expect(await b.next()).toEqual({ value: 'for b', done: false });
    await a.return!();
    await b.return!();
  });
});
