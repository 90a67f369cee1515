import { Alert, Badge, Card, Grid, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconAlertTriangle, IconChartLine, IconKey, IconUsersGroup } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { toApiErrorInfo } from '../../../apollo/errors';
import { PageLoader } from '../../../components/page-loader';
import { useViewer } from '../hooks/use-viewer';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

function Upcoming({
  icon,
  title,
  children,
}: {
  icon: ReactNode;
  title: string;
  children: ReactNode;
}) {
  return (
    <Group align="flex-start" wrap="nowrap" gap="md">
      <ThemeIcon size={38} radius="md" variant="light">
        {icon}
      </ThemeIcon>
      <div>
        <Text fw={600}>{title}</Text>
        <Text fz="sm" c="dimmed">
          {children}
        </Text>
      </div>
    </Group>
  );
}

export function Dashboard() {
  const { user, loading, error } = useViewer();
  useDocumentTitle('Dashboard · Partner Portal');

  if (loading && !user) return <PageLoader />;
  if (error || !user) {
    return (
      <Alert
        color="red"
        variant="light"
        icon={<IconAlertTriangle />}
        title="We could not load your account"
      >
        {toApiErrorInfo(error).message}
      </Alert>
    );
  }

  const createdAt = new Date(user.createdAt);
  return (
    <Stack gap="xl">
      <div>
        <Title order={1} fz={30} data-testid="greeting">
          Welcome, {user.name}
        </Title>
        <Text c="dimmed" mt={4}>
          This is your Partner Portal home.
        </Text>
      </div>

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Card withBorder radius="lg" padding="xl" h="100%">
            <Group justify="space-between" mb="xs">
              <Title order={2} fz="lg">
                Teams and API keys arrive here
              </Title>
              <Badge variant="light">Coming soon</Badge>
            </Group>
            <Text c="dimmed" fz="sm" mb="lg">
              Your account is ready. The next releases of the portal add the tools to work with our
              API together with your colleagues:
            </Text>
            <Stack gap="lg">
              <Upcoming icon={<IconUsersGroup size={20} />} title="Teams">
                Create a team for your company and invite colleagues as owners, admins or members.
              </Upcoming>
              <Upcoming icon={<IconKey size={20} />} title="API keys">
                Create, rotate and revoke keys for development and production, with expiry and rate
                limits.
              </Upcoming>
              <Upcoming icon={<IconChartLine size={20} />} title="Usage and audit log">
                Follow every key&apos;s requests and errors live, and see who changed what.
              </Upcoming>
            </Stack>
          </Card>
        </Grid.Col>

        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder radius="lg" padding="xl" h="100%">
            <Title order={2} fz="lg" mb="md">
              Your account
            </Title>
            <Stack gap="sm">
              <div>
                <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
                  Name
                </Text>
                <Text>{user.name}</Text>
              </div>
              <div>
                <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
                  Email
                </Text>
                <Text style={{ wordBreak: 'break-all' }}>{user.email}</Text>
              </div>
              {Number.isNaN(createdAt.getTime()) ? null : (
                <div>
                  <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
                    Member since
                  </Text>
                  <Text>{dateFormat.format(createdAt)}</Text>
                </div>
              )}
            </Stack>
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
