import type { ApolloCache, Reference } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import type { CompromiseAction, UsageAlertKind } from '../../../gql/graphql';
import { syncKeyLists } from '../../api-keys/cache';
import { seedEmptySparkline } from '../../usage/cache';
import {
  CompleteAccessReviewMutation,
  CreateUsageAlertMutation,
  DeleteUsageAlertMutation,
  ReportCompromisedKeyMutation,
  TeamAccessReviewFragment,
} from '../operations';

/** Records a completed review; the answer (lists, date, reviewer) replaces the cached one. */
export function useCompleteAccessReview(teamId: string) {
  const [mutate, { loading }] = useMutation(CompleteAccessReviewMutation, {
    update(cache, { data }) {
      const review = data?.completeAccessReview;
      if (!review) return;
      cache.writeFragment({
        fragment: TeamAccessReviewFragment,
        fragmentName: 'TeamAccessReview',
        id: cache.identify({ __typename: 'Team', id: teamId }),
        data: { __typename: 'Team', id: teamId, accessReview: review },
      });
    },
  });
  const complete = useCallback(
    async (note: string) => {
      const trimmed = note.trim();
      const { data } = await mutate({
        variables: { teamId, ...(trimmed ? { note: trimmed } : {}) },
      });
      return data?.completeAccessReview ?? null;
    },
    [mutate, teamId],
  );
  return { complete, loading };
}

/** A new incident goes first in the team's and the key's cached incident lists. */
function addIncident(cache: ApolloCache, teamId: string, keyId: string, incidentId: string) {
  const owners = [
    cache.identify({ __typename: 'Team', id: teamId }),
    cache.identify({ __typename: 'ApiKey', id: keyId }),
  ];
  for (const id of owners) {
    cache.modify({
      id,
      fields: {
        incidents(existing: readonly Reference[] = [], { readField, toReference }) {
          if (existing.some((ref) => readField('id', ref) === incidentId)) return existing;
          const ref = toReference({ __typename: 'KeyIncident', id: incidentId });
          return ref ? [ref, ...existing] : existing;
        },
      },
    });
  }
}

/**
 * Reports a key as compromised: it is revoked at once (and replaced, for ROTATE). The key lists,
 * the team's and the key's incidents follow in the cache; the replacement's secret is returned.
 */
export function useReportCompromisedKey(teamId: string) {
  const [mutate, { loading }] = useMutation(ReportCompromisedKeyMutation, {
    update(cache, { data }) {
      const payload = data?.reportCompromisedKey;
      if (!payload) return;
      const keys = [payload.incident.apiKey];
      if (payload.replacement) {
        seedEmptySparkline(cache, payload.replacement.apiKey.id);
        keys.push(payload.replacement.apiKey);
      }
      syncKeyLists(cache, teamId, keys);
      addIncident(cache, teamId, payload.incident.apiKey.id, payload.incident.id);
    },
  });
  const report = useCallback(
    async (apiKeyId: string, action: CompromiseAction, details: string) => {
      const trimmed = details.trim();
      const { data } = await mutate({
        variables: { input: { apiKeyId, action, ...(trimmed ? { details: trimmed } : {}) } },
      });
      return data?.reportCompromisedKey ?? null;
    },
    [mutate],
  );
  return { report, loading };
}

export interface UsageAlertInput {
  kind: UsageAlertKind;
  /** A share: 0.8 for 80 %. */
  threshold: number;
  /** null: every key of the team. */
  apiKeyId: string | null;
}

export function useCreateUsageAlert(teamId: string) {
  const [mutate, { loading }] = useMutation(CreateUsageAlertMutation, {
    update(cache, { data }) {
      const alert = data?.createUsageAlert;
      if (!alert) return;
      cache.modify({
        id: cache.identify({ __typename: 'Team', id: teamId }),
        fields: {
          usageAlerts(existing: readonly Reference[] = [], { readField, toReference }) {
            if (existing.some((ref) => readField('id', ref) === alert.id)) return existing;
            const ref = toReference({ __typename: 'UsageAlert', id: alert.id });
            return ref ? [...existing, ref] : existing;
          },
        },
      });
    },
  });
  const create = useCallback(
    async (input: UsageAlertInput) => {
      const { data } = await mutate({
        variables: {
          input: {
            teamId,
            kind: input.kind,
            threshold: input.threshold,
            ...(input.apiKeyId ? { apiKeyId: input.apiKeyId } : {}),
          },
        },
      });
      return data?.createUsageAlert ?? null;
    },
    [mutate, teamId],
  );
  return { create, loading };
}

export function useDeleteUsageAlert(teamId: string) {
  const [mutate, { loading }] = useMutation(DeleteUsageAlertMutation);
  const remove = useCallback(
    async (id: string) => {
      await mutate({
        variables: { id },
        update(cache, { data }) {
          if (!data?.deleteUsageAlert) return;
          cache.modify({
            id: cache.identify({ __typename: 'Team', id: teamId }),
            fields: {
              usageAlerts(existing: readonly Reference[] = [], { readField }) {
                return existing.filter((ref) => readField('id', ref) !== id);
              },
            },
          });
          cache.evict({ id: cache.identify({ __typename: 'UsageAlert', id }) });
          cache.gc();
        },
      });
    },
    [mutate, teamId],
  );
  return { remove, loading };
}
