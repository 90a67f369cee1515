import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  BREAK,
  GraphQLError,
  Kind,
  getOperationAST,
  getVariableValues,
  specifiedRules,
  validate,
  type ASTNode,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ErrorCode } from './errors';

export interface QueryLimits {
  queryDepth: number;
  /** Aliases per operation, `__typename` included (scanners flood with `a1: __typename …`). */
  aliases: number;
  cost: number;
  /** Lexer tokens per document; enforced by the parser (`parseOptions`), see `parseOptionsFor`. */
  tokens?: number;
  /** Directives per operation (fragments counted where spread); `DEFAULT_MAX_DIRECTIVES` when unset. */
  directives?: number;
}

export interface LimitOptions {
  /** Off in production: `__schema` and `__type` are refused before anything else is checked. */
  introspection?: boolean;
  /** Off in production: "Did you mean …?" hints are cut from validation messages. */
  suggestions?: boolean;
}

/** The web app uses none; a few `@include`/`@skip` fit easily. */
export const DEFAULT_MAX_DIRECTIVES = 10;

/**
 * One selection set asking for the same field (same response key) more often than this is
 * refused: scanners send 500 × `__typename`; real documents repeat a field once or twice at most.
 */
export const MAX_FIELD_REPEATS = 3;

/** graphql-query-complexity's own guard against fragment fan-out; past it the cost is "too high". */
const MAX_COST_NODES = 10_000;

type Reason =
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'TOO_MANY_DIRECTIVES'
  | 'REPEATED_DIRECTIVE'
  | 'UNKNOWN_DIRECTIVE'
  | 'REPEATED_FIELD'
  | 'INTROSPECTION_DISABLED'
  | 'QUERY_TOO_COSTLY';

/** A refusal the caller caused: a contract code, a reason, HTTP 400 (Apollo reads `http`). */
function limitError(message: string, reason: Reason): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, reason, http: { status: 400 } },
  });
}

/**
 * graphql-armor rules, made to report instead of throw (a throw inside validation is a 500 in
 * Apollo) and to drop armor's "Syntax Error: " prefix, which is not what happened.
 */
function armorReport(reason: Reason) {
  return {
    propagateOnRejection: false,
    exposeLimits: true,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(limitError(error.message.replace(/^Syntax Error: /, ''), reason)),
    ],
  };
}

/**
 * A directive flood (`__typename @a @a @a …`, or many unknown names) is refused with one error:
 * graphql-js's own rules would answer one error per directive, which is what scanners look for.
 */
function directiveFloodRule(context: ValidationContext): ReturnType<ValidationRule> {
  const schema = context.getSchema();
  const refuse = (message: string, reason: Reason) => {
    context.reportError(limitError(message, reason));
    return BREAK;
  };
  return {
    enter(node: ASTNode) {
      const directives = (node as { directives?: readonly DirectiveNode[] }).directives;
      if (!directives?.length) return undefined;
      const seen = new Set<string>();
      for (const directive of directives) {
        const name = directive.name.value;
        const known = schema.getDirective(name);
        if (!known) return refuse(`Unknown directive "@${name}".`, 'UNKNOWN_DIRECTIVE');
        if (seen.has(name) && !known.isRepeatable)
          return refuse(
            `The directive "@${name}" can only be used once at this location.`,
            'REPEATED_DIRECTIVE',
          );
        seen.add(name);
      }
      return undefined;
    },
  };
}

/** Field duplication (`{ __typename __typename … }`): one error, before the costly overlap check. */
function repeatedFieldRule(context: ValidationContext): ReturnType<ValidationRule> {
  return {
    SelectionSet(node) {
      const counts = new Map<string, number>();
      for (const selection of node.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        const key = selection.alias?.value ?? selection.name.value;
        const count = (counts.get(key) ?? 0) + 1;
        if (count > MAX_FIELD_REPEATS) {
          context.reportError(
            limitError(
              `The field "${key}" is asked for more than ${MAX_FIELD_REPEATS} times in one selection.`,
              'REPEATED_FIELD',
            ),
          );
          return BREAK;
        }
        counts.set(key, count);
      }
      return undefined;
    },
  };
}

/**
 * The static limits as validation rules (depth, aliases with `__typename` counted, directives,
 * repeated fields):
 * they report errors, never throw. Used alone by `checkLimits`, or appended to graphql-js's
 * specified rules by a server that validates in one pass.
 */
