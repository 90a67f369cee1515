import { useMutation } from '@apollo/client/react';
import { Alert, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { AnchorLink } from '../../../components/links';
import { useState } from 'react';
import { CenteredLayout } from '../../../components/centered-layout';
import { useSession } from '../hooks/use-session';
import { SignUpMutation } from '../operations';
import { applyServerError } from '../server-errors';
import { PASSWORD_MIN, validateEmail, validateName, validateNewPassword } from '../validation';
import { FormError } from './form-error';

export function SignUpForm({ redirect, email }: { redirect?: string; email?: string }) {
  useDocumentTitle('Sign up · Partner Portal');
  const [signUp, { loading }] = useMutation(SignUpMutation);
  const { signIn } = useSession();
  const [formError, setFormError] = useState<string | null>(null);
  const [checkInbox, setCheckInbox] = useState<string | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '', email: email ?? '', password: '' },
    validate: { name: validateName, email: validateEmail, password: validateNewPassword },
  });

  const handleSubmit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      const { data } = await signUp({
        variables: {
          input: {
            name: values.name.trim(),
            email: values.email.trim(),
            password: values.password,
          },
        },
      });
      if (!data) return;
      // The server answers a sign-up for an address that already has an account exactly like a new
      // one (so nobody can probe which addresses have accounts) and mails the owner instead; that
      // answer's session is not real. Check it before entering the app.
      if (await sessionIsReal(data.signUp.token)) await signIn(data.signUp, redirect);
      else setCheckInbox(values.email.trim());
    } catch (error) {
      setFormError(
        applyServerError(form, error, ['name', 'email', 'password'] as const, {
          conflictField: 'email',
        }),
      );
    }
  });

  if (checkInbox) {
    return (
      <CenteredLayout
        title="Check your inbox"
        description="One more step before you can use the portal."
        footer={
          <AnchorLink to="/login" search={{ email: checkInbox }} fw={500}>
            Go to log in
          </AnchorLink>
        }
      >
        <Alert color="blue" title={`We sent a message to ${checkInbox}`} role="status">
          <Text size="sm">
            If this address already has an account, the message explains how to log in, or how to
            reset your password if you have forgotten it. No new account was created.
          </Text>
        </Alert>
      </CenteredLayout>
    );
  }

  return (
    <CenteredLayout
      title="Create your account"
      description="Manage your team, API keys and usage in one place."
      footer={
        <>
          Already have an account?{' '}
          <AnchorLink
            to="/login"
            search={{ ...(redirect ? { redirect } : {}), ...(email ? { email } : {}) }}
            fw={500}
          >
            Log in
          </AnchorLink>
        </>
      }
    >
      <form onSubmit={handleSubmit} noValidate>
        <Stack gap="md">
          <FormError>{formError}</FormError>
          <TextInput
            label="Name"
            autoComplete="name"
            placeholder="Ada Lovelace"
            required
            key={form.key('name')}
            {...form.getInputProps('name')}
          />
          <TextInput
            label="Work email"
            type="email"
            autoComplete="email"
            placeholder="you@company.com"
            required
            key={form.key('email')}
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            description={`At least ${PASSWORD_MIN} characters.`}
            autoComplete="new-password"
            placeholder="Choose a password"
            required
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <Button type="submit" fullWidth loading={loading} mt="xs">
            Create account
          </Button>
        </Stack>
      </form>
    </CenteredLayout>
  );
}

/** Whether a session token from sign-up opens a session (a 401 means the address already had an account). */
async function sessionIsReal(token: string): Promise<boolean> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { __typename } }' }),
  });
  return res.status !== 401;
}
