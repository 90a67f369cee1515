import { useQuery } from '@apollo/client/react';
import { ViewerQuery } from '../operations';

/** The signed-in user from Apollo's cache (the route guard has already loaded it). */
export function useViewer() {
  const { data, loading, error, refetch } = useQuery(ViewerQuery, { fetchPolicy: 'cache-first' });
  return { user: data?.viewer?.user ?? null, loading, error, refetch };
}
