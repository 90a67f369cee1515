import { useMutation } from '@apollo/client/react';
import { Button, Group, Input, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { AnchorLink } from '../../../components/links';
import { useState } from 'react';
import { CenteredLayout } from '../../../components/centered-layout';
import { useSession } from '../hooks/use-session';
import { LogInMutation } from '../operations';
import { applyServerError } from '../server-errors';
import { validateCurrentPassword, validateEmail } from '../validation';
import { FormError } from './form-error';

export function LoginForm({ redirect, email }: { redirect?: string; email?: string }) {
  useDocumentTitle('Log in · Partner Portal');
  const [logIn, { loading }] = useMutation(LogInMutation);
  const { signIn } = useSession();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: email ?? '', password: '' },
    validate: { email: validateEmail, password: validateCurrentPassword },
  });

  const handleSubmit = form.onSubmit(async (values) => {
    setFormError(null);
    try {
      const { data } = await logIn({
        variables: { input: { email: values.email.trim(), password: values.password } },
      });
      if (data) await signIn(data.logIn, redirect);
    } catch (error) {
      setFormError(applyServerError(form, error, ['email', 'password'] as const));
    }
  });

  return (
    <CenteredLayout
      title="Log in to your account"
      description="Welcome back. Enter your email and password to continue."
      footer={
        <>
          New to Partner Portal?{' '}
          <AnchorLink
            to="/signup"
            search={{ ...(redirect ? { redirect } : {}), ...(email ? { email } : {}) }}
            fw={500}
          >
            Create an account
          </AnchorLink>
        </>
      }
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
          <Stack gap={6}>
            <Group justify="space-between" align="flex-end">
              <Input.Label htmlFor="login-password" required mb={0}>
                Password
              </Input.Label>
              <AnchorLink to="/forgot-password" fz="xs">
                Forgot password?
              </AnchorLink>
            </Group>
            <PasswordInput
              id="login-password"
              autoComplete="current-password"
              placeholder="Your password"
              aria-required
              key={form.key('password')}
              {...form.getInputProps('password')}
            />
          </Stack>
          <Button type="submit" fullWidth loading={loading} mt="xs">
            Log in
          </Button>
        </Stack>
      </form>
    </CenteredLayout>
  );
}
