import { Box, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { AnchorLink } from './links';
import type { ReactNode } from 'react';
import { Brand } from './brand';

interface CenteredLayoutProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** Shown under the card (e.g. "No account yet? Sign up"). */
  footer?: ReactNode;
}

/** The frame of the signed-out pages: brand, a card, a footer line. */
export function CenteredLayout({ title, description, children, footer }: CenteredLayoutProps) {
  return (
    <Box mih="100dvh" bg="var(--mantine-color-gray-0)" px="md" py={48}>
      <Center>
        <Stack w="100%" maw={440} gap="lg">
          <Center>
            <AnchorLink to="/" underline="never" c="inherit" aria-label="Partner Portal home">
              <Brand size="lg" />
            </AnchorLink>
          </Center>
          <Paper withBorder shadow="sm" radius="lg" p={{ base: 'lg', sm: 32 }}>
            <Stack gap={4} mb="lg">
              <Title order={2} fz={24}>
                {title}
              </Title>
              {description ? (
                <Text c="dimmed" fz="sm">
                  {description}
                </Text>
              ) : null}
            </Stack>
            {children}
          </Paper>
          {footer ? (
            <Text ta="center" fz="sm" c="dimmed">
              {footer}
            </Text>
          ) : null}
        </Stack>
      </Center>
    </Box>
  );
}
