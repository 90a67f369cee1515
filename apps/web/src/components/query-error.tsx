import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { toApiErrorInfo } from '../apollo/errors';

/** A query that failed: the server's message and a way to try again. */
export function QueryError({
  error,
  title = 'We could not load this',
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => unknown;
}) {
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle />} title={title} role="alert">
      <Group justify="space-between" align="center" gap="md">
        <Text fz="sm">{toApiErrorInfo(error).message}</Text>
        {onRetry ? (
          <Button
            size="xs"
            variant="white"
            color="red"
            leftSection={<IconRefresh size={14} />}
            onClick={() => void onRetry()}
          >
            Try again
          </Button>
        ) : null}
      </Group>
    </Alert>
  );
}
