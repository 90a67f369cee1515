import { Badge, Card, Group, Progress, Table, Text } from '@mantine/core';
import type { UsageFieldsFragment } from '../../../gql/graphql';
import { formatCount, formatPercent, statusColor, statusReason } from '../format';

/** Requests by HTTP status, with a coloured badge and each status's share. */
export function StatusCodes({ usage }: { usage: UsageFieldsFragment }) {
  const total = usage.statusCodes.reduce((sum, s) => sum + s.count, 0);
  return (
    <Card withBorder radius="lg" padding="lg" data-testid="status-codes">
      <Text fw={600}>Status codes</Text>
      <Text fz="xs" c="dimmed" mb="sm">
        Every request counts, whatever its outcome.
      </Text>
      {usage.statusCodes.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No requests in this range.
        </Text>
      ) : (
        <Table verticalSpacing={6} horizontalSpacing="xs">
          <Table.Tbody>
            {usage.statusCodes.map(({ status, count }) => {
              const color = statusColor(status);
              const share = total === 0 ? 0 : count / total;
              return (
                <Table.Tr key={status} data-testid="status-code-row" data-status={status}>
                  <Table.Td w={150}>
                    <Group gap={6} wrap="nowrap">
                      <Badge color={color} variant="light" radius="sm" ff="monospace" w={52}>
                        {status}
                      </Badge>
                      <Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {statusReason(status)}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Progress value={share * 100} color={color} size="sm" aria-hidden />
                  </Table.Td>
                  <Table.Td w={90} ta="right">
                    <Text fz="sm" fw={600} span data-testid="status-code-count">
                      {formatCount(count)}
                    </Text>{' '}
                    <Text fz="xs" c="dimmed" span>
                      {formatPercent(share)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
