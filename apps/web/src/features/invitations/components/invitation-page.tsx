import { useQuery } from '@apollo/client/react';
import {
  Alert,
  Blockquote,
  Button,
  Card,
  Group,
  ScrollArea,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconAlertTriangle, IconCircleCheck, IconClockX, IconLinkOff } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { toApiErrorInfo } from '../../../apollo/errors';
import { getToken } from '../../../apollo/token-storage';
import { CenteredLayout } from '../../../components/centered-layout';
import { ButtonLink } from '../../../components/links';
import { QueryError } from '../../../components/query-error';
import { RelativeTime } from '../../../components/relative-time';
import type { InvitationPreviewQuery as PreviewData } from '../../../gql/graphql';
import { notifySuccess } from '../../../lib/notify';
import { useLogOut } from '../../auth/hooks/use-log-out';
import { useViewer } from '../../auth/hooks/use-viewer';
import { GuidelinesMarkdown } from '../../teams/components/guidelines-markdown';
import { RoleBadge } from '../../teams/components/role-badge';
import { ROLE_LABELS } from '../../teams/roles';
import { useAcceptInvitation } from '../hooks/use-accept-invitation';
import { InvitationPreviewQuery } from '../operations';

type Preview = NonNullable<PreviewData['invitationPreview']>;

function Ended({
  icon,
  title,
  children,
  testId,
}: {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  testId: string;
}) {
  const signedIn = Boolean(getToken());
  return (
    <CenteredLayout title={title}>
      <Stack gap="md" data-testid={testId}>
        <Group wrap="nowrap" align="flex-start">
          <ThemeIcon size={44} radius="xl" variant="light" color="gray">
            {icon}
          </ThemeIcon>
          <Text fz="sm">{children}</Text>
        </Group>
        <ButtonLink to={signedIn ? '/' : '/login'} variant="light" fullWidth>
          {signedIn ? 'Go to your dashboard' : 'Log in to the Partner Portal'}
        </ButtonLink>
      </Stack>
    </CenteredLayout>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap="sm" wrap="nowrap" align="center">
      <Text fz="sm" c="dimmed" w={92} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text fz="sm" component="div" style={{ wordBreak: 'break-word' }}>
        {children}
      </Text>
    </Group>
  );
}

function Details({ preview }: { preview: Preview }) {
  return (
    <Stack gap="xs">
      <Row label="Team">
        <b>{preview.teamName}</b>
      </Row>
      <Row label="Role">
        <RoleBadge role={preview.role} />
      </Row>
      <Row label="Invited by">{preview.invitedByName ?? 'A member of the team'}</Row>
      <Row label="For">{preview.email}</Row>
      <Row label="Expires">
        <RelativeTime value={preview.expiresAt} />
      </Row>
      {preview.message ? (
        <Blockquote
          p="md"
          mt="sm"
          color="indigo"
          data-testid="invitation-message"
          style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
        >
          <Text fz="sm">{preview.message}</Text>
          {preview.invitedByName ? (
            <Text fz="xs" c="dimmed" mt="xs">
              — {preview.invitedByName}
            </Text>
          ) : null}
        </Blockquote>
      ) : null}
      {preview.guidelines?.trim() ? (
        <Stack gap={6} mt="sm" data-testid="invitation-guidelines">
          <Text fz="sm" fw={600}>
            Team guidelines
          </Text>
          <Text fz="xs" c="dimmed">
            The rules {preview.teamName} asks its members to follow. Read them before you join.
          </Text>
          <Card withBorder radius="md" padding="sm">
            <ScrollArea.Autosize mah={320} type="auto">
              <GuidelinesMarkdown source={preview.guidelines} />
            </ScrollArea.Autosize>
          </Card>
        </Stack>
      ) : null}
    </Stack>
  );
}

