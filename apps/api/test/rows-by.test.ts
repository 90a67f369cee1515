import { IsNull } from 'typeorm';
import { RowsBy } from '../src/core/db/rows-by';
import { sharesTurns } from '../src/core/db/turn-batch';
import { Membership } from '../src/modules/teams/membership.entity';
import { Team } from '../src/modules/teams/team.entity';
import { signUp, startPortal, type TestPortal } from './harness';

/**
 * RowsBy builds its statements itself (core/db/rows-by.ts): its entities must be the ones
 * TypeORM's find gives, on SQLite and on MySQL/MariaDB alike (dates, nulls, text, the join).
 */
let t: TestPortal;
beforeAll(async () => {
  t = await startPortal();
});
afterAll(() => t.stop());

async function teamOf(token: string, name: string): Promise<string> {
  const res = await t.gql<{ createTeam: { id: string } }>(
    `mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }`,
    { i: { name, description: `About ${name} — "quoted", ünïcode` } },
    token,
  );
  return res.data!.createTeam.id;
}

it('reads the same entities as find, the joined team too, and leaves deleted teams out', async () => {
  const owner = await signUp(t);
  const ids = [await teamOf(owner.token, 'One'), await teamOf(owner.token, 'Two')];
  const ds = t.portal.dataSource;
  const teams = new RowsBy(ds, Team, 'id', { where: (c) => `${c('deletedAt')} IS NULL` });
  const byFind = await ds.getRepository(Team).findBy({ deletedAt: IsNull() });
  const read = await teams.read(ids);
  expect(read).toHaveLength(2);
  for (const team of read) {
    expect(team).toBeInstanceOf(Team);
    expect(team.createdAt).toBeInstanceOf(Date);
    expect(team).toEqual(byFind.find((f) => f.id === team.id));
  }
  expect(await teams.read(['no-such-id'])).toEqual([]);
  expect(await teams.read([])).toEqual([]);

  const memberships = new RowsBy(ds, Membership, 'teamId', {
    where: (c) => `${c('userId')} = ?`,
    join: {
      property: 'team',
      entity: Team,
      on: 'teamId',
      where: (c) => `${c('deletedAt')} IS NULL`,
    },
    order: [['joinedAt', 'DESC']],
  });
  const mine = await memberships.read(ids, [owner.id]);
  const found = await ds
    .getRepository(Membership)
    .find({ where: { userId: owner.id }, relations: { team: true } });
  expect(mine).toHaveLength(2);
  for (const membership of mine) {
    const expected = found.find((f) => f.id === membership.id)!;
    expect(membership.team).toEqual(expected.team);
    expect({ ...membership, team: undefined }).toEqual({ ...expected, team: undefined });
  }
  // Another person's id finds nothing; a deleted team's membership is left out by the join.
  expect(await memberships.read(ids, ['someone-else'])).toEqual([]);
  await ds.getRepository(Team).update({ id: ids[0] }, { deletedAt: new Date() });
  expect((await memberships.read(ids, [owner.id])).map((m) => m.teamId)).toEqual([ids[1]]);
  expect((await teams.read(ids)).map((team) => team.id)).toEqual([ids[1]]);
});

it('binds every value: an id that looks like SQL is only a value', async () => {
  const teams = new RowsBy(t.portal.dataSource, Team, 'id');
  expect(await teams.read([`x' OR '1'='1`, `") OR 1=1 --`])).toEqual([]);
});

it('coalesces the reads of one turn into one statement per params where statements are round trips, each caller getting its own rows', async () => {
  const a = await signUp(t);
  const b = await signUp(t);
  const aTeams = [await teamOf(a.token, 'A1'), await teamOf(a.token, 'A2')];
  const bTeam = await teamOf(b.token, 'B1');
  const ds = t.portal.dataSource;
  const statements: string[] = [];
  const query = ds.query.bind(ds);
  const spy = jest.spyOn(ds, 'query').mockImplementation((...args: Parameters<typeof query>) => {
    // RowsBy's own statements (the portal's background work may query meanwhile).
    if (args[0].startsWith('SELECT r.')) statements.push(args[0]);
    return query(...args);
  });
  try {
    const memberships = new RowsBy(ds, Membership, 'teamId', {
      coalesce: true,
      where: (c) => `${c('userId')} = ?`,
      join: { property: 'team', entity: Team, on: 'teamId' },
      order: [['joinedAt', 'ASC']],
    });
    // Four reads in one turn: two people (two params), overlapping lists, one asking for another's team.
    const [a1, aBoth, bOwn, aAsksB] = await Promise.all([
      memberships.read([aTeams[0]], [a.id]),
      memberships.read([aTeams[1], aTeams[0]], [a.id]),
      memberships.read([bTeam], [b.id]),
      memberships.read([bTeam], [a.id]),
    ]);
    // MySQL/MariaDB: one statement per params; SQLite answers at once, so each read is its own.
    const shared = sharesTurns(ds);
    expect(statements).toHaveLength(shared ? 2 : 4);
    expect(a1.map((m) => m.teamId)).toEqual([aTeams[0]]);
    // Its own rows, in the statement's order (joinedAt), whatever order it asked in.
    expect(aBoth.map((m) => m.teamId)).toEqual(aTeams);
    expect(bOwn.map((m) => [m.teamId, m.userId, m.team?.id])).toEqual([[bTeam, b.id, bTeam]]);
    expect(aAsksB).toEqual([]);

    // More values than one statement holds: split, every caller still answered.
    statements.length = 0;
    const teams = new RowsBy(ds, Team, 'id', { coalesce: true });
    const many = Array.from({ length: 150 }, (_, i) => [`none-${i}`, aTeams[i % 2]!]);
    const answers = await Promise.all(many.map((ids) => teams.read(ids)));
    expect(statements).toHaveLength(shared ? 3 : 150);
    answers.forEach((rows, i) => expect(rows.map((r) => r.id)).toEqual([aTeams[i % 2]]));

    // A failed statement fails every read that shared it.
    spy.mockImplementationOnce(() => Promise.reject(new Error('connection lost')));
    const failed = await Promise.allSettled([teams.read([aTeams[0]]), teams.read([bTeam])]);
    expect(failed.map((f) => f.status)).toEqual(
      shared ? ['rejected', 'rejected'] : ['rejected', 'fulfilled'],
    );
  } finally {
    spy.mockRestore();
  }
});
