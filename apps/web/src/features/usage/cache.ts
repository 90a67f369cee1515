import type { ApolloCache } from '@apollo/client';
import { ApiKeySparklineFragment } from './operations';
import { INTERVAL_MS, sparklineWindow } from './ranges';

/**
 * A new key has no requests yet: gives it an empty sparkline for the keys table's current window,
 * so the lists it joins stay complete without refetching them.
 */
export function seedEmptySparkline(cache: ApolloCache, apiKeyId: string, now = Date.now()): void {
  const variables = sparklineWindow(now);
  const start = Date.parse(variables.usageFrom);
  cache.writeFragment({
    id: cache.identify({ __typename: 'ApiKey', id: apiKeyId }),
    fragment: ApiKeySparklineFragment,
    variables,
    data: {
      __typename: 'ApiKey',
      id: apiKeyId,
      usage: {
        __typename: 'Usage',
        totalRequests: 0,
        series: Array.from({ length: 24 }, (_, i) => ({
          __typename: 'UsagePoint' as const,
          at: new Date(start + i * INTERVAL_MS.HOUR).toISOString(),
          requests: 0,
        })),
      },
    },
  });
}
