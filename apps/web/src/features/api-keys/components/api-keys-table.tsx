import { ActionIcon, Group, Menu, Stack, Table, Text, Tooltip } from '@mantine/core';
import {
  IconArrowBackUp,
  IconArrowForwardUp,
  IconChartBar,
  IconDots,
  IconKeyOff,
  IconRefresh,
  IconShieldExclamation,
} from '@tabler/icons-react';
import { Day, RelativeTime, RelativeTimeOr } from '../../../components/relative-time';
import type { ApiKeyFieldsFragment, ApiKeySparklineFragment } from '../../../gql/graphql';
import { formatAbsolute, formatDay } from '../../../lib/time';
import { UsageSparkline } from '../../usage/components/sparkline';
import { displayStart, EXPIRY_WARNING_DAYS } from '../labels';
import { EnvironmentBadge, KeyStart, KeyStatusBadge } from './key-badges';

const DAY_MS = 86_400_000;

function Dimmed({ children }: { children: string }) {
  return (
    <Text fz="sm" c="dimmed">
      {children}
    </Text>
  );
}

function ExpiresCell({ apiKey, now }: { apiKey: ApiKeyFieldsFragment; now: Date }) {
  if (apiKey.status === 'REVOKED') return <Dimmed>—</Dimmed>;
  if (!apiKey.expiresAt) return <Dimmed>Never</Dimmed>;
  const left = new Date(apiKey.expiresAt).getTime() - now.getTime();
  const color =
    apiKey.status === 'EXPIRED' || left <= 0
      ? 'red'
      : left <= EXPIRY_WARNING_DAYS * DAY_MS
        ? 'orange.7'
        : undefined;
  return <RelativeTime value={apiKey.expiresAt} c={color} fw={color ? 500 : undefined} />;
}

function RotationHints({ apiKey }: { apiKey: ApiKeyFieldsFragment }) {
  if (!apiKey.replaces && !apiKey.replacedBy) return null;
  return (
    <Stack gap={0} mt={2}>
      {apiKey.replaces ? (
        <Group gap={4} wrap="nowrap" c="dimmed">
          <IconArrowBackUp size={12} />
          <Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            Replaces <KeyStart start={apiKey.replaces.start} fz="xs" />
          </Text>
        </Group>
      ) : null}
      {apiKey.replacedBy ? (
        <Group gap={4} wrap="nowrap" c="dimmed">
          <IconArrowForwardUp size={12} />
          <Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            Replaced by <KeyStart start={apiKey.replacedBy.start} fz="xs" />
          </Text>
        </Group>
      ) : null}
    </Stack>
  );
}

