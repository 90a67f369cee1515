import { Alert, Button, Center, Group, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { useRouter, type ErrorComponentProps } from '@tanstack/react-router';
import { toApiErrorInfo } from '../apollo/errors';

/** Shown when a route's loading fails (e.g. the api cannot be reached). */
export function RouteError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  const info = toApiErrorInfo(error);
  return (
    <Center mih="70dvh" px="md">
      <Stack maw={480} gap="md">
        <Title order={2}>Something went wrong</Title>
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertTriangle />}
          title="We could not load this page"
        >
          <Text fz="sm">{info.message}</Text>
        </Alert>
        <Group>
          <Button
            leftSection={<IconRefresh size={16} />}
            onClick={() => {
              reset();
              void router.invalidate();
            }}
          >
            Try again
          </Button>
          <Button variant="default" onClick={() => void router.navigate({ to: '/' })}>
            Go to the dashboard
          </Button>
        </Group>
      </Stack>
    </Center>
  );
}
