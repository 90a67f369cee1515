import { Center, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconArrowLeft, IconLock } from '@tabler/icons-react';
import { ButtonLink } from '../../../components/links';

export function TeamNotFound() {
  useDocumentTitle('Team not found · Partner Portal');
  return (
    <Center mih="50dvh">
      <Stack align="center" gap="md" maw={480} ta="center" data-testid="team-not-found">
        <ThemeIcon size={64} radius="xl" variant="light" color="gray">
          <IconLock size={32} />
        </ThemeIcon>
        <Title order={1} fz={26}>
          Team not found or you are not a member
        </Title>
        <Text c="dimmed">
          This team does not exist, was deleted, or you are not one of its members. Ask an owner or
          admin of the team for an invitation.
        </Text>
        <ButtonLink to="/" leftSection={<IconArrowLeft size={16} />}>
          Back to the dashboard
        </ButtonLink>
      </Stack>
    </Center>
  );
}
