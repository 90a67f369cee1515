import { useQuery } from '@apollo/client/react';
import {
  Alert,
  Button,
  Card,
  EmptyState,
  Group,
  SegmentedControl,
  Select,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconFilterOff, IconInfoCircle, IconKey, IconPlus } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useState, type ReactNode } from 'react';
import { QueryError } from '../../../components/query-error';
import type { ApiKeyFieldsFragment, Environment, KeyStatus } from '../../../gql/graphql';
import { ReportCompromisedModal } from '../../security/components/report-compromised-modal';
import { useTeam } from '../../teams/hooks/use-teams';
import { sparklineWindow } from '../../usage/ranges';
import { canManageKeys } from '../../teams/roles';
import { ENVIRONMENT_LABELS, isEnvironment, isKeyStatus, STATUS_LABELS } from '../labels';
import { TeamApiKeysQuery } from '../operations';
import { ApiKeysTable } from './api-keys-table';
import { CreateApiKeyModal } from './create-api-key-modal';
import { RevokeApiKeyModal } from './revoke-api-key-modal';
import { RotateApiKeyModal } from './rotate-api-key-modal';

export interface ApiKeysFilters {
  environment?: Environment;
  status?: KeyStatus;
}

function TableSkeleton() {
  return (
    <Stack gap="sm" aria-busy="true" aria-label="Loading API keys">
      {[0, 1, 2].map((i) => (
        <Skeleton key={i} h={44} />
      ))}
    </Stack>
  );
}

function useMinuteClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function NoKeys({ canManage, onCreate }: { canManage: boolean; onCreate: () => void }) {
  return (
    <EmptyState
      py="xl"
      variant="light"
      icon={<IconKey size={26} />}
      title="No API keys yet"
      description={
        <>
          An API key lets your servers call the partner API on behalf of this team. Create one key
          per service and environment: development keys (<code>ppk_test_…</code>) for building and
          testing, production keys (<code>ppk_live_…</code>) for your live integration. Each
          key&apos;s secret is shown once, when it is created.
        </>
      }
      data-testid="api-keys-empty"
    >
      <EmptyState.Actions>
        {canManage ? (
          <Button leftSection={<IconPlus size={16} />} onClick={onCreate}>
            Create API key
          </Button>
        ) : (
          <Text fz="sm" c="dimmed">
            Owners and admins of this team create keys.
          </Text>
        )}
      </EmptyState.Actions>
    </EmptyState>
  );
}

export function ApiKeysPage({
  teamId,
  filters,
  createEnvironment,
}: {
  teamId: string;
  filters: ApiKeysFilters;
  /** Set from the URL (`?create=…`, e.g. from the dashboard's checklist): opens the dialog. */
  createEnvironment?: Environment;
}) {
  const { team } = useTeam(teamId);
  const navigate = useNavigate();
  useDocumentTitle(team ? `API keys · ${team.name} · Partner Portal` : 'API keys · Partner Portal');
  // The sparklines' window, fixed for this visit (the route loader asked for the same one).
  const [sparkWindow] = useState(sparklineWindow);
  const { data, error, refetch } = useQuery(TeamApiKeysQuery, {
    variables: { teamId, ...filters, ...sparkWindow },
  });
  const now = useMinuteClock();
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<ApiKeyFieldsFragment | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyFieldsFragment | null>(null);
  const [reporting, setReporting] = useState<ApiKeyFieldsFragment | null>(null);

  const viewerRole = data?.team?.viewerRole ?? team?.viewerRole ?? null;
  const canManage = canManageKeys(viewerRole);
  const filtered = Boolean(filters.environment || filters.status);
  const createOpen = canManage && (creating || createEnvironment !== undefined);

  const setFilters = (next: ApiKeysFilters) =>
    void navigate({
      to: '/teams/$teamId/keys',
      params: { teamId },
      search: {
        ...(next.environment ? { env: next.environment.toLowerCase() } : {}),
        ...(next.status ? { status: next.status.toLowerCase() } : {}),
      },
      replace: true,
    });

  const closeCreate = () => {
    setCreating(false);
    if (createEnvironment) setFilters(filters);
  };

  let body: ReactNode;
  if (data?.team) {
    const keys = data.team.apiKeys;
    if (keys.length > 0) {
      body = (
        <ApiKeysTable
          apiKeys={keys}
          canManage={canManage}
          now={now}
          onRotate={setRotating}
          onRevoke={setRevoking}
          onReportCompromised={setReporting}
          onViewUsage={(key) =>
            void navigate({
              to: '/teams/$teamId/keys/$keyId/usage',
              params: { teamId, keyId: key.id },
            })
          }
        />
      );
    } else if (filtered) {
      body = (
        <EmptyState
          py="lg"
          icon={<IconFilterOff size={26} />}
          title="No keys match these filters"
          data-testid="api-keys-none-match"
        >
          <EmptyState.Actions>
            <Button variant="default" onClick={() => setFilters({})}>
              Show all keys
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      );
    } else {
      body = <NoKeys canManage={canManage} onCreate={() => setCreating(true)} />;
    }
  } else if (error) {
    body = <QueryError error={error} title="We could not load the API keys" onRetry={refetch} />;
  } else {
    body = <TableSkeleton />;
  }

  return (
    <Card withBorder radius="lg" padding="lg">
      <Group justify="space-between" mb="md" align="flex-start">
        <div>
          <Title order={2} fz="lg">
            API keys
          </Title>
          <Text fz="sm" c="dimmed">
            Keys your servers use to call the partner API for {team?.name ?? 'this team'}.
          </Text>
        </div>
        {canManage ? (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            Create API key
          </Button>
        ) : null}
      </Group>
      {!canManage && viewerRole ? (
        <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />} mb="md">
          You can see the team&apos;s keys; owners and admins create, rotate and revoke them.
        </Alert>
      ) : null}
      <Group mb="md" gap="sm" wrap="wrap">
        <SegmentedControl
          aria-label="Filter by environment"
          data-testid="environment-filter"
          data={[
            { value: 'ALL', label: 'All environments' },
            { value: 'DEVELOPMENT', label: ENVIRONMENT_LABELS.DEVELOPMENT },
            { value: 'PRODUCTION', label: ENVIRONMENT_LABELS.PRODUCTION },
          ]}
          value={filters.environment ?? 'ALL'}
          onChange={(value) =>
            setFilters({ ...filters, environment: isEnvironment(value) ? value : undefined })
          }
        />
        <Select
          aria-label="Filter by status"
          data-testid="status-filter"
          placeholder="Any status"
          data={(['ACTIVE', 'EXPIRED', 'REVOKED'] as const).map((s) => ({
            value: s,
            label: STATUS_LABELS[s],
          }))}
          value={filters.status ?? null}
          onChange={(value) =>
            setFilters({ ...filters, status: isKeyStatus(value) ? value : undefined })
          }
          clearable
          w={180}
          comboboxProps={{ withinPortal: true }}
        />
      </Group>
      {body}

      {canManage ? (
        <>
          <CreateApiKeyModal
            key={createEnvironment ?? 'default'}
            teamId={teamId}
            opened={createOpen}
            defaultEnvironment={createEnvironment}
            onClose={closeCreate}
          />
          <RotateApiKeyModal teamId={teamId} apiKey={rotating} onClose={() => setRotating(null)} />
          <ReportCompromisedModal
            teamId={teamId}
            apiKey={reporting}
            onClose={() => setReporting(null)}
          />
          <RevokeApiKeyModal teamId={teamId} apiKey={revoking} onClose={() => setRevoking(null)} />
        </>
      ) : null}
    </Card>
  );
}
