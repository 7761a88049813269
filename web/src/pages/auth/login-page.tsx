import { Anchor, Button, Group, PasswordInput, PinInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { homeOf } from '../../access';
import { ApiError } from '../../api/client';
import { login } from '../../api/endpoints';
import { FormError } from '../../components/states';
import { useSetSession } from '../../session';
import { AuthLayout } from './auth-layout';

/** Only same-site paths are followed after sign-in, never an absolute URL from the query string. */
export function safeNext(next: string | null): string | null {
  return next?.startsWith('/') && !next.startsWith('//') ? next : null;
}

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totpCode, setTotpCode] = useState('');
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const navigate = useNavigate();
  const location = useLocation();
  const setSession = useSetSession();
  const next = safeNext(new URLSearchParams(location.search).get('next'));

  const mutation = useMutation({
    mutationFn: () => login({ email, password, ...(step === 'totp' ? { totpCode } : {}) }),
    onSuccess: (session) => {
      setSession(session);
      if (session.totpEnrolmentRequired) navigate('/enrol-2fa', { replace: true });
      else navigate(next ?? homeOf(session.user.role), { replace: true });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'TOTP_REQUIRED') {
        setStep('totp');
        mutation.reset();
      }
      if (err instanceof ApiError && err.code === 'INVALID_TOTP') setTotpCode('');
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  const err = mutation.error instanceof ApiError ? mutation.error : null;
  const fields = err?.fieldErrors ?? {};
  const totpError = err?.code === 'INVALID_TOTP' ? err.message : fields.totpCode;
  const formError = mutation.error && !fields.email && !fields.password && !totpError ? mutation.error : null;

  if (step === 'totp') {
    return (
      <AuthLayout title="Two-factor code" subtitle="Enter the 6-digit code from your authenticator app.">
        <form onSubmit={submit} noValidate>
          <Stack>
            <div>
              <Text component="label" htmlFor="totp-code" size="sm" fw={500}>
                Authenticator code
              </Text>
              <PinInput
                id="totp-code"
                length={6}
                type="number"
                oneTimeCode
                autoFocus
                value={totpCode}
                onChange={setTotpCode}
                error={!!totpError}
                aria-label="Authenticator code"
                mt={4}
              />
              {totpError && (
                <Text c="red.8" size="sm" mt={4} role="alert">
                  {totpError}
                </Text>
              )}
            </div>
            <FormError error={formError} />
            <Button type="submit" loading={mutation.isPending} disabled={totpCode.length !== 6}>
              Verify and sign in
            </Button>
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={() => {
                setStep('password');
                setTotpCode('');
                mutation.reset();
              }}
            >
              Use another account
            </Anchor>
          </Stack>
        </form>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Sign in" subtitle="Staff console and partner portal">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="E-mail"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fields.email}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fields.password}
          />
          <FormError error={formError} />
          <Button type="submit" loading={mutation.isPending}>
            Sign in
          </Button>
          <Group justify="center">
            <Anchor component={Link} to="/forgot-password" size="sm">
              Forgot your password?
            </Anchor>
          </Group>
        </Stack>
      </form>
    </AuthLayout>
  );
}
