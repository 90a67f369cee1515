import { Alert, Card, Grid, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { toApiErrorInfo } from '../../../apollo/errors';
import { PageLoader } from '../../../components/page-loader';
import { DashboardTeams } from '../../teams/components/dashboard-teams';
import { GettingStarted } from '../../teams/components/getting-started';
import { useViewer } from '../hooks/use-viewer';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

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

      <GettingStarted />

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <DashboardTeams />
        </Grid.Col>

        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder radius="lg" padding="xl">
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
