import type { OperationVariables, TypedDocumentNode } from '@apollo/client';
import { useApolloClient, useSubscription } from '@apollo/client/react';
import { useCallback, useEffect, useState } from 'react';
import {
  foldTick,
  foldTickIntoMonth,
  slideWindow,
  type FoldableUsage,
  type UsageDelta,
} from '../fold';
import { UsageTicksSubscription } from '../operations';

/** How a tick (or just the clock moving on) changes one usage object of a query's data. */
export interface UsageFold {
  /** The usage of the range shown: totals, the bucket of the tick, status codes; slides on. */
  range<U extends FoldableUsage>(usage: U): U;
  /** A month-to-date count (for a monthly limit). */
  month<U extends { from: string; totalRequests: number }>(usage: U): U;
  /** A key's `lastUsedAt`, moved on to the tick's time. */
  lastUsed(current: string | null): string | null;
}

/**
 * Where the usage objects live in a query's data: returns the data with `fold` applied to each
 * of them. Must be a stable function (defined at module level).
 */
export type UsageLens<TData> = (data: TData, fold: UsageFold) => TData;

export interface LiveUsageOptions<TData, TVariables extends OperationVariables> {
  enabled: boolean;
  teamId: string;
  /** Only this key's ticks; the whole team's otherwise. */
  apiKeyId?: string;
  /** The query (and its exact variables) whose cached data the page shows. */
  query: TypedDocumentNode<TData, TVariables>;
  variables: TVariables;
  lens: UsageLens<TData>;
}

export interface LiveUsage {
  status: 'off' | 'live' | 'error';
  error: unknown;
  /** When the last tick arrived (ms since epoch), null before the first one. */
  lastTickAt: number | null;
  restart: () => void;
}

function foldWith(tick: UsageDelta | null, nowMs: number): UsageFold & { changed: boolean } {
  const fold = {
    changed: false,
    range<U extends FoldableUsage>(usage: U): U {
      const next = tick ? foldTick(usage, tick, nowMs) : slideWindow(usage, nowMs);
      if (next !== usage) fold.changed = true;
      return next;
    },
    month<U extends { from: string; totalRequests: number }>(usage: U): U {
      const next = tick ? foldTickIntoMonth(usage, tick) : usage;
      if (next !== usage) fold.changed = true;
      return next;
    },
    lastUsed(current: string | null): string | null {
      if (!tick || tick.requests === 0 || (current !== null && current >= tick.at)) return current;
      fold.changed = true;
      return tick.at;
    },
  };
  return fold;
}

/**
 * Live usage: subscribes to `usageTicks` and folds each tick (a delta) into the data Apollo's
 * cache holds for the page's usage query, so everything reading that query (stat cards, charts,
 * status codes) follows without a refetch. While on, the window also slides on with the clock:
 * a new bucket when time passes the last one, the oldest dropped.
 */
export function useLiveUsage<TData, TVariables extends OperationVariables>({
  enabled,
  teamId,
  apiKeyId,
  query,
  variables,
  lens,
}: LiveUsageOptions<TData, TVariables>): LiveUsage {
  const client = useApolloClient();
  const [lastTickAt, setLastTickAt] = useState<number | null>(null);

  const apply = useCallback(
    (tick: UsageDelta | null) => {
      client.cache.updateQuery<TData, TVariables>({ query, variables }, (data) => {
        if (!data) return undefined;
        const fold = foldWith(tick, Date.now());
        const next = lens(data, fold);
        return fold.changed ? next : undefined;
      });
    },
    [client, query, variables, lens],
  );

  const { error, restart } = useSubscription(UsageTicksSubscription, {
    variables: { teamId, apiKeyId: apiKeyId ?? null },
    skip: !enabled,
    fetchPolicy: 'no-cache',
    ignoreResults: true,
    onData: ({ data }) => {
      const tick = data.data?.usageTicks;
      if (!tick) return;
      apply(tick);
      setLastTickAt(Date.now());
    },
  });

  // The clock moves the window on even when no request comes in.
  useEffect(() => {
    if (!enabled) return;
    apply(null);
    const timer = setInterval(() => apply(null), 1000);
    return () => clearInterval(timer);
  }, [enabled, apply]);

  return {
    status: !enabled ? 'off' : error ? 'error' : 'live',
    error,
    lastTickAt: enabled ? lastTickAt : null,
    restart,
  };
}
