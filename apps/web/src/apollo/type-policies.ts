import type { TypePolicies } from '@apollo/client';

interface AuditLogPage {
  edges: readonly unknown[];
  pageInfo: unknown;
}

export const typePolicies: TypePolicies = {
  // The viewer has no id: queries asking for different parts of it (user, memberships) merge.
  Viewer: { merge: true },
  // Usage has no id: a newer answer for the same arguments (or a live update) replaces the older.
  Usage: { merge: true },
  // AccessReview has no id either: a newer review of the same team replaces the older.
  AccessReview: { merge: true },
  Team: {
    fields: {
      // Cursor pagination: one list per actor filter; a page with `after` extends it.
      auditLog: {
        keyArgs: ['actorId'],
        merge(existing: AuditLogPage | undefined, incoming: AuditLogPage, { args }) {
          if (!existing || !args?.after) return incoming;
          return { ...incoming, edges: [...existing.edges, ...incoming.edges] };
        },
      },
    },
  },
};
