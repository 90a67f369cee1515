import { randomUUID } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AuditEvent } from '../src/modules/audit/audit-event.entity';
import { AUDIT_EXPORT_COLUMNS } from '../src/modules/audit/audit-export';
import { signUp, type TestPortal } from './harness';
import type { TestSmtpServer } from './smtp';
import { createTeam, makeWorld } from './teams-world';
import { createKey, useTeamSafetyPortal } from './team-safety-world';

/**
 * GET /api/teams/:teamId/audit-log?format=csv|jsonl (issue 10): the whole log streamed in bounded
 * memory (100,000 events), the gate's credentials and the team's scoping, and both formats parsed
 * back to the same rows.
 */

let t: TestPortal;
let smtp: TestSmtpServer;

useTeamSafetyPortal((started) => ({ t, smtp } = started));

const exportUrl = (teamId: string, format?: string) =>
  `${t.url}/api/teams/${teamId}/audit-log${format ? `?format=${format}` : ''}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Inserts `count` events of the team, 1,000 rows per statement. */
async function seed(teamId: string, count: number, from = 0) {
  const start = Date.now();
  for (let done = 0; done < count; done += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, count - done) }, (_, i) => ({
      id: randomUUID(),
      teamId,
      action: 'api_key.created',
      actorUserId: null,
      actorApiKeyId: null,
      targetType: 'api_key',
      targetId: randomUUID(),
      details: JSON.stringify({
        name: `seeded key ${from + done + i}`,
        environment: 'DEVELOPMENT',
      }),
      createdAt: new Date(start + from + done + i),
    }));
    await t.portal.dataSource.createQueryBuilder().insert().into(AuditEvent).values(rows).execute();
  }
}

/**
 * A GET on a connection of its own: the synchronous SQLite seeding blocks the event loop long
 * enough for a pooled keep-alive socket to be closed under fetch's feet (ECONNRESET).
 */
function download(url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, { headers, agent: false }, resolve).on('error', reject);
  });
}

/** RFC 4180, written here independently of the exporter. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describe('audit export', () => {
  it('streams a 100,000-event log in bounded memory, every event once, in both formats', async () => {
    const owner = await signUp(t);
    const teamId = await createTeam(t, owner, 'Big Log');
    const other = await signUp(t);
    const otherTeam = await createTeam(t, other, 'Neighbour');
    await seed(teamId, 100_000);
    // Another team's events, interleaved: never part of this team's export.
    await seed(otherTeam, 1_000);
    await seed(teamId, 0);

    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 1_000);
    let lines = 0;
    let bytes = 0;
    let first = '';
    let last = '';
    const started = Date.now();
    try {
      const res = await download(exportUrl(teamId, 'csv'), bearer(owner.token));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="audit-log-${teamId}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`),
      );
      const decoder = new TextDecoder();
      let tail = '';
      for await (const chunk of res as AsyncIterable<Buffer>) {
        bytes += chunk.byteLength;
        const text = tail + decoder.decode(chunk, { stream: true });
        const parts = text.split('\r\n');
        tail = parts.pop()!;
        for (const line of parts) {
          if (lines === 1) first = line;
          last = line;
          lines++;
        }
      }
      expect(tail).toBe('');
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(
      `audit export: 100,000 events, ${(bytes / 1024 / 1024).toFixed(1)} MB of CSV in ${Date.now() - started} ms; heap growth at most ${growthMb.toFixed(1)} MB (baseline ${(baseline / 1024 / 1024).toFixed(1)} MB)`,
    );
    // The header, the team's creation and the 100,000 seeded events: nothing of the other team.
    expect(lines).toBe(1 + 1 + 100_000);
    expect(first).toMatch(/,team\.created,/);
    expect(last).toMatch(/seeded key 99999/);
    // Bounded: a few pages in flight, far from the whole log (more than 20 MB of text).
    expect(bytes).toBeGreaterThan(15 * 1024 * 1024);
    expect(growthMb).toBeLessThan(16);

    const jsonl = await download(exportUrl(teamId, 'jsonl'), bearer(owner.token));
    expect(jsonl.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    let text = '';
    for await (const chunk of jsonl as AsyncIterable<Buffer>) text += chunk.toString();
    const rows = text.trimEnd().split('\n');
    expect(rows).toHaveLength(100_001);
    expect(JSON.parse(rows[100_000]!)).toMatchObject({
      action: 'api_key.created',
      details: { name: 'seeded key 99999' },
    });
  }, 180_000);

  it('writes the same rows in CSV and JSON Lines, escaped, with spreadsheet formulas defused', async () => {
    const owner = await signUp(t, { name: '=HYPERLINK("http://evil.test","click")' });
    const teamId = await createTeam(t, owner, 'Tricky, "quoted"\nteam');
    await t.portal.dataSource
      .createQueryBuilder()
      .insert()
      .into(AuditEvent)
      .values([
        {
          id: randomUUID(),
          teamId,
          action: 'team.updated',
          actorUserId: owner.id,
          actorApiKeyId: null,
          targetType: '@team',
          targetId: '+1',
          details: JSON.stringify({ note: 'a,b\n"c"\r\n-d' }),
          createdAt: new Date(),
        },
        {
          id: randomUUID(),
          teamId,
          action: '-cmd|calc',
          actorUserId: null,
          actorApiKeyId: randomUUID(),
          targetType: null,
          targetId: null,
          details: null,
          createdAt: new Date(),
        },
      ])
      .execute();

    const csv = await fetch(exportUrl(teamId, 'csv'), { headers: bearer(owner.token) });
    const table = parseCsv(await csv.text());
    expect(table[0]).toEqual([...AUDIT_EXPORT_COLUMNS]);
    const jsonl = await fetch(exportUrl(teamId, 'jsonl'), { headers: bearer(owner.token) });
    const objects = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects).toHaveLength(3);
    expect(table).toHaveLength(1 + 3);

    const defuse = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
    objects.forEach((object, i) => {
      const expected = AUDIT_EXPORT_COLUMNS.map((column) => {
        const value = object[column];
        if (value === null) return '';
        return defuse(typeof value === 'string' ? value : JSON.stringify(value));
      });
      expect(table[i + 1]).toEqual(expected);
    });
    // Spot checks of what a spreadsheet would have run.
    const [, created, updated, keyed] = table;
    expect(created![2]).toBe('team.created');
    expect(updated![5]).toBe(`'=HYPERLINK("http://evil.test","click")`);
    expect(updated![8]).toBe(`'@team`);
    expect(updated![9]).toBe(`'+1`);
    expect(JSON.parse(updated![10]!)).toEqual({ note: 'a,b\n"c"\r\n-d' });
    expect(keyed![2]).toBe(`'-cmd|calc`);
    expect(keyed![3]).toBe('api_key');
    expect(objects[1]).toMatchObject({
      actorType: 'user',
      actorName: '=HYPERLINK("http://evil.test","click")',
      actorEmail: owner.email,
      details: { note: 'a,b\n"c"\r\n-d' },
    });
  });

  it("uses the gate's credentials: members and the team's own keys read it; others get 401 or 404", async () => {
    const w = await makeWorld(t, smtp);
    const team = await w.makeTeam();
    const own = await createKey(t, w.owner, team.teamId);
    const revoked = await createKey(t, w.owner, team.teamId);
    await t.gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`,
      { id: revoked.id },
      w.owner.token,
    );
    const otherKey = await createKey(t, w.outsider, w.outsiderTeam);
    const get = (headers: Record<string, string>, teamId = team.teamId, format = 'jsonl') =>
      fetch(exportUrl(teamId, format), { headers });

    for (const headers of [
      bearer(w.member.token),
      { 'x-api-key': own.secret },
      bearer(own.secret),
    ]) {
      const res = await get(headers);
      expect(res.status).toBe(200);
      const events = (await res.text())
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { action: string });
      expect(events[0]!.action).toBe('team.created');
    }
    const refusals: Array<[Record<string, string>, number, string]> = [
      [{}, 401, 'UNAUTHENTICATED'],
      [{ authorization: 'Basic abc' }, 401, 'UNAUTHENTICATED'],
      [bearer('not-a-session'), 401, 'UNAUTHENTICATED'],
      [{ 'x-api-key': revoked.secret }, 401, 'UNAUTHENTICATED'],
      [{ ...bearer(w.member.token), 'x-api-key': own.secret }, 401, 'UNAUTHENTICATED'],
      [bearer(w.outsider.token), 404, 'NOT_FOUND'],
      [{ 'x-api-key': otherKey.secret }, 404, 'NOT_FOUND'],
    ];
    for (const [headers, status, code] of refusals) {
      const res = await get(headers);
      expect([
        res.status,
        ((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!
          .extensions.code,
      ]).toEqual([status, code]);
      expect(res.headers.get('content-disposition')).toBeNull();
    }
    // An unknown team and a deleted one do not exist; a format we do not write is a bad request.
    expect((await get(bearer(w.owner.token), randomUUID())).status).toBe(404);
    expect((await get(bearer(w.owner.token), team.teamId, 'xlsx')).status).toBe(400);
    expect((await get(bearer(w.owner.token), team.teamId, 'csv')).status).toBe(200);
    await t.gql(`mutation($id: ID!) { deleteTeam(id: $id) }`, { id: team.teamId }, w.owner.token);
    expect((await get(bearer(w.owner.token))).status).toBe(404);
  });
});
