import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { GraphQLError, parse, visit } from 'graphql';
import { parsedDocumentBytes, withoutStack } from './document-memory';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * The heap each of `count` values made by `make` keeps, in bytes (after full collections): the
 * median of three tries, since whatever else the process allocates meanwhile (the test runner's
 * own work, under CI's parallel workers) lands in one reading now and then.
 */
function heapPerItem(count: number, make: (i: number) => unknown): number {
  const tries = [0, 1, 2].map(() => heapOnce(count, make)).sort((a, b) => a - b);
  return tries[1]!;
}

function heapOnce(count: number, make: (i: number) => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = Array.from({ length: count }, (_, i) => make(i));
  gc();
  const after = process.memoryUsage().heapUsed;
  expect(kept).toHaveLength(count);
  return (after - before) / count;
}

describe('parsedDocumentBytes: what a document parsed with locations holds', () => {
  const shapes = {
    'the dashboard query':
      'query Dash($id: ID!) { team(id: $id) { id name members { id role user { id name email } } apiKeys { id name environment createdAt expiresAt lastUsedAt } } }',
    '2,000 comment lines around { __typename }':
      Array.from({ length: 2000 }, (_, i) => `# comment ${i}`).join('\n') + '\n{ __typename }',
    '500 aliased fields': `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: team(id: "x") { id name description }`).join(' ')} }`,
  };

  it.each(Object.entries(shapes))('%s: at least what it measures, at most twice', (_, text) => {
    // Each copy its own text (a flat string, as a request body is), parsed on its own; after a
    // round unmeasured (the parser's first runs allocate for themselves).
    const copy = (i: number) => parse(`${text}\n# ${i}`.split('').join(''));
    heapOnce(20, copy);
    const measured = heapPerItem(100, copy);
    const estimated = parsedDocumentBytes(parse(text));
    console.log(`${Math.round(measured)} B measured, ${estimated} B estimated`);
    expect(estimated).toBeGreaterThanOrEqual(measured * 0.9);
    expect(estimated).toBeLessThanOrEqual(measured * 2);
  });

  it('counts the comments Apollo’s default measure (the JSON) leaves out', () => {
    const padded = parse(shapes['2,000 comment lines around { __typename }']);
    expect(JSON.stringify(padded).length).toBeLessThan(1_000);
    expect(parsedDocumentBytes(padded)).toBeGreaterThan(200_000);
  });
});

describe('withoutStack: an error kept for long keeps nothing of where it was made', () => {
  /** An error made inside a visitor whose state is large, as validation rules make them. */
  const errorFromVisitor = (i: number, kept: boolean) => {
    const state = { seen: Array.from({ length: 2_000 }, (_, j) => ({ j, i })) };
    let error: GraphQLError | undefined;
    visit(parse('{ a }'), {
      Field() {
        if (state.seen.length > 0)
          error = kept
            ? withoutStack(() => new GraphQLError(`refused ${i}`))
            : new GraphQLError(`refused ${i}`);
      },
    });
    return error;
  };

  it('has no frames, and keeps a fraction of what an error with its stack keeps', () => {
    const error = withoutStack(() => new GraphQLError('refused'));
    expect(error.stack).toBe('GraphQLError: refused');
    expect(new Error('after').stack).toMatch(/\n\s+at /);

    const withFrames = heapPerItem(100, (i) => errorFromVisitor(i, false));
    const without = heapPerItem(100, (i) => errorFromVisitor(i, true));
    console.log(
      `heap per kept error: ${Math.round(withFrames)} B with its stack, ${Math.round(without)} B without`,
    );
    expect(withFrames).toBeGreaterThan(50_000);
    expect(without).toBeLessThan(withFrames / 20);
  });
});
