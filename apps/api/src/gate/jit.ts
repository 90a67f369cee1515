import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Executor = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

/**
 * Compiled execution behind Apollo Server (graphql-jit): each operation is turned once into a
 * JavaScript function that resolves its fields without graphql-js's per-field interpretation
 * (collecting fields, building `info`, completing values by type), and is run for every request
 * that sends it. It plugs into Apollo's own seam for replacing execution, the gateway interface
 * (`load` → `executor`): Apollo still does everything around execution exactly as before (its
 * document store, validation, `formatError`, the plugins' hooks, the HTTP answer).
 *
 * Compiled operations are kept per document object: Apollo's document store hands out the same
 * DocumentNode for the same text, so a document it drops is dropped here too (a WeakMap).
 * Errors keep their original error (resolvers' AppErrors reach formatError as before); stacks are
 * not captured per error, since no answer ever shows them outside development.
 */
export function compiledExecution(schema: GraphQLSchema): Executor {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | ExecutionResult>>();
  const compiledFor = (document: DocumentNode, operationName: string | undefined) => {
    let operations = compiled.get(document);
    if (!operations)
      compiled.set(document, (operations = new Map<string, CompiledQuery | ExecutionResult>()));
    const key = operationName ?? '';
    let operation = operations.get(key);
    if (!operation) {
      operation = compileQuery(schema, document, operationName, {
        disablingCapturingStackErrors: true,
      });
      operations.set(key, operation);
    }
    return operation;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    load: () =>
      Promise.resolve({
        executor: async ({ document, operationName, request, context }) => {
          const operation = compiledFor(document, operationName ?? undefined);
          // A document that does not compile (an unknown operation name) answers its errors.
          if (!isCompiledQuery(operation)) return withGraphQLErrors(operation);
          return withGraphQLErrors(
            await operation.query(undefined, context, request.variables ?? {}),
          );
        },
      }),
    stop: () => Promise.resolve(),
  };
}

/**
 * graphql-jit's errors are its own lighter class, without graphql-js's `extensions` object that
 * Apollo's error handling reads: each becomes a graphql-js GraphQLError with the same message,
 * locations, path and original error (only answers that carry errors pay for this).
 */
function withGraphQLErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    const error = new GraphQLError(e.message, {
      path: e.path,
      originalError: e.originalError,
      extensions: e.extensions ?? {},
    });
    // graphql-js computes locations from nodes; the compiled query kept them already.
    if (e.locations) Object.assign(error, { locations: e.locations });
    return error;
  });
  return { ...result, errors };
}
