import {
  Alert,
  Button,
  Card,
  Group,
  Skeleton,
  Stack,
  Tabs,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { IconEye, IconInfoCircle, IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { QueryError } from '../../../components/query-error';
import { formatAbsolute } from '../../../lib/time';
import { notifySuccess } from '../../../lib/notify';
import { toApiErrorInfo } from '../../../apollo/errors';
import { GUIDELINES_MAX, validateGuidelines } from '../guidelines';
import {
  useAcknowledgeTeamGuidelines,
  useTeamGuidelines,
  useUpdateTeamGuidelines,
} from '../hooks/use-guidelines';
import { canManageMembers } from '../roles';
import { GuidelinesMarkdown } from './guidelines-markdown';

function GuidelinesEditor({
  teamId,
  initial,
  onClose,
}: {
  teamId: string;
  initial: string;
  onClose: () => void;
}) {
  const [text, setText] = useState(initial);
  const [tab, setTab] = useState<string | null>('write');
  const [error, setError] = useState<string | null>(null);
  const { save, loading } = useUpdateTeamGuidelines(teamId);
  const { acknowledge } = useAcknowledgeTeamGuidelines(teamId);
  const tooLong = validateGuidelines(text);

  const submit = async () => {
    if (tooLong) return;
    setError(null);
    try {
      const saved = await save(text.trim());
      if (!saved) return;
      if (saved.guidelines) {
        // Whoever wrote them has read them: no "Team guidelines" dialog for the author.
        await acknowledge().catch(() => null);
        notifySuccess(
          'Guidelines saved',
          'New members see them when they accept an invitation and on their first visit.',
        );
      } else {
        notifySuccess('Guidelines removed', 'This team has no guidelines any more.');
      }
      onClose();
    } catch (e) {
      const info = toApiErrorInfo(e);
      setError(info.fields.guidelines ?? info.message);
    }
  };

  return (
    <Stack gap="md" data-testid="guidelines-editor">
      {error ? (
        <Alert color="red" variant="light" role="alert">
          {error}
        </Alert>
      ) : null}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="write" leftSection={<IconPencil size={14} />}>
            Write
          </Tabs.Tab>
          <Tabs.Tab value="preview" leftSection={<IconEye size={14} />}>
            Preview
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="write" pt="md">
          <Textarea
            label="Guidelines (Markdown)"
            description={
              <>
                Headings (#), lists (-), **bold**, *italic*, `code` and links to http, https or
                mailto addresses. HTML is shown as plain text, never run.{' '}
                <Text span inherit c={tooLong ? 'red' : undefined} data-testid="guidelines-counter">
                  {text.length.toLocaleString('en-US')}/{GUIDELINES_MAX.toLocaleString('en-US')}{' '}
                  characters
                </Text>
              </>
            }
            placeholder={
              '# How we work\n\n- Use development keys for testing; production keys only on our servers.\n- Never commit a key to version control.'
            }
            autosize
            minRows={8}
            maxRows={24}
            value={text}
            error={tooLong}
            onChange={(event) => setText(event.currentTarget.value)}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            data-autofocus
          />
        </Tabs.Panel>
        <Tabs.Panel value="preview" pt="md">
          {text.trim() ? (
            <Card withBorder radius="md" padding="md" data-testid="guidelines-preview">
              <GuidelinesMarkdown source={text} />
            </Card>
          ) : (
            <Text fz="sm" c="dimmed">
              Nothing to preview yet.
            </Text>
          )}
        </Tabs.Panel>
      </Tabs>
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={loading}>
          Cancel
        </Button>
        <Button
          onClick={() => void submit()}
          loading={loading}
          disabled={Boolean(tooLong) || text.trim() === initial.trim()}
        >
          Save guidelines
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * The team's guidelines on its settings page: everyone reads them here at any time; owners and
 * admins write them (Markdown with a preview).
 */
export function TeamGuidelinesCard({ teamId }: { teamId: string }) {
  const { guidelines, updatedAt, viewerRole, loaded, error, refetch } = useTeamGuidelines(teamId);
  const [editing, setEditing] = useState(false);
  const editable = canManageMembers(viewerRole);

  let body;
  if (!loaded) {
    body = error ? (
      <QueryError error={error} title="We could not load the guidelines" onRetry={refetch} />
    ) : (
      <Stack gap="xs" aria-busy="true" aria-label="Loading the guidelines">
        <Skeleton h={14} w="60%" />
        <Skeleton h={14} w="80%" />
        <Skeleton h={14} w="40%" />
      </Stack>
    );
  } else if (editing) {
    body = (
      <GuidelinesEditor
        teamId={teamId}
        initial={guidelines ?? ''}
        onClose={() => setEditing(false)}
      />
    );
  } else if (guidelines) {
    body = (
      <Stack gap="xs">
        <GuidelinesMarkdown source={guidelines} />
        {updatedAt ? (
          <Text fz="xs" c="dimmed">
            Last changed {formatAbsolute(updatedAt)}
          </Text>
        ) : null}
      </Stack>
    );
  } else {
    body = (
      <Alert
        variant="light"
        color="gray"
        icon={<IconInfoCircle size={18} />}
        data-testid="no-guidelines"
      >
        {editable
          ? 'No guidelines yet. Write down how your team handles keys and access: invitees read them before they join, and new members on their first visit.'
          : 'This team has no guidelines yet. Owners and admins can write them.'}
      </Alert>
    );
  }

  return (
    <Card withBorder radius="lg" padding="lg" data-testid="team-guidelines">
      <Group justify="space-between" align="flex-start" mb="md">
        <div>
          <Title order={2} fz="lg" mb={4}>
            Team guidelines
          </Title>
          <Text fz="sm" c="dimmed">
            The rules your team agreed on, shown to each invitee and new member.
          </Text>
        </div>
        {editable && loaded && !editing ? (
          <Button
            variant="light"
            leftSection={<IconPencil size={16} />}
            onClick={() => setEditing(true)}
          >
            {guidelines ? 'Edit guidelines' : 'Write guidelines'}
          </Button>
        ) : null}
      </Group>
      {body}
    </Card>
  );
}
