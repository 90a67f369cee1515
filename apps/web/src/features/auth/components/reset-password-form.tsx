import { useMutation } from '@apollo/client/react';
import { Alert, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconLinkOff } from '@tabler/icons-react';
import { AnchorLink } from '../../../components/links';
import { useState } from 'react';
import { CenteredLayout } from '../../../components/centered-layout';
import { useSession } from '../hooks/use-session';
import { ResetPasswordMutation } from '../operations';
import { applyServerError } from '../server-errors';
import { PASSWORD_MIN, validateNewPassword } from '../validation';
import { FormError } from './form-error';

const requestNewLink = (
  <AnchorLink to="/forgot-password" fw={500}>
    Request a new link
  </AnchorLink>
);

export function ResetPasswordForm({ token }: { token?: string }) {
  useDocumentTitle('Choose a new password · Partner Portal');
  const [resetPassword, { loading }] = useMutation(ResetPasswordMutation);
  const { signIn } = useSession();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { password: '', confirmPassword: '' },
    validate: {
      password: validateNewPassword,
      confirmPassword: (value, values) =>
        value === values.password ? null : 'The passwords do not match.',
    },
  });

  if (!token) {
    return (
      <CenteredLayout title="This link is incomplete" footer={requestNewLink}>
        <Alert color="orange" variant="light" icon={<IconLinkOff size={18} />}>
          The password reset link is missing its code. Open the link from the email again, or
          request a new one.
        </Alert>
      </CenteredLayout>
    );
  }

  const handleSubmit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      const { data } = await resetPassword({ variables: { token, password: values.password } });
      if (data) {
        await signIn(data.resetPassword, '/');
        notifications.show({
          color: 'teal',
          title: 'Password changed',
          message: 'Your new password is set and you are signed in.',
        });
      }
    } catch (error) {
      setFormError(applyServerError(form, error, ['password'] as const));
    }
  });

  return (
    <CenteredLayout
      title="Choose a new password"
      description="Pick a strong password you do not use anywhere else."
      footer={
        <>
          Remembered it?{' '}
          <AnchorLink to="/login" fw={500}>
            Log in
          </AnchorLink>
        </>
      }
    >
      <form onSubmit={handleSubmit} noValidate>
        <Stack gap="md">
          {formError ? (
            <FormError>
              <Text fz="sm">{formError}</Text>
              <Text fz="sm" mt={4}>
                {requestNewLink}
              </Text>
            </FormError>
          ) : null}
          <PasswordInput
            label="New password"
            description={`At least ${PASSWORD_MIN} characters.`}
            autoComplete="new-password"
            required
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <PasswordInput
            label="Confirm new password"
            autoComplete="new-password"
            required
            key={form.key('confirmPassword')}
            {...form.getInputProps('confirmPassword')}
          />
          <Button type="submit" fullWidth loading={loading} mt="xs">
            Set new password
          </Button>
        </Stack>
      </form>
    </CenteredLayout>
  );
}
