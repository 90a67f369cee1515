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
/**
 * And at most this much memory of compiled code, estimated as COMPILED_PER_JSON_BYTE times the JSON
 * of the document (as Apollo parses it, with locations) for each operation compiled from it.
 * Measured on this schema: the dashboard query's compiled function holds 30 KB (8 times its
 * JSON); the fuzz run's generated documents 84 KB on average (19 times; 13 fields each, with
 * literal arguments and abstract types); counting fields instead was off by five times between
 * the two. By count alone, the fuzz run's 200 documents held 16 MB.
 */
const COMPILED_BYTES = 12 * 1024 * 1024;
const COMPILED_PER_JSON_BYTE = 24;

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
  // fills memory with compiled code), and at most COMPILED documents and COMPILED_BYTES stay
  // compiled (LRU). A document too large for the whole budget always runs on graphql-js.
  const seen = new WeakMap<DocumentNode, 'once' | 'too large'>();
  const compiled = new LRUCache<DocumentNode, Compiled>({
    max: COMPILED,
    maxSize: COMPILED_BYTES,
    sizeCalculation: (entry) => Math.max(1, entry.bytes),
  });
  const compiledFor = (document: DocumentNode, operationName: string | undefined) => {
    let entry = compiled.get(document);
    if (!entry) {
      const before = seen.get(document);
      if (before === undefined) seen.set(document, 'once');
      if (before !== 'once') return undefined;
      entry = { operations: new Map(), bytes: 0 };
    }
    const key = operationName ?? '';
    let operation = entry.operations.get(key);
    if (!operation) {
      const bytes = entry.bytes + COMPILED_PER_JSON_BYTE * JSON.stringify(document).length;
      if (bytes > COMPILED_BYTES) {
        seen.set(document, 'too large');
        return undefined;
      }
      operation = compileQuery(schema, document, operationName, {
        disablingCapturingStackErrors: true,
      });
      entry.operations.set(key, operation);
      entry.bytes = bytes;
      // Set again for its new size.
      compiled.set(document, entry);
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

/** A document's compiled operations, by operation name, and their estimated size. */
interface Compiled {
  operations: Map<string, CompiledQuery | ExecutionResult>;
  bytes: number;
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
