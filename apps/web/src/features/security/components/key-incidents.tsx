import { useQuery } from '@apollo/client/react';
import { Card, Skeleton, Text, Title } from '@mantine/core';
import { QueryError } from '../../../components/query-error';
import { KeyIncidentsQuery } from '../operations';
import { IncidentsList } from './incidents-list';

/** A key's incidents on its page; nothing at all when it has none (the common case). */
export function KeyIncidents({ teamId, keyId }: { teamId: string; keyId: string }) {
  const { data, error, refetch } = useQuery(KeyIncidentsQuery, { variables: { keyId } });
  if (error) {
    return (
      <QueryError error={error} title="We could not load this key's incidents" onRetry={refetch} />
    );
  }
  if (!data) return <Skeleton h={60} radius="lg" aria-label="Loading the key's incidents" />;
  const incidents = data.apiKey?.incidents ?? [];
  if (incidents.length === 0) return null;
  return (
    <Card withBorder radius="lg" padding="lg" data-testid="key-incidents">
      <Title order={3} fz="md">
        Reported as compromised
      </Title>
      <Text fz="sm" c="dimmed" mb="sm">
        This key was reported as compromised and revoked. Follow up on the guide&apos;s remaining
        steps and watch who still tries it.
      </Text>
      <IncidentsList teamId={teamId} incidents={incidents} showKey={false} emptyHint="" />
    </Card>
  );
}
