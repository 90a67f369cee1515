import { TurnBatch } from './turn-batch';

describe('TurnBatch', () => {
  it('answers the reads of one turn with one run, each with its own answer', async () => {
    const runs: number[][] = [];
    const batch = new TurnBatch<number, string>((reads) => {
      runs.push(reads);
      return reads.map((n) =>
        n < 0 ? Promise.reject(new Error(`bad ${n}`)) : Promise.resolve(`#${n}`),
      );
    });
    const first = await Promise.allSettled([batch.load(1), batch.load(-2), batch.load(3)]);
    expect(runs).toEqual([[1, -2, 3]]);
    expect(
      first.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ).toEqual(['#1', 'bad -2', '#3']);
    // A later turn is a run of its own.
    expect(await batch.load(4)).toBe('#4');
    expect(runs).toEqual([[1, -2, 3], [4]]);
  });

  it('fails every read of the turn when the run itself throws', async () => {
    const batch = new TurnBatch<number, number>(() => {
      throw new Error('no statement');
    });
    const settled = await Promise.allSettled([batch.load(1), batch.load(2)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  });

  it('runs each read at once and alone when not shared (an embedded database)', async () => {
    const runs: number[][] = [];
    const batch = new TurnBatch<number, number>((reads) => {
      runs.push(reads);
      return reads.map((n) => Promise.resolve(n * 2));
    }, false);
    const pending = [batch.load(1), batch.load(2)];
    // Already run, before the turn ends.
    expect(runs).toEqual([[1], [2]]);
    expect(await Promise.all(pending)).toEqual([2, 4]);
    const throwing = new TurnBatch<number, number>(() => {
      throw new Error('no statement');
    }, false);
    await expect(throwing.load(1)).rejects.toThrow('no statement');
    // One caller's several reads still go together.
    runs.length = 0;
    expect(await batch.loadAll([3, 4])).toEqual([6, 8]);
    expect(runs).toEqual([[3, 4]]);
  });
});
