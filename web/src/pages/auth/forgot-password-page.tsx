import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { requestPasswordReset } from '../../api/endpoints';
import { FormError } from '../../components/states';
import { AuthLayout } from './auth-layout';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const mutation = useMutation({ mutationFn: () => requestPasswordReset(email) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  const fields = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="We e-mail you a link to choose a new password. It is valid for a limited time and works once."
    >
      {mutation.isSuccess ? (
        <Stack>
          <Alert color="green" role="status" title="Check your e-mail">
            If {email} belongs to an account, a reset link is on its way.
          </Alert>
          <Anchor component={Link} to="/login" size="sm">
            Back to sign-in
          </Anchor>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="E-mail"
              type="email"
              autoComplete="email"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={fields.email}
            />
            <FormError error={fields.email ? null : mutation.error} />
            <Button type="submit" loading={mutation.isPending}>
              Send reset link
            </Button>
            <Anchor component={Link} to="/login" size="sm">
              Back to sign-in
            </Anchor>
          </Stack>
        </form>
      )}
    </AuthLayout>
  );
}
