import { Center, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconArrowLeft } from '@tabler/icons-react';
import { ButtonLink } from './links';
import { Brand } from './brand';

export function NotFoundPage() {
  useDocumentTitle('Page not found · Partner Portal');
  return (
    <Center mih="100dvh" px="md" bg="var(--mantine-color-gray-0)">
      <Stack align="center" gap="md" maw={460} ta="center">
        <Brand />
        <Text fz={72} fw={800} lh={1} c="indigo.2" aria-hidden>
          404
        </Text>
        <Title order={1} fz={28}>
          Page not found
        </Title>
        <Text c="dimmed">
          The page you are looking for does not exist or has moved. Check the address, or head back
          to your dashboard.
        </Text>
        <ButtonLink to="/" leftSection={<IconArrowLeft size={16} />}>
          Back to the dashboard
        </ButtonLink>
      </Stack>
    </Center>
  );
}
