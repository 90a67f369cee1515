import type { ApolloCache, Reference, StoreObject } from '@apollo/client';

/**
 * Forgets a team the viewer no longer belongs to (deleted, left): drops it from the viewer's
 * memberships, evicts it and whatever only it referenced.
 */
export function forgetTeam(cache: ApolloCache, teamId: string): void {
  const teamCacheId = cache.identify({ __typename: 'Team', id: teamId });
  cache.modify({
    id: 'ROOT_QUERY',
    fields: {
      viewer(existing: StoreObject | Reference | null, { readField, isReference }) {
        if (!existing || isReference(existing)) return existing;
        const memberships = existing.memberships;
        if (!Array.isArray(memberships)) return existing;
        return {
          ...existing,
          memberships: (memberships as Reference[]).filter(
            (membership) => readField<Reference>('team', membership)?.__ref !== teamCacheId,
          ),
        };
      },
    },
  });
  cache.evict({ id: 'ROOT_QUERY', fieldName: 'team', args: { id: teamId } });
  if (teamCacheId) cache.evict({ id: teamCacheId });
  cache.gc();
}