function PendingActions({ token, preview }: { token: string; preview: Preview }) {
  const { user, loading: viewerLoading } = useViewer();
  const { accept, loading } = useAcceptInvitation(token);
  const { logOut, loading: loggingOut } = useLogOut();
  const [error, setError] = useState<string | null>(null);
  const here = `/invitations/${token}`;
  const signedIn = Boolean(getToken());

  if (signedIn && !user && viewerLoading) return <Skeleton h={36} />;

  if (!signedIn || !user) {
    return (
      <Stack gap="sm">
        <Text fz="sm">Sign up or log in as {preview.email} to accept.</Text>
        <Group grow>
          <ButtonLink to="/signup" search={{ redirect: here, email: preview.email }}>
            Sign up
          </ButtonLink>
          <ButtonLink
            to="/login"
            search={{ redirect: here, email: preview.email }}
            variant="default"
          >
            Log in
          </ButtonLink>
        </Group>
      </Stack>
    );
  }

  if (user.email.toLowerCase() !== preview.email.toLowerCase()) {
    return (
      <Stack gap="sm" data-testid="wrong-account">
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
          You are signed in as <b>{user.email}</b>, but this invitation is for{' '}
          <b>{preview.email}</b>. Log out, then log in or sign up with {preview.email} to accept it.
        </Alert>
        <Button
          loading={loggingOut}
          onClick={() => void logOut({ redirect: here, email: preview.email })}
        >
          Log out and continue
        </Button>
        <ButtonLink to="/" variant="subtle">
          Back to your dashboard
        </ButtonLink>
      </Stack>
    );
  }

  const join = async () => {
    setError(null);
    try {
      const membership = await accept();
      if (membership) {
        notifySuccess(
          `Welcome to ${membership.team.name}`,
          `You joined as ${ROLE_LABELS[membership.role]}.`,
        );
      }
    } catch (e) {
      setError(toApiErrorInfo(e).message);
    }
  };

  return (
    <Stack gap="sm">
      {error ? (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
          {error}
        </Alert>
      ) : null}
      <Button size="md" loading={loading} onClick={() => void join()}>
        Join {preview.teamName}
      </Button>
      <Text fz="xs" c="dimmed" ta="center">
        Signed in as {user.email}
      </Text>
    </Stack>
  );
}

export function InvitationPage({ token }: { token: string }) {
  const { data, error, refetch } = useQuery(InvitationPreviewQuery, { variables: { token } });
  const preview = data?.invitationPreview;
  useDocumentTitle(
    preview ? `Join ${preview.teamName} · Partner Portal` : 'Invitation · Partner Portal',
  );

  if (data === undefined) {
    if (error) {
      return (
        <CenteredLayout title="Invitation">
          <QueryError error={error} title="We could not load this invitation" onRetry={refetch} />
        </CenteredLayout>
      );
    }
    return (
      <CenteredLayout title="Invitation">
        <Stack gap="sm" aria-busy="true" aria-label="Loading the invitation">
          <Skeleton h={20} w="70%" />
          <Skeleton h={14} w="50%" />
          <Skeleton h={80} />
          <Skeleton h={36} />
        </Stack>
      </CenteredLayout>
    );
  }

  if (!preview) {
    return (
      <Ended
        icon={<IconLinkOff size={24} />}
        title="This invitation link is not valid"
        testId="invitation-unknown"
      >
        We do not know this link. Check that you opened the whole link from the email, or ask the
        person who invited you to send a new invitation.
      </Ended>
    );
  }

  switch (preview.status) {
    case 'EXPIRED':
      return (
        <Ended
          icon={<IconClockX size={24} />}
          title="This invitation has expired"
          testId="invitation-expired"
        >
          The invitation to join <b>{preview.teamName}</b> is no longer valid. Ask{' '}
          {preview.invitedByName ?? 'an owner or admin of the team'} to send you a new one.
        </Ended>
      );
    case 'REVOKED':
      return (
        <Ended
          icon={<IconLinkOff size={24} />}
          title="This invitation was withdrawn"
          testId="invitation-revoked"
        >
          The invitation to join <b>{preview.teamName}</b> was revoked by the team. If you think
          this is a mistake, contact {preview.invitedByName ?? 'an owner or admin of the team'}.
        </Ended>
      );
    case 'ACCEPTED':
      return (
        <Ended
          icon={<IconCircleCheck size={24} />}
          title="This invitation was already accepted"
          testId="invitation-accepted"
        >
          The invitation for {preview.email} to join <b>{preview.teamName}</b> has been used. Log in
          as {preview.email} to open the team.
        </Ended>
      );
    default:
      return (
        <CenteredLayout
          title={`Join ${preview.teamName}`}
          description={`${preview.invitedByName ?? 'A member of the team'} invited you to join ${preview.teamName} on the Partner Portal as ${ROLE_LABELS[preview.role]}.`}
        >
          <Stack gap="lg" data-testid="invitation-preview">
            <Details preview={preview} />
            <PendingActions token={token} preview={preview} />
          </Stack>
        </CenteredLayout>
      );
  }
}
