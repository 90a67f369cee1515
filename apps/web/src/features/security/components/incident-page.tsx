import { NetworkStatus } from '@apollo/client';
import { useQuery, useSubscription } from '@apollo/client/react';
import {
  Alert,
  Anchor,
  Badge,
  Blockquote,
  Card,
  Checkbox,
  EmptyState,
  Group,
  Indicator,
  Progress,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import {
  IconArrowLeft,
  IconChartBar,
  IconCheck,
  IconHistory,
  IconKeyOff,
  IconMail,
  IconShieldX,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { hasErrorCode } from '../../../apollo/errors';
import { AnchorLink, ButtonLink } from '../../../components/links';
import { QueryError } from '../../../components/query-error';
import { RelativeTime } from '../../../components/relative-time';
import type { KeyIncidentFieldsFragment } from '../../../gql/graphql';
import { formatAbsolute } from '../../../lib/time';
import { EnvironmentBadge, KeyStart, KeyStatusBadge } from '../../api-keys/components/key-badges';
import { displayStart } from '../../api-keys/labels';
import { TeamMembersQuery } from '../../members/operations';
import { UsageTicksSubscription } from '../../usage/operations';
import { useIncidentChecklist } from '../hooks/use-incident-checklist';
import { ACTION_LABELS } from '../labels';
import { TeamIncidentsQuery } from '../operations';
import { GUIDE_STEPS } from './guide-steps';
import { ReportedBy } from './incidents-list';

/** How often the page asks for the incident's counters (refused requests also wake it at once). */
export const INCIDENT_POLL_MS = 3000;

function Step({
  n,
  done,
  testId,
  children,
  aside,
}: {
  n: number;
  done: boolean;
  testId: string;
  children: ReactNode;
  aside?: ReactNode;
}) {
  const step = GUIDE_STEPS[n - 1]!;
  return (
    <Card withBorder radius="lg" padding="lg" data-testid={testId} data-done={done}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb="sm">
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon
            radius="xl"
            size={30}
            color={done ? 'teal' : 'gray'}
            variant={done ? 'filled' : 'light'}
          >
            {done ? <IconCheck size={16} /> : <Text fw={700}>{n}</Text>}
          </ThemeIcon>
          <Title order={3} fz="md">
            Step {n}: {step.title}
          </Title>
        </Group>
        {aside}
      </Group>
      {children}
    </Card>
  );
}

function LiveBadge({ checking }: { checking: boolean }) {
  return (
    <Group gap={8} wrap="nowrap" data-testid="incident-live">
      <Indicator color="teal" size={10} processing position="middle-start" inline>
        <span style={{ display: 'block', width: 10 }} />
      </Indicator>
      <Text fz="sm" fw={600} c="teal.7">
        Live
      </Text>
      <Text fz="xs" c="dimmed" w={170}>
        {checking ? 'checking…' : `checked every ${INCIDENT_POLL_MS / 1000} seconds`}
      </Text>
    </Group>
  );
}

function ChecklistStep({ incident }: { incident: KeyIncidentFieldsFragment }) {
  const { ticked, toggle } = useIncidentChecklist(incident.id);
  const replacement = incident.apiKey.replacedBy;
  const items = [
    {
      id: 'find',
      label: 'Find every place the old key is used',
      hint: 'Servers, environment files, CI/CD secrets, secret managers, scripts, colleagues’ machines.',
    },
    {
      id: 'replace',
      label: replacement
        ? `Replace it with the new key (${displayStart(replacement.start)})`
        : 'Replace it with a new key',
      hint: replacement
        ? 'Put the replacement in a secret manager or environment variable, never in source code.'
        : 'Create a key on the API keys page and put it in a secret manager or environment variable, never in source code.',
    },
    {
      id: 'redeploy',
      label: 'Redeploy or restart each application',
      hint: 'So it reads the new key. Step 3 shows whether anything still sends the old one.',
    },
    {
      id: 'clean',
      label: 'Remove the old key from where it leaked',
      hint: 'Delete it from the repository history, the ticket or the chat. It no longer works, but it tells others how your keys look.',
    },
  ];
  const count = items.filter((item) => ticked.has(item.id)).length;
  return (
    <Step
      n={2}
      done={count === items.length}
      testId="incident-step-update"
      aside={
        <Text fz="sm" c="dimmed" data-testid="checklist-progress">
          {count} of {items.length} done
        </Text>
      }
    >
      <Text fz="sm" mb="sm">
        Your applications fail with the old key from now on. Tick each item when it is done (the
        ticks are kept in this browser).
      </Text>
      <Progress value={(count / items.length) * 100} color="teal" size="sm" mb="md" />
      <Stack gap="sm">
        {items.map((item) => (
          <Checkbox
            key={item.id}
            label={item.label}
            description={item.hint}
            checked={ticked.has(item.id)}
            onChange={(event) => toggle(item.id, event.currentTarget.checked)}
            data-item={item.id}
          />
        ))}
      </Stack>
    </Step>
  );
}

function AttemptsStep({
  incident,
  checking,
}: {
  incident: KeyIncidentFieldsFragment;
  checking: boolean;
}) {
  const attempts = incident.rejectedAttempts;
  return (
    <Step
      n={3}
      done={false}
      testId="incident-step-attempts"
      aside={<LiveBadge checking={checking} />}
    >
      <Text fz="sm" mb="md">
        Every request made with the old key since it was reported is refused and counted here, as it
        happens. Once your applications use the new key this should stop growing: if it does not,
        something of yours still sends the old key, or someone else has it.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        <Card withBorder radius="md" padding="md">
          <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
            Refused attempts
          </Text>
          <Text
            fz={32}
            fw={700}
            c={attempts > 0 ? 'red' : undefined}
            data-testid="incident-rejected-attempts"
          >
            {attempts}
          </Text>
        </Card>
        <Card withBorder radius="md" padding="md">
          <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
            Last attempt
          </Text>
          <div data-testid="incident-last-rejected">
            {incident.lastRejectedAt ? (
              <RelativeTime value={incident.lastRejectedAt} fz="lg" fw={600} />
            ) : (
              <Text fz="lg" c="dimmed">
                None so far
              </Text>
            )}
          </div>
        </Card>
        <Card withBorder radius="md" padding="md">
          <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
            From (the 20 most recent addresses)
          </Text>
          {incident.rejectedAddresses.length === 0 ? (
            <Text fz="sm" c="dimmed">
              No address yet
            </Text>
          ) : (
            <Stack gap={4} data-testid="incident-addresses">
              {incident.rejectedAddresses.map((a) => (
                <Group
                  key={a.address}
                  gap="xs"
                  justify="space-between"
                  wrap="nowrap"
                  data-testid="incident-address"
                  data-address={a.address}
                >
                  <Text span ff="monospace" fz="sm" style={{ wordBreak: 'break-all' }}>
                    {a.address}
                  </Text>
                  <Text span fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {a.attempts} · <RelativeTime value={a.lastSeenAt} fz="xs" c="dimmed" />
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
        </Card>
      </SimpleGrid>
      {attempts > 0 ? (
        <Text fz="xs" c="dimmed" mt="sm">
          Addresses you recognise are your own servers still using the old key; others are worth
          mentioning to support.
        </Text>
      ) : null}
    </Step>
  );
}

function ActivityStep({
  teamId,
  incident,
}: {
  teamId: string;
  incident: KeyIncidentFieldsFragment;
}) {
  const replacement = incident.apiKey.replacedBy;
  return (
    <Step n={4} done={false} testId="incident-step-activity">
      <Text fz="sm" mb="sm">
        Someone who had the key may have used it before it was revoked. Look for requests you did
        not make: spikes, errors, traffic at odd hours, and changes nobody on the team remembers.
      </Text>
      <Group gap="sm">
        <ButtonLink
          to="/teams/$teamId/usage"
          params={{ teamId }}
          variant="light"
          leftSection={<IconChartBar size={16} />}
        >
          The team&apos;s usage
        </ButtonLink>
        <ButtonLink
          to="/teams/$teamId/keys/$keyId/usage"
          params={{ teamId, keyId: incident.apiKey.id }}
          search={{ range: '7d' }}
          variant="default"
          leftSection={<IconChartBar size={16} />}
        >
          The old key&apos;s last 7 days
        </ButtonLink>
        {replacement ? (
          <ButtonLink
            to="/teams/$teamId/keys/$keyId/usage"
            params={{ teamId, keyId: replacement.id }}
            variant="default"
            leftSection={<IconChartBar size={16} />}
          >
            The replacement&apos;s usage
          </ButtonLink>
        ) : null}
        <ButtonLink
          to="/teams/$teamId/activity"
          params={{ teamId }}
          variant="default"
          leftSection={<IconHistory size={16} />}
        >
          Activity log
        </ButtonLink>
      </Group>
    </Step>
  );
}

function ReportedStep({
  incident,
  owners,
}: {
  incident: KeyIncidentFieldsFragment;
  owners: readonly { id: string; name: string; email: string }[] | null;
}) {
  return (
    <Step n={5} done testId="incident-step-reported">
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <IconMail size={18} style={{ flexShrink: 0, marginTop: 2 }} />
        <Text fz="sm">
          Done for you: {formatAbsolute(incident.createdAt)}, the portal mailed a report (the key’s
          name and first characters, never the secret, what was done
          {incident.details ? ' and your details' : ''}) to the <b>provider&apos;s support</b> and
          to the team&apos;s <b>owners</b>
          {owners && owners.length > 0 ? (
            <>
              {': '}
              <span data-testid="incident-mailed-owners">
                {owners.map((o) => `${o.name} (${o.email})`).join(', ')}
              </span>
            </>
          ) : null}
          . If you learn more (how it leaked, who used it), tell support; they may contact your
          owners about it.
        </Text>
      </Group>
    </Step>
  );
}

function IncidentSkeleton() {
  return (
    <Stack gap="md" aria-busy="true" aria-label="Loading the incident">
      <Skeleton h={120} radius="lg" />
      {[0, 1, 2].map((i) => (
        <Skeleton key={i} h={140} radius="lg" />
      ))}
    </Stack>
  );
}

/**
 * One compromised key, after step 1: the guide's other steps, with the refused attempts made
 * with the old key shown live. Live: the incident is polled every few seconds (Apollo's
 * pollInterval, paused while the tab is hidden), and a usage tick of the old key (a refused
 * request is still counted in its usage) asks for it at once.
 */
export function IncidentPage({ teamId, incidentId }: { teamId: string; incidentId: string }) {
  const { data, error, refetch, networkStatus } = useQuery(TeamIncidentsQuery, {
    variables: { teamId },
    pollInterval: INCIDENT_POLL_MS,
    skipPollAttempt: () => document.hidden,
    // A poll in flight shows as "checking…".
    notifyOnNetworkStatusChange: true,
  });
  const members = useQuery(TeamMembersQuery, { variables: { teamId } });
  const incident = data?.team?.incidents.find((i) => i.id === incidentId) ?? null;
  useDocumentTitle(
    incident
      ? `Compromised key · ${incident.apiKey.name} · Partner Portal`
      : 'Compromised key · Partner Portal',
  );

  useSubscription(UsageTicksSubscription, {
    variables: { teamId, apiKeyId: incident?.apiKey.id ?? null },
    skip: !incident,
    fetchPolicy: 'no-cache',
    ignoreResults: true,
    onData: () => void refetch(),
  });

  const back = (
    <AnchorLink to="/teams/$teamId/security" params={{ teamId }} fz="sm" c="dimmed">
      <Group gap={4} component="span" wrap="nowrap">
        <IconArrowLeft size={14} /> Security
      </Group>
    </AnchorLink>
  );

  if (!incident) {
    if ((data?.team && !error) || hasErrorCode(error, 'NOT_FOUND')) {
      return (
        <Card withBorder radius="lg" padding="lg">
          {back}
          <EmptyState
            py="xl"
            icon={<IconShieldX size={26} />}
            title="Incident not found"
            description="This incident does not exist or belongs to another team."
            data-testid="incident-not-found"
          />
        </Card>
      );
    }
    if (error) {
      return <QueryError error={error} title="We could not load this incident" onRetry={refetch} />;
    }
    return <IncidentSkeleton />;
  }

  const owners =
    members.data?.team?.members.filter((m) => m.role === 'OWNER').map((m) => m.user) ?? null;
  const key = incident.apiKey;

  return (
    <Stack gap="md" data-testid="incident-page" data-incident-id={incident.id}>
      <Card withBorder radius="lg" padding="lg">
        {back}
        <Group gap="sm" align="center" mt={6}>
          <IconKeyOff size={22} />
          <Title order={2} fz="xl">
            Compromised key: {key.name}
          </Title>
          <EnvironmentBadge environment={key.environment} />
          <KeyStatusBadge status={key.status} />
        </Group>
        <Group gap="md" mt={4}>
          <KeyStart start={key.start} c="dimmed" />
          <Text fz="sm" c="dimmed">
            Reported {formatAbsolute(incident.createdAt)}
          </Text>
          <ReportedBy incident={incident} />
        </Group>
        {incident.details ? (
          <Blockquote mt="md" p="sm" color="gray" data-testid="incident-details">
            <Text fz="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {incident.details}
            </Text>
          </Blockquote>
        ) : null}
        {incident.foundAt ? (
          <Alert mt="md" color="orange" variant="light" title="Where it was found">
            {/^https?:\/\//i.test(incident.foundAt) ? (
              <Anchor href={incident.foundAt} target="_blank" rel="noreferrer noopener" fz="sm">
                {incident.foundAt}
              </Anchor>
            ) : (
              // A scanner's report is outside data: only http(s) addresses become links.
              <Text fz="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                {incident.foundAt}
              </Text>
            )}
          </Alert>
        ) : null}
      </Card>
      {error ? (
        <QueryError error={error} title="We could not refresh this incident" onRetry={refetch} />
      ) : null}

      <Step
        n={1}
        done
        testId="incident-step-revoke"
        aside={
          <Badge color={incident.action === 'ROTATE' ? 'orange' : 'red'} variant="light">
            {ACTION_LABELS[incident.action]}
          </Badge>
        }
      >
        <Text fz="sm">
          {key.revokedAt ? (
            <>Revoked {formatAbsolute(key.revokedAt)}: every request made with it is refused.</>
          ) : (
            <>Revoked when reported: every request made with it is refused.</>
          )}{' '}
          {key.replacedBy ? (
            <>
              Its replacement is{' '}
              <AnchorLink
                to="/teams/$teamId/keys/$keyId/usage"
                params={{ teamId, keyId: key.replacedBy.id }}
              >
                {key.replacedBy.name} ({displayStart(key.replacedBy.start)})
              </AnchorLink>
              ; its secret was shown once, when the key was reported.
            </>
          ) : incident.action === 'ROTATE' ? (
            <>A replacement was created; its secret was shown once, when the key was reported.</>
          ) : (
            <>
              No replacement was created: if an application needs access,{' '}
              <AnchorLink
                to="/teams/$teamId/keys"
                params={{ teamId }}
                search={{ create: key.environment.toLowerCase() }}
              >
                create a new key
              </AnchorLink>
              .
            </>
          )}
        </Text>
      </Step>
      <ChecklistStep incident={incident} />
      <AttemptsStep
        incident={incident}
        checking={networkStatus === NetworkStatus.poll || networkStatus === NetworkStatus.refetch}
      />
      <ActivityStep teamId={teamId} incident={incident} />
      <ReportedStep incident={incident} owners={owners} />
    </Stack>
  );
}
