import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ErrorCode } from './errors';

export interface QueryLimits {
  queryDepth: number;
  aliases: number;
  cost: number;
}

/** Depth and alias limits are static, so they can be validation rules (Apollo caches validation). */
export function limitRules(limits: QueryLimits): ValidationRule[] {
  // Report, don't throw: a thrown error inside validation becomes a 500 in Apollo.
  const report = {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
    ],
  };
  return [
    maxDepthRule({ n: limits.queryDepth, flattenFragments: true, exposeLimits: true, ...report }),
    maxAliasesRule({ n: limits.aliases, exposeLimits: true, ...report }),
  ];
}

/**
 * Cost depends on variables (page sizes), so it is computed once the operation is known, per
 * request: every field costs 1 unless it declares `complexity` in its options.
 */
export function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document, operationName }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              operationName: operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // Variables that do not fit their types: Apollo answers those itself (400, BAD_USER_INPUT).
            if (error instanceof GraphQLError) return Promise.resolve();
            throw error;
          }
          if (cost > maxCost) {
            throw new GraphQLError(
              `This query is too expensive (cost ${cost}, limit ${maxCost}). Ask for fewer fields or smaller pages.`,
              {
                extensions: {
                  code: ErrorCode.BAD_USER_INPUT,
                  reason: 'QUERY_TOO_COSTLY',
                  http: { status: 400 },
                },
              },
            );
          }
          return Promise.resolve();
        },
      });
    },
  };
}
