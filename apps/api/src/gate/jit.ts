import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  execute,
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

/** Documents kept compiled at once (the web app sends about 40 distinct operations). */
const COMPILED = 200;

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
 * DocumentNode for the same text.
 * Errors keep their original error (resolvers' AppErrors reach formatError as before); stacks are
 * not captured per error, since no answer ever shows them outside development.
 */
export function compiledExecution(schema: GraphQLSchema): Executor {
  // Compiled operations take far more memory than their documents, and compiling costs
  // milliseconds: a document is compiled when it comes a second time (a client's own queries do;
  // a stream of one-off documents, as a fuzzer or an attacker sends, runs on graphql-js and never
  // fills memory with compiled code), and at most COMPILED documents stay compiled (LRU).
  const seenOnce = new WeakSet<DocumentNode>();
  const compiled = new LRUCache<DocumentNode, Map<string, CompiledQuery | ExecutionResult>>({
    max: COMPILED,
  });
  const compiledFor = (document: DocumentNode, operationName: string | undefined) => {
    let operations = compiled.get(document);
    if (!operations) {
      if (!seenOnce.has(document)) {
        seenOnce.add(document);
        return undefined;
      }
      compiled.set(document, (operations = new Map<string, CompiledQuery | ExecutionResult>()));
    }
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
          if (operation === undefined)
            return execute({
              schema,
              document,
              operationName,
              variableValues: request.variables,
              contextValue: context,
            });
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
