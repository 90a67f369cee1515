import { Alert, Button, Card, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { IconInfoCircle, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { TeamFieldsFragment } from '../../../gql/graphql';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { FormError } from '../../auth/components/form-error';
import { applyServerError } from '../../auth/server-errors';
import { useDeleteTeam, useUpdateTeam } from '../hooks/use-team-mutations';
import { useTeam } from '../hooks/use-teams';
import { canManageTeam, roleLabel } from '../roles';
import { validateTeamDescription, validateTeamName } from '../validation';
import { TeamFormFields, type TeamFormValues } from './team-form-fields';
import { TeamGuidelinesCard } from './team-guidelines-card';

function DetailsForm({ team }: { team: TeamFieldsFragment }) {
  const editable = canManageTeam(team.viewerRole);
  const { updateTeam, loading } = useUpdateTeam(team.id);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<TeamFormValues>({
    mode: 'controlled',
    initialValues: { name: team.name, description: team.description ?? '' },
    validate: { name: validateTeamName, description: validateTeamDescription },
  });

  const handleSubmit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      const updated = await updateTeam(values);
      if (!updated) return;
      // The form is keyed by the saved values: it starts afresh from the server's answer.
      notifySuccess('Team updated', 'The team’s details are saved.');
    } catch (error) {
      setFormError(applyServerError(form, error, ['name', 'description'] as const));
    }
  });

  return (
    <Card withBorder radius="lg" padding="lg">
      <Title order={2} fz="lg" mb={4}>
        Team details
      </Title>
      <Text fz="sm" c="dimmed" mb="md">
        The name and description your colleagues see.
      </Text>
      {editable ? null : (
        <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />} mb="md">
          Only owners can change the team&apos;s details. You are{' '}
          {team.viewerRole === 'ADMIN' ? 'an' : 'a'} {roleLabel(team.viewerRole).toLowerCase()} of
          this team.
        </Alert>
      )}
      <form onSubmit={handleSubmit} noValidate>
        <Stack gap="md">
          <FormError>{formError}</FormError>
          <TeamFormFields form={form} readOnly={!editable} />
          {editable ? (
            <Group justify="flex-end">
              <Button variant="default" disabled={!form.isDirty()} onClick={() => form.reset()}>
                Discard
              </Button>
              <Button type="submit" loading={loading} disabled={!form.isDirty()}>
                Save changes
              </Button>
            </Group>
          ) : null}
        </Stack>
      </form>
    </Card>
  );
}

function DangerZone({ team }: { team: TeamFieldsFragment }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [typed, setTyped] = useState('');
  const { deleteTeam, loading } = useDeleteTeam(team.id);

  const closeModal = () => {
    setTyped('');
    close();
  };

  const confirm = async () => {
    try {
      await deleteTeam();
      notifySuccess('Team deleted', `${team.name} and its invitations are gone.`);
    } catch (error) {
      notifyError('Could not delete the team', error);
    }
  };

  return (
    <Card withBorder radius="lg" padding="lg" style={{ borderColor: 'var(--mantine-color-red-4)' }}>
      <Title order={2} fz="lg" c="red.8" mb={4}>
        Danger zone
      </Title>
      <Group justify="space-between" align="center" wrap="wrap" gap="md">
        <div>
          <Text fw={600} fz="sm">
            Delete this team
          </Text>
          <Text fz="sm" c="dimmed">
            Removes the team, its members&apos; access and its pending invitations. This cannot be
            undone.
          </Text>
        </div>
        <Button color="red" variant="outline" leftSection={<IconTrash size={16} />} onClick={open}>
          Delete team
        </Button>
      </Group>
      <Modal opened={opened} onClose={closeModal} title="Delete team" centered>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (typed === team.name) void confirm();
          }}
        >
          <Stack gap="md">
            <Text fz="sm">
              This deletes <b>{team.name}</b> for every member. Type the team&apos;s name to
              confirm.
            </Text>
            <TextInput
              label="Team name"
              placeholder={team.name}
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              autoComplete="off"
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={closeModal} disabled={loading}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={loading} disabled={typed !== team.name}>
                Delete this team
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Card>
  );
}

export function TeamSettings({ teamId }: { teamId: string }) {
  const { team } = useTeam(teamId);
  useDocumentTitle(team ? `Settings · ${team.name} · Partner Portal` : 'Settings · Partner Portal');
  // The layout renders this page only once the team is loaded.
  if (!team) return null;
  return (
    <Stack gap="lg">
      <DetailsForm key={`${team.id}:${team.name}:${team.description ?? ''}`} team={team} />
      <TeamGuidelinesCard teamId={team.id} />
      {canManageTeam(team.viewerRole) ? <DangerZone team={team} /> : null}
    </Stack>
  );
}
