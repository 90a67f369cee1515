import type { ApolloCache, Reference } from '@apollo/client';
import type { ApiKeyFieldsFragment } from '../../gql/graphql';

interface ListArgs {
  environment?: unknown;
  status?: unknown;
}

/** The arguments a cached `apiKeys(...)` list was fetched with, from its store field name. */
function argsOf(storeFieldName: string): ListArgs {
  const open = storeFieldName.indexOf('(');
  if (open < 0 || !storeFieldName.endsWith(')')) return {};
  try {
    const parsed: unknown = JSON.parse(storeFieldName.slice(open + 1, -1));
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

function belongs(key: ApiKeyFieldsFragment, args: ListArgs): boolean {
  return (
    (args.environment == null || args.environment === key.environment) &&
    (args.status == null || args.status === key.status)
  );
}

/**
 * Brings every cached `Team.apiKeys` list (whatever its filters) in line with keys that were
 * just created or changed: added where they now belong (newest first, as the api sorts),
 * dropped where they no longer do. Fields of keys already listed update by normalization.
 */
export function syncKeyLists(
  cache: ApolloCache,
  teamId: string,
  keys: readonly ApiKeyFieldsFragment[],
): void {
  cache.modify({
    id: cache.identify({ __typename: 'Team', id: teamId }),
    fields: {
      apiKeys(existing: readonly Reference[] = [], { storeFieldName, readField, toReference }) {
        const args = argsOf(storeFieldName);
        let next = [...existing];
        for (const key of keys) {
          const listed = next.some((ref) => readField('id', ref) === key.id);
          if (belongs(key, args)) {
            if (listed) continue;
            const ref = toReference({ __typename: 'ApiKey', id: key.id });
            if (!ref) continue;
            const at = next.findIndex(
              (other) => (readField<string>('createdAt', other) ?? '') < key.createdAt,
            );
            next = at < 0 ? [...next, ref] : [...next.slice(0, at), ref, ...next.slice(at)];
          } else if (listed) {
            next = next.filter((ref) => readField('id', ref) !== key.id);
          }
        }
        return next;
      },
    },
  });
}
