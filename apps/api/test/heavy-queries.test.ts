import http from 'node:http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { parse } from 'graphql';
import { operationCost } from '../src/core/graphql-limits';
import { buildGraphQLSchema } from '../src/schema';
import { signUp, startPortal, type TestPortal } from './harness';
import { createTeam } from './teams-world';

/**
 * Expensive operations and requests over 16 KB draw from a budget per caller and minute (cheap,
 * small ones never do), over HTTP and graphql-ws alike; variables that do not fit their types are the caller's error on both.
 */
// Each `auditLog(first: 20)` page costs well over 50 with its nodes.
const HEAVY = `query($id: ID!) { team(id: $id) { auditLog(first: 20) { edges { node { id action createdAt } } } } }`;
const CHEAP = `query($id: ID!) { team(id: $id) { id name } }`;

let t: TestPortal;
beforeAll(async () => {
  // Small numbers so a few queries show the rule: heavy from cost 50, room for two HEAVY a minute.
  const cost = operationCost(await buildGraphQLSchema(), parse(HEAVY), undefined, { id: 'x' });
  expect(cost).toBeGreaterThanOrEqual(50);
  t = await startPortal({
    GRAPHQL_HEAVY_COST: '50',
    GRAPHQL_HEAVY_BUDGET_PER_MINUTE: String(2 * cost + 1),
  });
});
afterAll(() => t.stop());

/** A graphql-ws client for a person, and the first error code each operation it runs ends with. */
function wsClient(token: string) {
  const client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const codeOf = (query: string, variables: Record<string, unknown>) =>
    new Promise<string | undefined>((resolve) => {
      let code: string | undefined;
      client.subscribe(
        { query, variables },
        {
          next: (value) => {
            code ??= (value.errors?.[0]?.extensions as { code?: string } | undefined)?.code;
          },
          error: (errors) =>
            resolve((errors as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code),
          complete: () => resolve(code),
        },
      );
    });
  return { codeOf, dispose: () => client.dispose() };
}

it('refuses heavy queries past the budget with 429 and Retry-After, a second later, while cheap ones go on', async () => {
  const owner = await signUp(t);
  const id = await createTeam(t, owner);
  const answers = [];
  const took: number[] = [];
  for (let i = 0; i < 4; i++) {
    const started = performance.now();
    answers.push(await t.gql(HEAVY, { id }, owner.token));
    took.push(performance.now() - started);
  }
  const statuses = answers.map((a) => a.status);
  // Refusals are slowed down (a second each), so a client retrying at once cannot spin on them.
  expect(Math.min(took[2]!, took[3]!)).toBeGreaterThanOrEqual(950);
  const last = answers[3]!;
  expect(statuses.slice(0, 2)).toEqual([200, 200]);
  expect(statuses.slice(2)).toEqual([429, 429]);
  expect(last.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  expect(last.errors?.[0]?.message).toMatch(/expensive queries/);
  expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);

  for (let i = 0; i < 20; i++) expect((await t.gql(CHEAP, { id }, owner.token)).status).toBe(200);
  // The budget is the caller's own: another person is not affected.
  const other = await signUp(t);
  const theirs = await createTeam(t, other);
  expect((await t.gql(HEAVY, { id: theirs }, other.token)).status).toBe(200);
});

it('holds the same budget over graphql-ws, and refuses badly typed variables there as BAD_USER_INPUT', async () => {
  const owner = await signUp(t);
  const id = await createTeam(t, owner);
  const client = wsClient(owner.token);
  try {
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(await client.codeOf(HEAVY, { id }));
    expect(codes).toEqual([undefined, undefined, 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(await client.codeOf(CHEAP, { id: { not: 'an id' } })).toBe('BAD_USER_INPUT');
    expect(t.logs.some((line) => line.includes('Variable "$id" got invalid value'))).toBe(false);
  } finally {
    await client.dispose();
  }
});

it('counts requests over 16 KB as heavy, however they come: padded, chunked, over graphql-ws', async () => {
  const { heavyCost, heavyBudgetPerMinute } = t.portal.config.limits;
  expect(heavyCost).toBe(50);
  const owner = await signUp(t);
  const id = await createTeam(t, owner);
  // A cheap query in a 20 KB request: a comment pads it. Each draws 2 × GRAPHQL_HEAVY_COST.
  const padded = `# ${'x'.repeat(20 * 1024)}\n${CHEAP}`;
  const allowed = Math.floor(heavyBudgetPerMinute / (2 * heavyCost));
  expect(allowed).toBeGreaterThanOrEqual(1);
  const statuses = [];
  for (let i = 0; i <= allowed; i++)
    statuses.push((await t.gql(padded, { id }, owner.token)).status);
  expect(statuses).toEqual([...Array<number>(allowed).fill(200), 429]);
  const refused = await t.gql(padded, { id }, owner.token);
  expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  expect(refused.errors?.[0]?.message).toMatch(/requests over 16 KB.*this one is 21 KB/);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  // The same request sent chunked (no Content-Length) is measured as it is read.
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = http.request(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query: padded, variables: { id } }));
  });
  expect(chunked).toBe(429);
  // Small requests never draw from it.
  for (let i = 0; i < 10; i++) expect((await t.gql(CHEAP, { id }, owner.token)).status).toBe(200);

  // graphql-ws: another person, the same rule.
  const other = await signUp(t);
  const theirs = await createTeam(t, other);
  const client = wsClient(other.token);
  try {
    const codes = [];
    for (let i = 0; i <= allowed; i++) codes.push(await client.codeOf(padded, { id: theirs }));
    expect(codes).toEqual([...Array<undefined>(allowed).fill(undefined), 'RATE_LIMITED']);
  } finally {
    await client.dispose();
  }
});
