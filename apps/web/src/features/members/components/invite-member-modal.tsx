import { Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { Role } from '../../../gql/graphql';
import { notifySuccess } from '../../../lib/notify';
import { FormError } from '../../auth/components/form-error';
import { applyServerError } from '../../auth/server-errors';
import { validateEmail } from '../../auth/validation';
import { invitableRoles, ROLE_DESCRIPTIONS, ROLE_LABELS } from '../../teams/roles';
import { INVITATION_MESSAGE_MAX, validateInvitationMessage } from '../../teams/validation';
import { useInviteMember } from '../hooks/use-member-mutations';

interface InviteValues {
  email: string;
  role: Role;
  message: string;
}

export function InviteMemberModal({
  teamId,
  teamName,
  viewerRole,
  opened,
  onClose,
}: {
  teamId: string;
  teamName: string;
  viewerRole: Role | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { invite, loading } = useInviteMember(teamId);
  const [formError, setFormError] = useState<string | null>(null);
  const roles = invitableRoles(viewerRole);
  const form = useForm<InviteValues>({
    mode: 'controlled',
    initialValues: { email: '', role: 'MEMBER', message: '' },
    validate: {
      email: validateEmail,
      role: (value) => (roles.includes(value) ? null : 'Choose a role you may give.'),
      message: validateInvitationMessage,
    },
  });

  const close = () => {
    form.reset();
    setFormError(null);
    onClose();
  };

  const handleSubmit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      const invitation = await invite(values);
      if (!invitation) return;
      notifySuccess(
        'Invitation sent',
        `We emailed ${invitation.email} an invitation to join ${teamName} as ${ROLE_LABELS[invitation.role]}.`,
      );
      close();
    } catch (error) {
      setFormError(
        applyServerError(form, error, ['email', 'role', 'message'] as const, {
          conflictField: 'email',
        }),
      );
    }
  });

  const messageLength = form.getValues().message.length;
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={`Invite someone to ${teamName}`}
      centered
      size="lg"
    >
      <form onSubmit={handleSubmit} noValidate data-testid="invite-form">
        <Stack gap="md">
          <FormError>{formError}</FormError>
          <TextInput
            label="Email"
            type="email"
            placeholder="colleague@company.com"
            required
            data-autofocus
            key={form.key('email')}
            {...form.getInputProps('email')}
          />
          <Select
            label="Role"
            required
            allowDeselect={false}
            data={roles.map((role) => ({ value: role, label: ROLE_LABELS[role] }))}
            description={ROLE_DESCRIPTIONS[form.getValues().role]}
            comboboxProps={{ withinPortal: true }}
            key={form.key('role')}
            {...form.getInputProps('role')}
          />
          <Textarea
            label="Personal message"
            placeholder="Optional: a few words that will appear in the email"
            autosize
            minRows={3}
            maxRows={8}
            maxLength={INVITATION_MESSAGE_MAX}
            description={`${messageLength}/${INVITATION_MESSAGE_MAX} characters`}
            key={form.key('message')}
            {...form.getInputProps('message')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={loading}>
              Send invitation
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
