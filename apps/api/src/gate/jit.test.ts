import { parse, buildSchema, type DocumentNode } from 'graphql';
import * as jit from 'graphql-jit';
import { compiledExecution } from './jit';

jest.mock('graphql-jit', () => {
  const actual = jest.requireActual<typeof jit>('graphql-jit');
  return { ...actual, compileQuery: jest.fn(actual.compileQuery) };
});
const compileQuery = jest.mocked(jit.compileQuery);

const schema = buildSchema('type Query { greeting(name: String!): String! }');
const resolvers = schema.getQueryType()!.getFields();
resolvers.greeting!.resolve = (_root, args: { name: string }) => `hello ${args.name}`;

async function executorOf() {
  const gateway = compiledExecution(schema);
  const { executor } = await gateway.load({ apollo: { key: '', keyHash: '', graphRef: '' } });
  if (!executor) throw new Error('compiledExecution gave no executor');
  return (document: DocumentNode) =>
    executor({
      document,
      operationName: undefined,
      request: { variables: {} },
      context: {},
    } as never);
}

beforeEach(() => compileQuery.mockClear());

it('compiles a document the second time it comes, once, and answers the same each time', async () => {
  const execute = await executorOf();
  const document = parse('{ a: greeting(name: "Ada") b: greeting(name: "Bo") }');
  const answers = [await execute(document), await execute(document), await execute(document)];
  expect(answers).toEqual(Array(3).fill({ data: { a: 'hello Ada', b: 'hello Bo' } }));
  expect(compileQuery).toHaveBeenCalledTimes(1);
});

it('never compiles a document too large for the whole budget of compiled code: graphql-js answers it', async () => {
  const execute = await executorOf();
  // 1.7 MB of JSON: estimated at 24 times that, more than the 12 MB budget.
  const fields = Array.from({ length: 4_000 }, (_, i) => `f${i}: greeting(name: "n${i}")`);
  const document = parse(`{ ${fields.join(' ')} }`);
  expect(JSON.stringify(document).length).toBeGreaterThan((12 * 1024 * 1024) / 24);
  for (let i = 0; i < 3; i++) {
    const answer = await execute(document);
    expect(answer.errors).toBeUndefined();
    expect(Object.keys(answer.data ?? {})).toHaveLength(4_000);
    expect(answer.data?.f3999).toBe('hello n3999');
  }
  expect(compileQuery).not.toHaveBeenCalled();
});

it('keeps compiled code within its budget: the oldest documents are compiled again when they come back', async () => {
  const execute = await executorOf();
  // Each estimated at 4 MB: three fit in 12 MB, so the first is evicted by the fourth.
  const documents = Array.from({ length: 10 }, (_, d) =>
    parse(
      `{ ${Array.from({ length: 400 }, (_, i) => `d${d}f${i}: greeting(name: "x")`).join(' ')} }`,
    ),
  );
  for (const document of documents) {
    await execute(document);
    await execute(document);
  }
  expect(compileQuery).toHaveBeenCalledTimes(10);
  await execute(documents[9]!);
  expect(compileQuery).toHaveBeenCalledTimes(10);
  await execute(documents[0]!);
  expect(compileQuery).toHaveBeenCalledTimes(11);
});
