import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { operationCost, validateOperation, type QueryLimits } from '../../src/core/graphql-limits';

/** Ids of a seeded portal, by kind: generated arguments are drawn from them. */
export interface SeedIds {
  teams: string[];
  keys: string[];
  memberships: string[];
  invitations: string[];
  users: string[];
}

export interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

/** A small seeded generator (mulberry32): a failing run can be replayed with its seed. */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }
  word(): string {
    return this.pick(['alpha', 'beta', 'gamma', 'delta', 'Acme', 'Ünïcödé', 'tea & cake', '東京']);
  }
}

/**
 * Mutations whose random valid use leaves the seeded world usable (nothing deleted, revoked, no
 * session ended, no scrypt): the rest of the schema's mutations are left out of the fuzz.
 */
const SAFE_MUTATIONS = new Set([
  'updateTeam',
  'changeMemberRole',
  'resendInvitation',
  'inviteMember',
  'requestPasswordReset',
]);

const STEP_MS = { MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 } as const;

/** GraphQL literal text for a JS value of an input type. */
function literal(value: unknown, type: GraphQLInputType): string {
  if (value === null || value === undefined) return 'null';
  if (isNonNullType(type)) return literal(value, type.ofType);
  if (isListType(type))
    return `[${(value as unknown[]).map((v) => literal(v, type.ofType)).join(', ')}]`;
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    return `{ ${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${literal(v, fields[k]!.type)}`)
      .join(', ')} }`;
  }
  if (isEnumType(type)) return value as string;
  return JSON.stringify(value);
}

export class OperationGenerator {
  private variableCount = 0;
  private aliases = 0;
  private directives = 0;
  private variables: Record<string, unknown> = {};
  private definitions: string[] = [];
  private fragments: string[] = [];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly ids: SeedIds,
    private readonly rng: Rng,
    private readonly limits: QueryLimits,
  ) {}

  /** A valid operation within every limit (checked with the server's own validation and cost). */
  next(options: { mutations: boolean }): Operation {
    for (let attempt = 0; attempt < 50; attempt++) {
      const operation = this.attempt(options.mutations && this.rng.chance(0.1));
      let document;
      try {
        document = parse(operation.query, { maxTokens: this.limits.tokens });
      } catch (error) {
        // Past the token limit: try a smaller one. Any other syntax error is the generator's bug.
        if (String(error).includes('tokens')) continue;
        throw error;
      }
      const errors = validateOperation(this.schema, document, this.limits, {
        introspection: false,
        suggestions: false,
      });
      if (errors.length > 0)
        throw new Error(`generated an invalid document: ${errors[0]!.message}\n${operation.query}`);
      const cost = operationCost(this.schema, document, undefined, operation.variables);
      if (cost <= this.limits.cost) return operation;
    }
    throw new Error('could not generate an operation within the cost limit');
  }

  private attempt(mutation: boolean): Operation {
    this.variableCount = 0;
    this.aliases = 0;
    this.directives = 0;
    this.variables = {};
    this.definitions = [];
    this.fragments = [];
    const root = mutation ? this.schema.getMutationType()! : this.schema.getQueryType()!;
    const fields = Object.values(root.getFields()).filter(
      (f) => !mutation || SAFE_MUTATIONS.has(f.name),
    );
    const chosen = this.rng.shuffle(fields).slice(0, mutation ? 1 : this.rng.int(1, 3));
    const body = chosen.map((f) => this.field(f, 1)).join(' ');
    const header = this.definitions.length ? `(${this.definitions.join(', ')})` : '';
    const keyword = mutation ? 'mutation' : 'query';
    const name = this.rng.chance(0.5) ? ` Fuzz${this.rng.int(1, 999)}` : '';
    const query = `${keyword}${name}${header} { ${body} }${this.fragments.length ? ' ' + this.fragments.join(' ') : ''}`;
    return { query, variables: this.variables };
  }

  private field(field: GraphQLField<unknown, unknown>, depth: number): string {
    const alias =
      this.aliases < 5 && this.rng.chance(0.1) ? `${field.name}${++this.aliases}: ` : '';
    const args = this.arguments(field);
    const directive = this.directive();
    const named = getNamedType(field.type);
    if (isLeafType(named)) return `${alias}${field.name}${args}${directive}`;
    const sub = isObjectType(named) ? this.selection(named, depth + 1) : '__typename';
    return `${alias}${field.name}${args}${directive} { ${sub} }`;
  }

  private directive(): string {
    if (this.directives >= 3 || !this.rng.chance(0.08)) return '';
    this.directives++;
    return this.rng.chance(0.5)
      ? ` @include(if: ${this.rng.chance(0.8)})`
      : ` @skip(if: ${this.rng.chance(0.2)})`;
  }

  private selection(type: GraphQLObjectType, depth: number): string {
    const fields = Object.values(type.getFields());
    const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
    // Deeper levels ask for fewer and mostly scalar fields: depth 6 at most (the limit is 10).
    const pool = depth >= 6 ? leaves : fields;
    const count = this.rng.int(1, Math.max(1, Math.min(pool.length, depth <= 2 ? 5 : 3)));
    const parts = this.rng
      .shuffle(pool)
      .slice(0, count)
      .map((f) => this.field(f, depth));
    if (parts.length === 0 || this.rng.chance(0.15)) parts.push('__typename');
    if (this.rng.chance(0.1) && leaves.length) {
      const leaf = this.rng.pick(leaves);
      if (this.rng.chance(0.5)) parts.push(`... on ${type.name} { ${leaf.name} }`);
      else {
        const name = `F${this.fragments.length + 1}`;
        this.fragments.push(`fragment ${name} on ${type.name} { ${leaf.name} }`);
        parts.push(`...${name}`);
      }
    }
    return parts.join(' ');
  }

  private arguments(field: GraphQLField<unknown, unknown>): string {
    const names = field.args.map((a) => a.name);
    // Usage ranges must be consistent (at most 1,500 points): from, to and interval together.
    const range = names.includes('interval') ? this.usageRange() : undefined;
    const parts: string[] = [];
    for (const arg of field.args) {
      const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
      if (!required && this.rng.chance(0.5)) continue;
      const value =
        range && arg.name in range
          ? range[arg.name as keyof typeof range]
          : this.value(arg, field.name);
      if (this.rng.chance(0.3)) {
        const variable = `v${++this.variableCount}`;
        this.definitions.push(`$${variable}: ${arg.type.toString()}`);
        this.variables[variable] = value;
        parts.push(`${arg.name}: $${variable}`);
      } else parts.push(`${arg.name}: ${literal(value, arg.type)}`);
    }
    return parts.length ? `(${parts.join(', ')})` : '';
  }

  private usageRange() {
    const interval = this.rng.pick(['MINUTE', 'HOUR', 'DAY'] as const);
    const to = Date.now() - this.rng.int(0, 3) * STEP_MS[interval];
    const from = to - this.rng.int(1, 200) * STEP_MS[interval];
    return { interval, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  }

  /** An id of the right kind most of the time, of another kind sometimes (NOT_FOUND). */
  private id(argName: string, fieldName: string): string {
    const { teams, keys, memberships, invitations, users } = this.ids;
    const all = [...teams, ...keys, ...memberships, ...invitations, ...users];
    if (this.rng.chance(0.1)) return this.rng.pick(all);
    if (argName === 'teamId' || fieldName === 'team' || fieldName === 'updateTeam')
      return this.rng.pick(teams);
    if (argName === 'apiKeyId' || fieldName === 'apiKey') return this.rng.pick(keys);
    if (argName === 'membershipId') return this.rng.pick(memberships);
    if (argName === 'actorId') return this.rng.pick(users);
    if (fieldName.endsWith('Invitation')) return this.rng.pick(invitations);
    return this.rng.pick(all);
  }

  private value(
    arg: GraphQLArgument | { name: string; type: GraphQLInputType },
    fieldName: string,
  ): unknown {
    const type = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
    if (isListType(type)) return [this.value({ name: arg.name, type: type.ofType }, fieldName)];
    if (isEnumType(type)) {
      const values = type.getValues().map((v) => v.name);
      // Changing roles to OWNER would hand the seeded team around; keep roles below it.
      return this.rng.pick(type.name === 'Role' ? values.filter((v) => v !== 'OWNER') : values);
    }
    if (isInputObjectType(type)) {
      const input: Record<string, unknown> = {};
      for (const [name, f] of Object.entries(type.getFields())) {
        const required = isNonNullType(f.type) && f.defaultValue === undefined;
        if (!required && this.rng.chance(0.5)) continue;
        input[name] = this.value({ name, type: f.type }, fieldName);
      }
      return input;
    }
    switch (type.name) {
      case 'ID':
        return this.id(arg.name, fieldName);
      case 'Int':
      case 'SafeInt':
        if (arg.name === 'first') return this.rng.int(1, 100);
        if (arg.name === 'gracePeriodHours') return this.rng.int(1, 48);
        return this.rng.int(1, 10_000);
      case 'Float':
        return this.rng.next() * 100;
      case 'Boolean':
        return this.rng.chance(0.5);
      case 'DateTime':
        return new Date(Date.now() - this.rng.int(0, 86_400_000)).toISOString();
      default:
        break;
    }
    if (arg.name === 'email') return `fuzz-${this.rng.int(1, 1e9)}@example.test`;
    if (arg.name === 'token' || arg.name === 'after')
      return Array.from({ length: this.rng.int(8, 64) }, () =>
        this.rng.int(0, 15).toString(16),
      ).join('');
    return `${this.rng.word()} ${this.rng.int(1, 999)}`;
  }
}

/** Ways to break a document: bytes, tokens, structure, size. Each returns a new text. */
export function mutateDocument(query: string, rng: Rng, maxBytes: number): string {
  const mutations: Array<(q: string) => string> = [
    // A few random bytes replaced, inserted or deleted.
    (q) => {
      let out = q;
      for (let i = rng.int(1, 5); i > 0; i--) {
        const at = rng.int(0, out.length);
        const byte = String.fromCharCode(rng.int(0, 0x7f));
        const kind = rng.int(0, 2);
        out =
          kind === 0
            ? out.slice(0, at) + byte + out.slice(at + 1)
            : kind === 1
              ? out.slice(0, at) + byte + out.slice(at)
              : out.slice(0, at) + out.slice(at + 1);
      }
      return out;
    },
    // A token deleted, duplicated, or two swapped.
    (q) => {
      const tokens = q.match(/[A-Za-z_][\w]*|"(?:[^"\\]|\\.)*"|\.\.\.|[^\s\w]|\d+/g) ?? [];
      if (tokens.length < 2) return q + '}';
      const i = rng.int(0, tokens.length - 1);
      const j = rng.int(0, tokens.length - 1);
      const kind = rng.int(0, 2);
      if (kind === 0) tokens.splice(i, 1);
      else if (kind === 1) tokens.splice(i, 0, tokens[i]!);
      else [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
      return tokens.join(' ');
    },
    // A name replaced by an unknown one, or a punctuator by another.
    (q) => {
      const names = [...q.matchAll(/[A-Za-z_]\w*/g)];
      if (!names.length) return q;
      const m = rng.pick(names);
      const replacement = rng.pick([
        'nope',
        '__schema',
        '__type',
        'Query',
        'null',
        'true',
        '$x',
        '@skip',
        'fragment',
      ]);
      return q.slice(0, m.index) + replacement + q.slice(m.index + m[0].length);
    },
    // A field duplicated many times (within the token limit, or past it).
    (q) => {
      const open = q.indexOf('{');
      const times = rng.int(4, 600);
      return `${q.slice(0, open + 1)} ${'__typename '.repeat(times)}${q.slice(open + 1)}`;
    },
    // Structure: unbalanced or very deep braces, or a selection cut short.
    (q) =>
      rng.pick([
        q + '}'.repeat(rng.int(1, 50)),
        '{'.repeat(rng.int(10, 5000)),
        q.slice(0, rng.int(0, q.length)),
      ]),
    // A huge string argument or comment, within the body limit (counted as JSON-encoded UTF-8).
    (q) => {
      const unit = rng.pick(['x', 'é', '\\u0000', '🏊']);
      const unitBytes = Buffer.byteLength(JSON.stringify(unit)) - 2;
      const budget = maxBytes - Buffer.byteLength(JSON.stringify(q)) - 200;
      const filler = unit.repeat(Math.max(0, Math.floor(rng.int(budget / 4, budget) / unitBytes)));
      return rng.chance(0.5)
        ? q.replace(/\{/, `{ invitationPreview(token: "${filler}") { teamName } `)
        : `# ${filler}\n${q}`;
    },
    // Control characters and lone surrogates.
    (q) => {
      const at = rng.int(0, q.length);
      return (
        q.slice(0, at) +
        rng.pick(['\u0000', '\ud800', '\ufeff', '\u2028', '\\', '"', '\u0007']) +
        q.slice(at)
      );
    },
    // Too many aliases, directives or depth for the limits.
    (q) =>
      rng.pick([
        `{ ${Array.from({ length: rng.int(16, 120) }, (_, i) => `a${i}: __typename`).join(' ')} }`,
        `{ __typename ${'@include(if: true)'.repeat(rng.int(2, 30))} }`,
        `{ viewer { memberships { team { members { team { members { team { members { team { members { team { id } } } } } } } } } } } }`,
        q.replace(/\{/, `{ __schema { types { name } } `),
      ]),
  ];
  return rng.pick(mutations)(query);
}

/** Variables broken in type, shape or size. */
export function mutateVariables(variables: Record<string, unknown>, rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => ({ ...variables, extra: 'x' }),
    () =>
      Object.fromEntries(
        Object.keys(variables).map((k) => [k, rng.pick([null, 1e308, -1, '', [], {}, true, '💥'])]),
      ),
    () => rng.pick([[], 'x', 7, null, true]),
    () => JSON.parse(`{"v1":${'['.repeat(2000)}${']'.repeat(2000)}}`) as unknown,
  ])();
}
