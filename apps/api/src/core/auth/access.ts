import { Authorized, Extensions, type AuthChecker, type MiddlewareFn } from 'type-graphql';
import type { GraphQLField } from 'graphql';
import { AppError, ErrorCode } from '../errors';
import type { Context } from '../context';

/**
 * Who may call an operation. Every Query, Mutation and Subscription field carries exactly one of
 * these (a test walks the schema to prove it, and a global middleware refuses any that lacks one):
 * - `@Public()`: anyone, signed in or not;
 * - `@Allow('user')`: a signed-in person (team roles are then checked by the service, per team);
 * - `@Allow('user', 'apiKey')`: a person or an API key (keys only read, and only their own team).
 */
export type Caller = 'user' | 'apiKey';
export type Access = 'public' | Caller[];

export const ACCESS = 'access';

export function Public(): MethodDecorator & PropertyDecorator {
  return Extensions({ [ACCESS]: 'public' });
}

export function Allow(...callers: [Caller, ...Caller[]]): MethodDecorator & PropertyDecorator {
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    Authorized(...callers)(target, key, descriptor!);
    Extensions({ [ACCESS]: callers })(target, key, descriptor!);
  };
}

export function accessOf(field: GraphQLField<unknown, unknown>): Access | undefined {
  return field.extensions[ACCESS] as Access | undefined;
}

export const authChecker: AuthChecker<Context, Caller> = ({ context }, callers) => {
  const principal = context.principal;
  if (!principal) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Sign in to do this.');
  if (!callers.includes(principal.kind)) {
    const refusal = new AppError(
      ErrorCode.FORBIDDEN,
      principal.kind === 'apiKey'
        ? 'API keys can only read: sign in as a person to change anything.'
        : 'This credential cannot do this.',
    );
    // A key calling a mutation is answered with HTTP 403 (and counted so in its usage).
    throw principal.kind === 'apiKey' ? refusal.toGraphQLError() : refusal;
  }
  return true;
};

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** Deny by default: a root field without an access rule is refused at run time too. */
export const requireAccessRule: MiddlewareFn<Context> = ({ info, context }, next) => {
  if (ROOT_TYPES.has(info.parentType.name)) {
    const field = info.parentType.getFields()[info.fieldName];
    if (!field || accessOf(field) === undefined) {
      context.log.error(
        { field: `${info.parentType.name}.${info.fieldName}` },
        'operation has no access rule; refused',
      );
      throw new AppError(ErrorCode.FORBIDDEN, 'This operation is not available.');
    }
  }
  return next();
};
