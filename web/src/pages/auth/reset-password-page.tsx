import { Alert, Anchor, Button, PasswordInput, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { confirmPasswordReset } from '../../api/endpoints';
import { FormError } from '../../components/states';
import { AuthLayout } from './auth-layout';

export function ResetPasswordPage() {
  const token = new URLSearchParams(useLocation().search).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const mutation = useMutation({ mutationFn: () => confirmPasswordReset(token, password) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    mutation.mutate();
  };
  const fields = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};

  if (!token) {
    return (
      <AuthLayout title="Reset your password">
        <Stack>
          <Alert color="yellow" role="alert">
            This page needs the link from the reset e-mail. Ask for a new one if it got lost.
          </Alert>
          <Anchor component={Link} to="/forgot-password" size="sm">
            Ask for a reset link
          </Anchor>
        </Stack>
      </AuthLayout>
    );
  }

  if (mutation.isSuccess) {
    return (
      <AuthLayout title="Password changed">
        <Stack>
          <Alert color="green" role="status">
            Your new password is set and every earlier session has been signed out.
          </Alert>
          <Anchor component={Link} to="/login">
            Sign in
          </Anchor>
        </Stack>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Choose a new password" subtitle="At least 10 characters; a passphrase works well.">
      <form onSubmit={submit} noValidate>
        <Stack>
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            required
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fields.password}
          />
          <PasswordInput
            label="Repeat the new password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={mismatch ? 'The two passwords differ' : undefined}
          />
          {fields.token ? (
            <Alert color="red" role="alert">
              The reset link is invalid, used or expired.{' '}
              <Anchor component={Link} to="/forgot-password">
                Ask for a new one
              </Anchor>
              .
            </Alert>
          ) : (
            <FormError error={fields.password ? null : mutation.error} />
          )}
          <Button type="submit" loading={mutation.isPending}>
            Set new password
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
