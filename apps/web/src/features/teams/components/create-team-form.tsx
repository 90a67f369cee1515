import { Button, Group, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { FormError } from '../../auth/components/form-error';
import { applyServerError } from '../../auth/server-errors';
import { notifySuccess } from '../../../lib/notify';
import { useCreateTeam } from '../hooks/use-team-mutations';
import { validateTeamDescription, validateTeamName } from '../validation';
import { TeamFormFields, type TeamFormValues } from './team-form-fields';

/** Name + description → createTeam → the new team's members page. */
export function CreateTeamForm({
  submitLabel = 'Create team',
  onCancel,
  autoFocus,
}: {
  submitLabel?: string;
  onCancel?: () => void;
  autoFocus?: boolean;
}) {
  const { createTeam, loading } = useCreateTeam();
  const navigate = useNavigate();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<TeamFormValues>({
    mode: 'controlled',
    initialValues: { name: '', description: '' },
    validate: { name: validateTeamName, description: validateTeamDescription },
  });

  const handleSubmit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      const team = await createTeam(values);
      if (!team) return;
      notifySuccess('Team created', `${team.name} is ready. Invite your colleagues next.`);
      await navigate({ to: '/teams/$teamId/members', params: { teamId: team.id } });
    } catch (error) {
      setFormError(applyServerError(form, error, ['name', 'description'] as const));
    }
  });

  return (
    <form onSubmit={handleSubmit} noValidate data-testid="create-team-form">
      <Stack gap="md">
        <FormError>{formError}</FormError>
        <TeamFormFields form={form} autoFocus={autoFocus} />
        <Group justify="flex-end">
          {onCancel ? (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          ) : null}
          <Button type="submit" loading={loading}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
