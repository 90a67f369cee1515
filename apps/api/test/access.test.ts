import { graphql, isObjectType } from 'graphql';
import { Query, Resolver, buildSchema } from 'type-graphql';
import { accessOf, authChecker, requireAccessRule } from '../src/core/auth/access';
import { buildGraphQLSchema } from '../src/schema';

/**
 * Deny by default: every operation must say who may call it. A new Query, Mutation or
 * Subscription field without `@Allow(...)` or `@Public()` fails this test (and is refused at run time).
 */
it('gives every operation an access rule or an explicit public marker', async () => {
  const schema = await buildGraphQLSchema();
  const missing: string[] = [];
  const seen: string[] = [];
  for (const type of [
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ]) {
    if (!type || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      seen.push(`${type.name}.${field.name}`);
      if (accessOf(field) === undefined) missing.push(`${type.name}.${field.name}`);
    }
  }
  expect(seen.length).toBeGreaterThan(0);
  expect(missing).toEqual([]);
});

it('marks only the operations meant for anonymous callers as public', async () => {
  const schema = await buildGraphQLSchema();
  const publicOps = [schema.getQueryType()!, schema.getMutationType()!]
    .flatMap((type) =>
      Object.values(type.getFields()).map((f) => [`${type.name}.${f.name}`, accessOf(f)] as const),
    )
    .filter(([, access]) => access === 'public')
    .map(([name]) => name)
    .sort();
  expect(publicOps).toEqual([
    'Mutation.logIn',
    'Mutation.requestPasswordReset',
    'Mutation.resetPassword',
    'Mutation.signUp',
    'Query.apiAccess',
    'Query.invitationPreview',
    'Query.viewer',
  ]);
});

it('refuses at run time an operation that has no rule', async () => {
  @Resolver()
  class Forgotten {
    @Query(() => String)
    secret(): string {
      return 'should never be returned';
    }
  }
  const schema = await buildSchema({
    resolvers: [Forgotten],
    authChecker,
    globalMiddlewares: [requireAccessRule],
  });
  const log = { error: jest.fn() };
  const result = await graphql({ schema, source: '{ secret }', contextValue: { log } });
  expect(result.data).toBeNull();
  expect(result.errors?.[0]?.message).toBe('This operation is not available.');
  expect(log.error).toHaveBeenCalled();
});
