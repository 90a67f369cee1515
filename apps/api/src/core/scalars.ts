import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

/** The contract calls the date scalar `DateTime` (ISO 8601 strings, UTC). */
export const DateTimeScalar = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  name: 'DateTime',
  description: 'An instant as an ISO 8601 string in UTC, e.g. 2026-11-27T08:30:00.000Z.',
});
