import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { changePassword, totpDisable } from '../api/endpoints';
import { ConfirmDialog } from '../components/confirm-dialog';
import { NotificationPreferences } from '../components/notification-preferences';
import { FormError, PageHeader } from '../components/states';
import { TotpEnrolment } from '../components/totp-enrolment';
import { formatDateTime, ROLE_LABELS } from '../format';
import { SESSION_KEY, useSession } from '../session';

export function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const mutation = useMutation({
    mutationFn: () => changePassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      notifications.show({
        color: 'green',
        message: 'Password changed; your other sessions were signed out.',
      });
    },
  });
  const fields = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="pw-title">
      <Title order={2} size="h4" id="pw-title" mb="sm">
        Password
      </Title>
      <form onSubmit={submit} noValidate>
        <Stack>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={fields.currentPassword}
          />
          <PasswordInput
            label="New password"
            description="At least 10 characters"
            autoComplete="new-password"
            required
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={fields.newPassword}
          />
          <FormError error={Object.keys(fields).length ? null : mutation.error} />
          <Group>
            <Button type="submit" loading={mutation.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function TwoFactor() {
  const { user } = useSession();
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [password, setPassword] = useState('');
  const disable = useMutation({
    mutationFn: () => totpDisable(password),
    onSuccess: async () => {
      setConfirming(false);
      setPassword('');
      await qc.invalidateQueries({ queryKey: SESSION_KEY });
      notifications.show({ color: 'yellow', message: 'Two-factor authentication is off.' });
    },
  });
  const pwError = disable.error instanceof ApiError ? disable.error.fieldErrors.password : undefined;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="tfa-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="tfa-title">
          Two-factor authentication
        </Title>
        <Badge color={user.totpEnabled ? 'green' : 'gray'} variant="light">
          {user.totpEnabled ? 'on' : 'off'}
        </Badge>
      </Group>
      {user.totpEnabled ? (
        <Stack align="flex-start">
          <Text size="sm">Every sign-in asks for a code from your authenticator app.</Text>
          <Button variant="light" color="red" onClick={() => setConfirming(true)}>
            Turn off two-factor
          </Button>
        </Stack>
      ) : (
        <TotpEnrolment onEnabled={() => qc.invalidateQueries({ queryKey: SESSION_KEY })} />
      )}
      <ConfirmDialog
        opened={confirming}
        title="Turn off two-factor authentication?"
        confirmLabel="Turn off"
        onClose={() => {
          setConfirming(false);
          disable.reset();
        }}
        onConfirm={() => disable.mutate()}
        loading={disable.isPending}
        error={pwError ? null : disable.error}
      >
        <Stack gap="sm">
          <span>Sign-ins then need only your password. Confirm with your password.</span>
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={pwError}
          />
        </Stack>
      </ConfirmDialog>
    </Paper>
  );
}

export function AccountPage() {
  const session = useSession();
  const { user } = session;
  return (
    <>
      <PageHeader title="Account and security" description={user.email} />
      <Paper withBorder p="md" radius="md" mb="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              Name
            </Text>
            <Text size="sm">{user.displayName}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              Role
            </Text>
            <Text size="sm">{ROLE_LABELS[user.role]}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              Session ends
            </Text>
            <Text size="sm">{formatDateTime(session.expiresAt)}</Text>
          </div>
        </SimpleGrid>
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <ChangePassword />
        <TwoFactor />
      </SimpleGrid>
      <div style={{ marginTop: 'var(--mantine-spacing-md)' }}>
        <NotificationPreferences />
      </div>
      {user.role !== 'partner' && !user.totpEnabled && (
        <Alert color="yellow" mt="md" variant="light">
          Staff accounts reach partner and payment data: turn on two-factor authentication.
        </Alert>
      )}
    </>
  );
}
