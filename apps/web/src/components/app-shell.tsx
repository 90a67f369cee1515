import { AppShell as MantineAppShell, Container, Group } from '@mantine/core';
import { AnchorLink } from './links';
import type { ReactNode } from 'react';
import { AccountMenu } from '../features/auth/components/account-menu';
import { TeamSwitcher } from '../features/teams/components/team-switcher';
import { Brand } from './brand';

/** The frame of every signed-in page. */
export function AppShell({ children }: { children: ReactNode }) {
  return (
    <MantineAppShell header={{ height: 60 }} padding={0} bg="var(--mantine-color-gray-0)">
      <MantineAppShell.Header>
        <Container size="lg" h="100%">
          <Group h="100%" justify="space-between" wrap="nowrap">
            <AnchorLink to="/" underline="never" c="inherit" aria-label="Partner Portal home">
              <Brand />
            </AnchorLink>
            <Group gap="md" wrap="nowrap">
              <TeamSwitcher />
              <AccountMenu />
            </Group>
          </Group>
        </Container>
      </MantineAppShell.Header>
      <MantineAppShell.Main>
        <Container size="lg" py="xl">
          {children}
        </Container>
      </MantineAppShell.Main>
    </MantineAppShell>
  );
}
