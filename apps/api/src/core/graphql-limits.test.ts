import { parse, type GraphQLError, type GraphQLSchema } from 'graphql';
import { buildGraphQLSchema } from '../schema';
import {
  checkLimits,
  costError,
  operationCost,
  parseOptionsFor,
  validateOperation,
  type QueryLimits,
} from './graphql-limits';

const limits: QueryLimits = { queryDepth: 10, aliases: 15, cost: 5000, tokens: 2000 };
const production = { introspection: false, suggestions: false };

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGraphQLSchema();
});

const check = (query: string, options = {}) =>
  validateOperation(schema, parse(query, parseOptionsFor(limits)), limits, options);
const reasons = (errors: readonly GraphQLError[]) => errors.map((e) => e.extensions.reason);
const aliased = (n: number, field = '__typename') =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

describe('aliases', () => {
  it('counts aliased __typename: 101 of them are refused with one error', () => {
    const errors = check(aliased(101));
    expect(reasons(errors)).toEqual(['TOO_MANY_ALIASES']);
    expect(errors[0]!.message).toBe('Aliases limit of 15 exceeded, found 101.');
    expect(errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('accepts up to the limit, and counts aliases inside fragments', () => {
    expect(check(aliased(15))).toEqual([]);
    expect(reasons(check(aliased(16)))).toEqual(['TOO_MANY_ALIASES']);
    const inFragments = `{ viewer { ...A ...B } }
      fragment A on Viewer { ${Array.from({ length: 8 }, (_, i) => `a${i}: __typename`).join(' ')} }
      fragment B on Viewer { ${Array.from({ length: 8 }, (_, i) => `b${i}: __typename`).join(' ')} }`;
    expect(reasons(check(inFragments))).toEqual(['TOO_MANY_ALIASES']);
  });
});

describe('directives', () => {
  it('refuses ten duplicated unknown directives with one error, not one per directive', () => {
    const errors = check(`{ __typename ${'@aa'.repeat(10)} }`);
    expect(reasons(errors)).toEqual(['UNKNOWN_DIRECTIVE']);
  });

  it('refuses ten distinct unknown directives with one error', () => {
    const query = `{ __typename ${Array.from({ length: 10 }, (_, i) => `@d${i}`).join(' ')} }`;
    expect(reasons(check(query))).toEqual(['UNKNOWN_DIRECTIVE']);
  });

  it('refuses a known directive repeated at one place, once', () => {
    const errors = check(`{ __typename ${'@include(if: true)'.repeat(10)} }`);
    expect(reasons(errors)).toEqual(['REPEATED_DIRECTIVE']);
  });

  it('limits directives per operation, fragments included', () => {
    const fields = (n: number) =>
      Array.from({ length: n }, (_, i) => `f${i}: __typename @skip(if: false)`).join(' ');
    expect(check(`{ ${fields(10)} }`)).toEqual([]);
    expect(reasons(check(`{ ${fields(11)} }`))).toEqual(['TOO_MANY_DIRECTIVES']);
    expect(reasons(check(`{ viewer { ...F } } fragment F on Viewer { ${fields(11)} }`))).toContain(
      'TOO_MANY_DIRECTIVES',
    );
  });
});

describe('depth', () => {
  const deep = (levels: number) => {
    // viewer > memberships > team > members > team > members > … alternating team and members.
    let inner = 'id';
    for (let i = 0; i < levels; i++)
      inner = i % 2 === 0 ? `team { ${inner} }` : `members { ${inner} }`;
    return `{ viewer { memberships { ${inner} } } }`;
  };

  it('refuses past the limit, fragments flattened', () => {
    expect(check(deep(7))).toEqual([]); // 2 + 7 levels + id = 10
    expect(reasons(check(deep(8)))).toEqual(['QUERY_TOO_DEEP']);
    const viaFragments = `{ viewer { ...V } } fragment V on Viewer { memberships { ${deep(8).slice(24, -4)} }`;
    expect(reasons(check(viaFragments))).toEqual(['QUERY_TOO_DEEP']);
  });
});

describe('introspection and suggestions in production', () => {
  it('refuses __schema and __type with one error, and allows __typename', () => {
    expect(reasons(check('{ __schema { types { name } } }', production))).toEqual([
      'INTROSPECTION_DISABLED',
    ]);
    expect(reasons(check('{ __type(name: "Team") { name } }', production))).toEqual([
      'INTROSPECTION_DISABLED',
    ]);
    expect(check('{ __typename }', production)).toEqual([]);
    // Outside production the IDE may introspect; circular introspection is graphql-js's own refusal.
    const circular = `{ __schema { types { fields { type { fields { type { fields { type { fields { type { fields { name } } } } } } } } } } } }`;
    expect(check(circular).map((e) => e.message)).toEqual(['Maximum introspection depth exceeded']);
    expect(reasons(check(circular, production))).toEqual(['INTROSPECTION_DISABLED']);
  });

  it('refuses circular introspection through __type as too deep even where introspection is on', () => {
    const circular = `{ __type(name: "Team") { fields { type { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } } }`;
    expect(reasons(check(circular))).toEqual(['QUERY_TOO_DEEP']);
  });

  it('cuts "Did you mean" when suggestions are off', () => {
    expect(check('{ viewe { user { id } } }')[0]!.message).toMatch(/Did you mean "viewer"\?/);
    const [error] = check('{ viewe { user { id } } }', production);
    expect(error!.message).toBe('Cannot query field "viewe" on type "Query".');
  });
});

describe('checkLimits', () => {
  it('checks the limits only, and reports one error even when several are broken', () => {
    expect(checkLimits(schema, parse('{ nope { nope } }'), limits)).toEqual([]);
    const both = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: __typename @aa`).join(' ')} }`;
    expect(checkLimits(schema, parse(both), limits)).toHaveLength(1);
  });
});

describe('documents that would break a naive rule', () => {
  it.each([
    [
      'cyclic fragments',
      '{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }',
    ],
    ['an unknown fragment', '{ viewer { ...Nope } }'],
    ['a fragment on an unknown type', '{ viewer { ...A } } fragment A on Nope { id }'],
    ['two anonymous operations', '{ __typename } { __typename }'],
    [
      'a subscription with two fields',
      'subscription { a: usageTicks(teamId: "1") { at } b: usageTicks(teamId: "1") { at } }',
    ],
    ['an unknown argument', '{ team(id: "1", nope: 1) { id } }'],
  ])('reports %s as errors and never throws', (_name, query) => {
    const errors = check(query, production);
    expect(errors.length).toBeGreaterThan(0);
    expect(() => operationCost(schema, parse(query), undefined, {})).not.toThrow();
  });

  it('stops a document over the token limit in the parser', () => {
    expect(() => parse(aliased(1000), parseOptionsFor(limits))).toThrow(/more that 2000 tokens/);
  });

  it('refuses field duplication (500 × __typename) with one error, quickly', () => {
    const query = `{ ${'__typename '.repeat(500)} }`;
    const started = performance.now();
    expect(reasons(check(query, production))).toEqual(['REPEATED_FIELD']);
    expect(check(`{ ${'__typename '.repeat(3)} }`)).toEqual([]);
    expect(reasons(check(`{ viewer { user { ${'id '.repeat(4)} } } }`))).toEqual([
      'REPEATED_FIELD',
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('operationCost', () => {
  const cost = (query: string, variables: Record<string, unknown> = {}, name?: string) =>
    operationCost(schema, parse(query), name, variables);

  it('counts one per field unless the field says otherwise', () => {
    expect(cost('{ viewer { user { id email } } }')).toBe(4);
    // usage costs 20 plus its children; auditLog multiplies its children by the page size.
    expect(
      cost(
        '{ team(id: "1") { usage(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", interval: HOUR) { totalRequests } } }',
      ),
    ).toBe(1 + 20 + 1);
    expect(cost('{ team(id: "1") { auditLog(first: 10) { edges { node { id } } } } }')).toBe(
      1 + 10 * 3,
    );
  });

  it('reads page sizes from variables, and picks the named operation', () => {
    const query =
      'query A($n: Int) { team(id: "1") { auditLog(first: $n) { edges { cursor } } } } query B { viewer { user { id } } }';
    expect(cost(query, { n: 100 }, 'A')).toBe(1 + 100 * 2);
    expect(cost(query, { n: 2 }, 'A')).toBe(1 + 2 * 2);
    expect(cost(query, {}, 'B')).toBe(3);
    expect(cost(query, {}, 'C')).toBe(0);
  });

  it('is 0 when the variables do not fit (execution refuses them), and never throws', () => {
    expect(
      cost('query($n: Int!) { team(id: "1") { auditLog(first: $n) { edges { cursor } } } }', {
        n: 'x',
      }),
    ).toBe(0);
    expect(
      cost('query($n: Int!) { team(id: "1") { auditLog(first: $n) { edges { cursor } } } }', {}),
    ).toBe(0);
  });

  it('fails closed on fragment fan-out: past 10,000 nodes the cost is Infinity', () => {
    // Each fragment spreads the previous one twice: 2^14 copies of the innermost field.
    const levels = 14;
    const fragments = [`fragment F0 on User { id }`];
    for (let i = 1; i <= levels; i++)
      fragments.push(`fragment F${i} on User { ...F${i - 1} ...F${i - 1} }`);
    const query = `{ viewer { user { ...F${levels} } } } ${fragments.join(' ')}`;
    expect(cost(query)).toBe(Number.POSITIVE_INFINITY);
    expect(costError(Number.POSITIVE_INFINITY, 5000)?.message).toMatch(/too high to compute/);
  });

  it('costError refuses only past the limit', () => {
    expect(costError(5000, 5000)).toBeNull();
    expect(costError(5001, 5000)?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'QUERY_TOO_COSTLY',
    });
  });
});