export function limitRules(limits: QueryLimits, options: LimitOptions = {}): ValidationRule[] {
  return [
    ...(options.introspection === false ? [introspectionRule] : []),
    maxDepthRule({
      n: limits.queryDepth,
      flattenFragments: true,
      // `__schema` is left to the introspection switch (the development IDE's query is deep).
      ignoreIntrospection: true,
      ...armorReport('QUERY_TOO_DEEP'),
    }),
    // armor's default allow-list skips `__typename`: 101 aliased `__typename` would pass.
    maxAliasesRule({ n: limits.aliases, allowList: [], ...armorReport('TOO_MANY_ALIASES') }),
    maxDirectivesRule({
      n: limits.directives ?? DEFAULT_MAX_DIRECTIVES,
      ...armorReport('TOO_MANY_DIRECTIVES'),
    }),
    directiveFloodRule,
    repeatedFieldRule,
  ];
}

/** Like graphql-js's NoSchemaIntrospectionCustomRule, with our code and reason and one error. */
const introspectionRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value !== '__schema' && node.name.value !== '__type') return undefined;
    context.reportError(
      limitError(
        'Introspection is disabled: the schema is published with the documentation.',
        'INTROSPECTION_DISABLED',
      ),
    );
    return BREAK;
  },
});

/**
 * The limits alone, before any other validation: a document that breaks one is refused with a
 * single error and costs no more work (no error per field or per directive). Empty when it fits.
 */
export function checkLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: QueryLimits,
  options: LimitOptions = {},
): GraphQLError[] {
  return validate(schema, document, limitRules(limits, options), { maxErrors: 1 }).slice(0, 1);
}

/**
 * Validation as the gate runs it for every transport: the limits first (one error at most), then
 * graphql-js's specified rules (at most 10 errors; without suggestions when they are off).
 */
export function validateOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: QueryLimits,
  options: LimitOptions = {},
): readonly GraphQLError[] {
  const refused = checkLimits(schema, document, limits, options);
  if (refused.length > 0) return refused;
  // graphql-js bounds its own work (an overlapping-fields budget ends in "Validation aborted.").
  return validate(schema, document, specifiedRules, {
    maxErrors: 10,
    hideSuggestions: options.suggestions === false,
  });
}

/** What graphql-js's parser needs to enforce the token limit (a clean syntax error past it). */
export function parseOptionsFor(limits: QueryLimits): { maxTokens?: number } {
  return limits.tokens === undefined ? {} : { maxTokens: limits.tokens };
}

/**
 * What running the operation would cost: every field 1 unless it declares `complexity` (pages
 * multiply their children). Infinity when it cannot be computed (fragment fan-out past
 * MAX_COST_NODES), so it fails closed. 0 when there is no such operation or its variables do not
 * fit their types: execution refuses those before any resolver runs.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return 0;
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables: variables ?? {},
      maxQueryNodes: MAX_COST_NODES,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    if (error instanceof GraphQLError) return Number.POSITIVE_INFINITY;
    throw error;
  }
}

/** The refusal for an operation over the cost limit (null when it fits). */
export function costError(cost: number, maxCost: number): GraphQLError | null {
  if (cost <= maxCost) return null;
  const found = Number.isFinite(cost) ? `cost ${cost}` : 'cost too high to compute';
  return limitError(
    `This query is too expensive (${found}, limit ${maxCost}). Ask for fewer fields or smaller pages.`,
    'QUERY_TOO_COSTLY',
  );
}

/**
 * The limits in Apollo: checked alone before Apollo's own validation (one 400, however many
 * fields or directives the document has; a GraphQLError with `http.status` thrown from a hook is
 * answered, not a 500), and the cost once the operation and its variables are known. Cost cannot
 * be a validation rule: Apollo caches validation across requests, so a rule never sees variables.
 * Given only a number, only the cost is checked.
 */
export function costLimitPlugin(
  schema: GraphQLSchema,
  limits: QueryLimits | number,
  options: LimitOptions = {},
): ApolloServerPlugin {
  const maxCost = typeof limits === 'number' ? limits : limits.cost;
  return {
    requestDidStart() {
      return Promise.resolve({
        validationDidStart({ document }) {
          if (typeof limits !== 'number') {
            const [refused] = checkLimits(schema, document, limits, options);
            if (refused) throw refused;
          }
          return Promise.resolve();
        },
        didResolveOperation({ request, document, operationName }) {
          const refused = costError(
            operationCost(schema, document, operationName, request.variables),
            maxCost,
          );
          if (refused) throw refused;
          return Promise.resolve();
        },
      });
    },
  };
}
