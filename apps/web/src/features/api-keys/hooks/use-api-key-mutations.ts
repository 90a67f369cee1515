import { useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import type { Environment, KeyExpiration } from '../../../gql/graphql';
import { seedEmptySparkline } from '../../usage/cache';
import { syncKeyLists } from '../cache';
import { CreateApiKeyMutation, RevokeApiKeyMutation, RotateApiKeyMutation } from '../operations';

export interface CreateKeyInput {
  name: string;
  description: string;
  environment: Environment;
  expiration: KeyExpiration;
  monthlyRequestLimit?: number;
  rateLimitPerMinute?: number;
}

/** Creates a key; the answer (with the once-shown secret) goes into every matching list. */
export function useCreateApiKey(teamId: string) {
  const [mutate, { loading }] = useMutation(CreateApiKeyMutation, {
    update(cache, { data }) {
      const key = data?.createApiKey.apiKey;
      if (!key) return;
      seedEmptySparkline(cache, key.id);
      syncKeyLists(cache, teamId, [key]);
    },
  });
  const create = useCallback(
    async (input: CreateKeyInput) => {
      const description = input.description.trim();
      const { data } = await mutate({
        variables: {
          input: {
            teamId,
            name: input.name.trim(),
            environment: input.environment,
            expiration: input.expiration,
            ...(description ? { description } : {}),
            ...(input.monthlyRequestLimit !== undefined
              ? { monthlyRequestLimit: input.monthlyRequestLimit }
              : {}),
            ...(input.rateLimitPerMinute !== undefined
              ? { rateLimitPerMinute: input.rateLimitPerMinute }
              : {}),
          },
        },
      });
      return data?.createApiKey ?? null;
    },
    [mutate, teamId],
  );
  return { create, loading };
}

/** Rotates a key: the new key joins the lists, the old one moves (expiring, or revoked at once). */
export function useRotateApiKey(teamId: string) {
  const [mutate, { loading }] = useMutation(RotateApiKeyMutation, {
    update(cache, { data }) {
      const key = data?.rotateApiKey.apiKey;
      if (!key) return;
      seedEmptySparkline(cache, key.id);
      syncKeyLists(cache, teamId, key.replaces ? [key, key.replaces] : [key]);
    },
  });
  const rotate = useCallback(
    async (id: string, gracePeriodHours: number) => {
      const { data } = await mutate({ variables: { input: { id, gracePeriodHours } } });
      return data?.rotateApiKey ?? null;
    },
    [mutate],
  );
  return { rotate, loading };
}

/** Revokes a key at once; lists filtered by status follow. */
export function useRevokeApiKey(teamId: string) {
  const [mutate, { loading }] = useMutation(RevokeApiKeyMutation, {
    update(cache, { data }) {
      const key = data?.revokeApiKey;
      if (key) syncKeyLists(cache, teamId, [key]);
    },
  });
  const revoke = useCallback(
    async (id: string) => (await mutate({ variables: { id } })).data?.revokeApiKey ?? null,
    [mutate],
  );
  return { revoke, loading };
}
