import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The check the GitHub workflow runs against the base branch (issue 11: a repository that stands alone). */
const script = path.resolve(__dirname, '../../../packages/schema/scripts/breaking-changes.mjs');
const committed = path.resolve(__dirname, '../../../packages/schema/schema.graphql');

const BEFORE = `
enum Role { OWNER ADMIN MEMBER }
type Team { id: ID! name: String! description: String }
type Query { team(id: ID!): Team role: Role }
`;

describe('packages/schema/scripts/breaking-changes.mjs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'schema-breaking-'));
    writeFileSync(path.join(dir, 'before.graphql'), BEFORE);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const check = (after: string) => {
    const file = path.join(dir, `after-${Math.random().toString(36).slice(2)}.graphql`);
    writeFileSync(file, after);
    const run = spawnSync(
      process.execPath,
      [script, '--old', path.join(dir, 'before.graphql'), '--new', file],
      { encoding: 'utf8' },
    );
    return { status: run.status, out: run.stdout + run.stderr };
  };

  it('passes an addition (a new nullable field and a new type)', () => {
    const result =
      check(`${BEFORE.replace('description: String', 'description: String logoUrl: String')}
      type Extra { id: ID! }`);
    expect(result).toMatchObject({ status: 0 });
    expect(result.out).toMatch(/No breaking change/);
  });

  it.each([
    [
      'a removed field',
      BEFORE.replace('description: String', ''),
      /FIELD_REMOVED: Team\.description/,
    ],
    [
      'a new required argument',
      BEFORE.replace('role: Role', 'role(teamId: ID!): Role'),
      /REQUIRED_ARG_ADDED/,
    ],
    [
      'a changed type',
      BEFORE.replace('name: String!', 'name: Int!'),
      /FIELD_CHANGED_KIND: Team\.name/,
    ],
    ['a removed enum value', BEFORE.replace('ADMIN ', ''), /VALUE_REMOVED_FROM_ENUM: ADMIN/],
  ])('fails on %s, naming it', (_name, after, message) => {
    const result = check(after);
    expect(result.status).toBe(1);
    expect(result.out).toMatch(message);
    expect(result.out).toMatch(/1 breaking change\(s\)/);
  });

  it('prints a dangerous change (a new enum value) without failing', () => {
    const result = check(BEFORE.replace('MEMBER', 'MEMBER AUDITOR'));
    expect(result.status).toBe(0);
    expect(result.out).toMatch(/dangerous: VALUE_ADDED_TO_ENUM/);
  });

  it('finds nothing breaking between the committed schema and itself', () => {
    const run = spawnSync(process.execPath, [script, '--old', committed], { encoding: 'utf8' });
    expect(run.status).toBe(0);
  });

  it('refuses to run without a baseline', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/give exactly one of --base and --old/);
  });
});
