import { Badge, EmptyState, Table, Text } from '@mantine/core';
import { IconChevronRight, IconShieldCheck } from '@tabler/icons-react';
import { AnchorLink } from '../../../components/links';
import { Day, RelativeTimeOr } from '../../../components/relative-time';
import type { KeyIncidentFieldsFragment } from '../../../gql/graphql';
import { KeyStart } from '../../api-keys/components/key-badges';
import { ACTION_LABELS } from '../labels';

/** Who reported it: a person's name, or the secret scanner (with where it found the key). */
export function ReportedBy({ incident }: { incident: KeyIncidentFieldsFragment }) {
  if (incident.source === 'SECRET_SCANNING') {
    return (
      <Text fz="xs" c="dimmed">
        found by a secret scanner
        {incident.foundAt ? (
          <>
            {' '}
            in{' '}
            <Text span fz="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
              {incident.foundAt}
            </Text>
          </>
        ) : null}
      </Text>
    );
  }
  return (
    <Text fz="xs" c="dimmed">
      by {incident.reportedBy?.name ?? 'a former member'}
    </Text>
  );
}

/** Incidents (newest first), each linking to its follow-up page. */
export function IncidentsList({
  teamId,
  incidents,
  showKey = true,
  emptyHint,
}: {
  teamId: string;
  incidents: readonly KeyIncidentFieldsFragment[];
  /** false on a key's own page. */
  showKey?: boolean;
  emptyHint: string;
}) {
  if (incidents.length === 0) {
    return (
      <EmptyState
        py="md"
        variant="light"
        icon={<IconShieldCheck size={26} />}
        title="No compromised keys reported"
        description={emptyHint}
        data-testid="incidents-empty"
      />
    );
  }
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="sm" highlightOnHover data-testid="incidents-table">
        <Table.Thead>
          <Table.Tr>
            {showKey ? <Table.Th>Key</Table.Th> : null}
            <Table.Th>Reported</Table.Th>
            <Table.Th>What was done</Table.Th>
            <Table.Th title="Requests made with the key and refused since it was reported">
              Refused attempts
            </Table.Th>
            <Table.Th>Last refused</Table.Th>
            <Table.Th w={110} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {incidents.map((incident) => (
            <Table.Tr
              key={incident.id}
              data-testid="incident-row"
              data-incident-id={incident.id}
              data-key-id={incident.apiKey.id}
            >
              {showKey ? (
                <Table.Td>
                  <Text fz="sm" fw={500}>
                    {incident.apiKey.name}
                  </Text>
                  <KeyStart start={incident.apiKey.start} fz="xs" c="dimmed" />
                </Table.Td>
              ) : null}
              <Table.Td>
                <Day value={incident.createdAt} />
                <ReportedBy incident={incident} />
              </Table.Td>
              <Table.Td>
                <Badge color={incident.action === 'ROTATE' ? 'orange' : 'red'} variant="light">
                  {ACTION_LABELS[incident.action]}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text
                  fz="sm"
                  fw={incident.rejectedAttempts > 0 ? 700 : undefined}
                  c={incident.rejectedAttempts > 0 ? 'red' : 'dimmed'}
                  data-testid="incident-attempts"
                >
                  {incident.rejectedAttempts}
                </Text>
              </Table.Td>
              <Table.Td>
                <RelativeTimeOr value={incident.lastRejectedAt} fallback="None" />
              </Table.Td>
              <Table.Td>
                <AnchorLink
                  to="/teams/$teamId/security/incidents/$incidentId"
                  params={{ teamId, incidentId: incident.id }}
                  fz="sm"
                >
                  Follow up <IconChevronRight size={12} />
                </AnchorLink>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
