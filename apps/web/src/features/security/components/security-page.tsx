import { useQuery } from '@apollo/client/react';
import { Card, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { QueryError } from '../../../components/query-error';
import type { ApiKeyFieldsFragment, MemberFieldsFragment } from '../../../gql/graphql';
import { RevokeApiKeyModal } from '../../api-keys/components/revoke-api-key-modal';
import { RotateApiKeyModal } from '../../api-keys/components/rotate-api-key-modal';
import { useViewer } from '../../auth/hooks/use-viewer';
import { OffboardMemberModal } from '../../members/components/offboard-member-modal';
import { useTeam } from '../../teams/hooks/use-teams';
import { canManageKeys } from '../../teams/roles';
import { TeamSecurityQuery } from '../operations';
import { AccessReview, AccessReviewSkeleton } from './access-review';
import { IncidentsList } from './incidents-list';
import { UsageAlerts } from './usage-alerts';

function Section({
  title,
  intro,
  testId,
  children,
}: {
  title: string;
  intro: ReactNode;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Card withBorder radius="lg" padding="lg" data-testid={testId}>
      <Group justify="space-between" mb="md" align="flex-start">
        <div>
          <Title order={2} fz="lg">
            {title}
          </Title>
          <Text fz="sm" c="dimmed" maw={760}>
            {intro}
          </Text>
        </div>
      </Group>
      {children}
    </Card>
  );
}

/**
 * A team's Security page: the access review (inactive members, stale, expiring and
 * never-expiring production keys) with one-click actions, the compromised-key incidents and the
 * usage alerts. OWNER and ADMIN act; a MEMBER reads.
 */
export function SecurityPage({ teamId }: { teamId: string }) {
  const { team } = useTeam(teamId);
  const { user } = useViewer();
  useDocumentTitle(team ? `Security · ${team.name} · Partner Portal` : 'Security · Partner Portal');
  // Always asked again on arrival: a key used or a member active elsewhere changes the lists.
  const { data, error, refetch } = useQuery(TeamSecurityQuery, {
    variables: { teamId },
    fetchPolicy: 'cache-and-network',
  });
  const viewerRole = data?.team?.viewerRole ?? team?.viewerRole ?? null;
  const canAct = canManageKeys(viewerRole);

  const [revoking, setRevoking] = useState<ApiKeyFieldsFragment | null>(null);
  const [rotating, setRotating] = useState<ApiKeyFieldsFragment | null>(null);
  const [removing, setRemoving] = useState<MemberFieldsFragment | null>(null);

  const loadError =
    error && !data?.team ? (
      <QueryError error={error} title="We could not load the security review" onRetry={refetch} />
    ) : null;

  return (
    <Stack gap="lg" data-testid="security-page">
      <Section
        title="Access review"
        testId="access-review"
        intro="The partner guide asks teams to audit regularly who and what can reach the API. These lists show what deserves a look today. Act on each item, or keep it on purpose, then mark the review complete."
      >
        {data?.team ? (
          <AccessReview
            teamId={teamId}
            review={data.team.accessReview}
            viewerRole={viewerRole}
            viewerId={user?.id ?? null}
            canAct={canAct}
            actions={{
              onRemoveMember: setRemoving,
              onRevokeKey: setRevoking,
              onRotateKey: setRotating,
            }}
          />
        ) : (
          (loadError ?? <AccessReviewSkeleton />)
        )}
      </Section>

      <Section
        title="Compromised keys"
        testId="incidents"
        intro="Keys reported as compromised, by someone on the team or by a secret scanner that found one in public code. Each was revoked at once; follow one up to see who still tries it."
      >
        {data?.team ? (
          <IncidentsList
            teamId={teamId}
            incidents={data.team.incidents}
            emptyHint="If a key may have leaked, open its menu on the API keys page and choose “Report compromised…”: it is revoked at once and you are guided through the rest."
          />
        ) : loadError ? null : (
          <Skeleton h={120} radius="md" aria-label="Loading the incidents" />
        )}
      </Section>

      <Section
        title="Usage alerts"
        testId="usage-alerts"
        intro="Mails to the team's owners and admins when a key nears its monthly limit or when many of its requests fail, once per crossing."
      >
        {data?.team ? (
          <UsageAlerts teamId={teamId} alerts={data.team.usageAlerts} canAct={canAct} />
        ) : loadError ? null : (
          <Skeleton h={120} radius="md" aria-label="Loading the usage alerts" />
        )}
      </Section>

      {canAct ? (
        <>
          <RotateApiKeyModal
            teamId={teamId}
            apiKey={rotating}
            onClose={() => {
              setRotating(null);
              void refetch();
            }}
          />
          <RevokeApiKeyModal
            teamId={teamId}
            apiKey={revoking}
            onClose={() => setRevoking(null)}
            onRevoked={refetch}
          />
          {removing ? (
            <OffboardMemberModal
              membership={removing}
              teamId={teamId}
              opened
              onClose={() => setRemoving(null)}
              onDone={() => void refetch()}
            />
          ) : null}
        </>
      ) : null}
    </Stack>
  );
}
