import { useMutation } from '@apollo/client/react';
import { Button, Center, Stack, Text, TextInput, ThemeIcon } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { IconArrowLeft, IconMailForward } from '@tabler/icons-react';
import { AnchorLink } from '../../../components/links';
import { useState } from 'react';
import { CenteredLayout } from '../../../components/centered-layout';
import { RequestPasswordResetMutation } from '../operations';
import { applyServerError } from '../server-errors';
import { validateEmail } from '../validation';
import { FormError } from './form-error';

export function ForgotPasswordForm() {
  useDocumentTitle('Reset your password · Partner Portal');
  const [requestReset, { loading }] = useMutation(RequestPasswordResetMutation);
  const [formError, setFormError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '' },
    validate: { email: validateEmail },
  });

  const handleSubmit = form.onSubmit(async (values) => {
    setFormError(null);
    const email = values.email.trim();
    try {
      await requestReset({ variables: { email } });
      setSentTo(email);
    } catch (error) {
      setFormError(applyServerError(form, error, ['email'] as const));
    }
  });

  const backToLogin = (
    <AnchorLink to="/login" fw={500}>
      <IconArrowLeft size={14} style={{ verticalAlign: 'middle' }} /> Back to log in
    </AnchorLink>
  );

  if (sentTo) {
    return (
      <CenteredLayout title="Check your email" footer={backToLogin}>
        <Stack gap="md" data-testid="reset-requested">
          <Center>
            <ThemeIcon size={56} radius="xl" variant="light">
              <IconMailForward size={30} />
            </ThemeIcon>
          </Center>
          <Text ta="center">
            If an account exists for <b>{sentTo}</b>, we sent a link to reset your password.
          </Text>
          <Text ta="center" c="dimmed" fz="sm">
            The link works once and expires soon. Did not get it? Check your spam folder or try
            again.
          </Text>
          <Button
            variant="default"
            fullWidth
            onClick={() => {
              setSentTo(null);
              form.reset();
            }}
          >
            Use another email
          </Button>
        </Stack>
      </CenteredLayout>
    );
  }

  return (
    <CenteredLayout
      title="Forgot your password?"
      description="Enter the email you signed up with and we will send you a link to choose a new password."
      footer={backToLogin}
    >
      <form onSubmit={handleSubmit} noValidate>
        <Stack gap="md">
          <FormError>{formError}</FormError>
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            placeholder="you@company.com"
            required
            key={form.key('email')}
            {...form.getInputProps('email')}
          />
          <Button type="submit" fullWidth loading={loading}>
            Send reset link
          </Button>
        </Stack>
      </form>
    </CenteredLayout>
  );
}
