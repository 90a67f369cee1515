import { useQuery } from '@apollo/client/react';
import {
  Button,
  Card,
  Group,
  Select,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Timeline,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import {
  IconArrowsExchange,
  IconHistory,
  IconKey,
  IconKeyOff,
  IconMailPlus,
  IconPencil,
  IconShieldCheck,
  IconUserCheck,
  IconUserMinus,
} from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { QueryError } from '../../../components/query-error';
import { RelativeTime } from '../../../components/relative-time';
import { notifyError } from '../../../lib/notify';
import { TeamMembersQuery } from '../../members/operations';
import { useTeam } from '../../teams/hooks/use-teams';
import { describeEvent, type Tone } from '../describe-event';
import { AUDIT_PAGE_SIZE, TeamAuditLogQuery } from '../operations';
import { AuditExport } from './audit-export';

const TONES: Record<Tone, { color: string; icon: ReactNode }> = {
  team: { color: 'indigo', icon: <IconPencil size={14} /> },
  invite: { color: 'cyan', icon: <IconMailPlus size={14} /> },
  join: { color: 'teal', icon: <IconUserCheck size={14} /> },
  role: { color: 'grape', icon: <IconArrowsExchange size={14} /> },
  remove: { color: 'red', icon: <IconUserMinus size={14} /> },
  key: { color: 'orange', icon: <IconKey size={14} /> },
  'key-off': { color: 'red', icon: <IconKeyOff size={14} /> },
  security: { color: 'teal', icon: <IconShieldCheck size={14} /> },
  other: { color: 'gray', icon: <IconHistory size={14} /> },
};

function ActorFilter({
  teamId,
  actorId,
  seenActors,
  onChange,
}: {
  teamId: string;
  actorId: string | undefined;
  /** People found in the loaded log: former members can be picked too. */
  seenActors: readonly { id: string; name: string }[];
  onChange: (actorId: string | undefined) => void;
}) {
  const { data } = useQuery(TeamMembersQuery, { variables: { teamId } });
  const people = new Map<string, string>();
  for (const m of data?.team?.members ?? []) people.set(m.user.id, m.user.name);
  for (const actor of seenActors) if (!people.has(actor.id)) people.set(actor.id, actor.name);
  if (actorId && !people.has(actorId)) people.set(actorId, 'A former member');
  const options = [...people]
    .map(([value, label]) => ({ value, label }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return (
    <Select
      aria-label="Filter by member"
      placeholder="Everyone"
      data={options}
      value={actorId ?? null}
      onChange={(value) => onChange(value ?? undefined)}
      clearable
      w={240}
      comboboxProps={{ withinPortal: true }}
      data-testid="actor-filter"
    />
  );
}

export function ActivityPage({ teamId, actorId }: { teamId: string; actorId?: string }) {
  const { team } = useTeam(teamId);
  const navigate = useNavigate();
  useDocumentTitle(team ? `Activity · ${team.name} · Partner Portal` : 'Activity · Partner Portal');
  const { data, error, refetch, fetchMore } = useQuery(TeamAuditLogQuery, {
    variables: { teamId, first: AUDIT_PAGE_SIZE, ...(actorId ? { actorId } : {}) },
  });
  const [loadingMore, setLoadingMore] = useState(false);

  const log = data?.team?.auditLog;
  const seenActors = (log?.edges ?? []).flatMap(({ node }) => (node.actor ? [node.actor] : []));
  const loadMore = async () => {
    if (!log?.pageInfo.endCursor) return;
    setLoadingMore(true);
    try {
      await fetchMore({ variables: { after: log.pageInfo.endCursor } });
    } catch (e) {
      notifyError('Could not load more activity', e);
    } finally {
      setLoadingMore(false);
    }
  };

  let body: ReactNode;
  if (log) {
    body =
      log.edges.length === 0 ? (
        <Text c="dimmed" fz="sm" data-testid="activity-empty">
          {actorId ? 'This member has not done anything in this team yet.' : 'No activity yet.'}
        </Text>
      ) : (
        <Stack gap="lg">
          <Timeline bulletSize={26} lineWidth={2} data-testid="activity-timeline">
            {log.edges.map(({ node }) => {
              const described = describeEvent(node);
              const tone = TONES[described.tone];
              return (
                <Timeline.Item
                  key={node.id}
                  bullet={
                    <ThemeIcon size={26} radius="xl" color={tone.color} variant="light">
                      {tone.icon}
                    </ThemeIcon>
                  }
                  data-testid="activity-item"
                  data-action={node.action}
                >
                  <Text fz="sm" fw={500}>
                    {described.text}
                  </Text>
                  {described.detail ? (
                    <Text fz="xs" c="dimmed" lineClamp={2}>
                      {described.detail}
                    </Text>
                  ) : null}
                  <RelativeTime value={node.createdAt} fz="xs" c="dimmed" />
                </Timeline.Item>
              );
            })}
          </Timeline>
          {log.pageInfo.hasNextPage ? (
            <Group justify="center">
              <Button variant="default" loading={loadingMore} onClick={() => void loadMore()}>
                Load more
              </Button>
            </Group>
          ) : null}
        </Stack>
      );
  } else if (error) {
    body = <QueryError error={error} title="We could not load the activity" onRetry={refetch} />;
  } else {
    body = (
      <Stack gap="md" aria-busy="true" aria-label="Loading the activity">
        {[0, 1, 2, 3].map((i) => (
          <Group key={i} wrap="nowrap">
            <Skeleton circle h={26} />
            <Stack gap={6} style={{ flex: 1 }}>
              <Skeleton h={14} w="60%" />
              <Skeleton h={10} w="20%" />
            </Stack>
          </Group>
        ))}
      </Stack>
    );
  }

  return (
    <Card withBorder radius="lg" padding="lg">
      <Group justify="space-between" mb="md" wrap="wrap" align="flex-start">
        <div>
          <Title order={2} fz="lg">
            Activity
          </Title>
          <Text fz="sm" c="dimmed">
            Who changed what in this team, newest first.
          </Text>
        </div>
        <AuditExport teamId={teamId} />
      </Group>
      <Group justify="flex-end" mb="md">
        <ActorFilter
          teamId={teamId}
          actorId={actorId}
          seenActors={seenActors}
          onChange={(next) =>
            void navigate({
              to: '/teams/$teamId/activity',
              params: { teamId },
              search: next ? { actor: next } : {},
            })
          }
        />
      </Group>
      {body}
    </Card>
  );
}