function KeyActions({
  apiKey,
  canManage,
  onRotate,
  onRevoke,
  onReportCompromised,
  onViewUsage,
}: {
  apiKey: ApiKeyFieldsFragment;
  canManage: boolean;
  onRotate: () => void;
  onRevoke: () => void;
  onReportCompromised: () => void;
  onViewUsage: () => void;
}) {
  const active = apiKey.status === 'ACTIVE';
  const rotateBlocker = !active
    ? `An ${apiKey.status === 'EXPIRED' ? 'expired' : 'revoked'} key cannot be rotated`
    : apiKey.replacedBy
      ? 'Already rotated: rotate its replacement'
      : null;
  const label = `Actions for ${apiKey.name} (${displayStart(apiKey.start)})`;
  return (
    <Menu position="bottom-end" withinPortal shadow="md" width={240}>
      <Menu.Target>
        <Tooltip label="Actions" withArrow openDelay={300}>
          <ActionIcon variant="subtle" color="gray" aria-label={label}>
            <IconDots size={18} />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        {canManage ? (
          <>
            <Menu.Item
              leftSection={<IconRefresh size={16} />}
              disabled={rotateBlocker !== null}
              onClick={onRotate}
            >
              Rotate
              {rotateBlocker ? (
                <Text fz="xs" c="dimmed">
                  {rotateBlocker}
                </Text>
              ) : null}
            </Menu.Item>
            <Menu.Item
              color="red"
              leftSection={<IconKeyOff size={16} />}
              disabled={apiKey.status === 'REVOKED'}
              onClick={onRevoke}
            >
              Revoke
            </Menu.Item>
            <Menu.Item
              color="red"
              leftSection={<IconShieldExclamation size={16} />}
              disabled={apiKey.status !== 'ACTIVE'}
              onClick={onReportCompromised}
            >
              Report compromised…
              <Text fz="xs" c="dimmed">
                {apiKey.status === 'ACTIVE'
                  ? 'Revoke at once and follow the guide'
                  : 'It no longer works: nothing to revoke'}
              </Text>
            </Menu.Item>
            <Menu.Divider />
          </>
        ) : null}
        <Menu.Item leftSection={<IconChartBar size={16} />} onClick={onViewUsage}>
          View usage
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

type TableKey = ApiKeyFieldsFragment & Partial<Pick<ApiKeySparklineFragment, 'usage'>>;

export function ApiKeysTable({
  apiKeys,
  canManage,
  now,
  onRotate,
  onRevoke,
  onReportCompromised,
  onViewUsage,
}: {
  apiKeys: readonly TableKey[];
  canManage: boolean;
  now: Date;
  onRotate: (key: ApiKeyFieldsFragment) => void;
  onRevoke: (key: ApiKeyFieldsFragment) => void;
  /** "Report compromised…": the guided flow (revoke at once, then the guide's other steps). */
  onReportCompromised: (key: ApiKeyFieldsFragment) => void;
  onViewUsage: (key: ApiKeyFieldsFragment) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={1040}>
      <Table verticalSpacing="sm" highlightOnHover data-testid="api-keys-table">
        <Table.Thead>
          <Table.Tr style={{ whiteSpace: 'nowrap' }}>
            <Table.Th>Name</Table.Th>
            <Table.Th>Environment</Table.Th>
            <Table.Th>Key</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th title="Requests in the last 24 hours">Last 24 h</Table.Th>
            <Table.Th w={50}>
              <Text span fz="sm" style={{ position: 'absolute', left: -9999 }}>
                Actions
              </Text>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {apiKeys.map((apiKey) => (
            <Table.Tr
              key={apiKey.id}
              data-testid="api-key-row"
              data-key-id={apiKey.id}
              data-start={apiKey.start}
              style={apiKey.status === 'ACTIVE' ? undefined : { opacity: 0.75 }}
            >
              <Table.Td miw={170} maw={240}>
                <Text fz="sm" fw={600} lineClamp={1}>
                  {apiKey.name}
                </Text>
                {apiKey.description ? (
                  <Text fz="xs" c="dimmed" lineClamp={2} title={apiKey.description}>
                    {apiKey.description}
                  </Text>
                ) : null}
                <RotationHints apiKey={apiKey} />
              </Table.Td>
              <Table.Td>
                <EnvironmentBadge environment={apiKey.environment} />
              </Table.Td>
              <Table.Td>
                <KeyStart start={apiKey.start} />
              </Table.Td>
              <Table.Td>
                <KeyStatusBadge status={apiKey.status} />
                {apiKey.revokedAt ? (
                  <Text fz="xs" c="dimmed" mt={2} title={formatAbsolute(apiKey.revokedAt)}>
                    <span style={{ whiteSpace: 'nowrap' }}>{formatDay(apiKey.revokedAt)}</span>
                    {apiKey.revokedBy ? (
                      <>
                        <br />
                        by {apiKey.revokedBy.name}
                      </>
                    ) : null}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <Day value={apiKey.createdAt} style={{ whiteSpace: 'nowrap' }} />
                <Text fz="xs" c="dimmed">
                  by {apiKey.createdBy?.name ?? 'a former member'}
                </Text>
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <ExpiresCell apiKey={apiKey} now={now} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <RelativeTimeOr value={apiKey.lastUsedAt} fallback="Never" />
              </Table.Td>
              <Table.Td>
                {apiKey.usage ? <UsageSparkline usage={apiKey.usage} /> : <Dimmed>—</Dimmed>}
              </Table.Td>
              <Table.Td>
                <KeyActions
                  apiKey={apiKey}
                  canManage={canManage}
                  onRotate={() => onRotate(apiKey)}
                  onRevoke={() => onRevoke(apiKey)}
                  onReportCompromised={() => onReportCompromised(apiKey)}
                  onViewUsage={() => onViewUsage(apiKey)}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
