import { Alert, Button, Code, Group, PinInput, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { QRCodeSVG } from 'qrcode.react';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { totpEnable, totpSetup } from '../api/endpoints';
import { FormError } from './states';

/** TOTP enrolment: a new secret as QR code and text, then one current code to switch two-factor on. */
export function TotpEnrolment({ onEnabled }: { onEnabled: () => void }) {
  const [code, setCode] = useState('');
  const setup = useMutation({ mutationFn: totpSetup });
  const enable = useMutation({ mutationFn: () => totpEnable(code), onSuccess: onEnabled });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    enable.mutate();
  };
  const codeError = enable.error instanceof ApiError ? enable.error.fieldErrors.code : undefined;

  if (!setup.data) {
    return (
      <Stack align="flex-start">
        <Text size="sm">
          Two-factor authentication asks for a code from an authenticator app (such as 1Password, Google
          Authenticator or Aegis) at every sign-in.
        </Text>
        <FormError error={setup.error} />
        <Button onClick={() => setup.mutate()} loading={setup.isPending}>
          Set up two-factor authentication
        </Button>
      </Stack>
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">1. Scan this code with your authenticator app, or type the key below.</Text>
        <Group align="flex-start" wrap="wrap">
          <div style={{ background: 'white', padding: 8, border: '1px solid var(--mantine-color-gray-3)' }}>
            <QRCodeSVG value={setup.data.otpauthUri} size={168} title="QR code for your authenticator app" />
          </div>
          <Stack gap={4} style={{ flex: 1, minWidth: 200 }}>
            <Text size="xs" c="dimmed">
              Key
            </Text>
            <Code className="mono" data-testid="totp-secret">
              {setup.data.secret}
            </Code>
          </Stack>
        </Group>
        <Text size="sm" component="label" htmlFor="totp-enable-code">
          2. Enter the 6-digit code the app shows now.
        </Text>
        <PinInput
          id="totp-enable-code"
          length={6}
          type="number"
          oneTimeCode
          value={code}
          onChange={setCode}
          error={!!codeError}
          aria-label="Authenticator code"
        />
        {codeError && (
          <Text c="red.8" size="sm" role="alert">
            {codeError}
          </Text>
        )}
        {!codeError && <FormError error={enable.error} />}
        {enable.isSuccess && <Alert color="green">Two-factor authentication is on.</Alert>}
        <Group>
          <Button type="submit" loading={enable.isPending} disabled={code.length !== 6}>
            Turn on two-factor
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
