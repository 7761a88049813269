import { Button, Checkbox, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { getNotificationPreferences, saveNotificationPreferences } from '../api/endpoints';
import type { NotificationPreference } from '../api/types';
import { ErrorState, FormError, LoadingState } from './states';

const KEY = ['notification-preferences'] as const;

/** The signed-in user's notification preferences per event: in-app and e-mail. */
export function NotificationPreferences() {
  const qc = useQueryClient();
  const prefs = useQuery({ queryKey: KEY, queryFn: getNotificationPreferences });
  const [draft, setDraft] = useState<NotificationPreference[] | null>(null);
  useEffect(() => {
    if (prefs.data) setDraft(prefs.data.items);
  }, [prefs.data]);
  const save = useMutation({
    mutationFn: () =>
      saveNotificationPreferences(
        (draft ?? []).map((p) => ({ event: p.event, inApp: p.inApp, email: p.email })),
      ),
    onSuccess: (r) => {
      qc.setQueryData(KEY, r);
      notifications.show({ color: 'green', message: 'Notification preferences saved.' });
    },
  });
  const set = (event: string, key: 'inApp' | 'email', value: boolean) =>
    setDraft((d) => (d ?? []).map((p) => (p.event === event ? { ...p, [key]: value } : p)));
  const dirty =
    draft !== null &&
    prefs.data !== undefined &&
    draft.some((p, i) => p.inApp !== prefs.data.items[i]?.inApp || p.email !== prefs.data.items[i]?.email);

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="prefs-title">
      <Title order={2} size="h4" id="prefs-title" mb={4}>
        Notifications
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Choose how you hear about each event. With both off, nothing is recorded for it.
      </Text>
      {prefs.isPending || !draft ? (
        prefs.isError ? (
          <ErrorState error={prefs.error} retry={() => prefs.refetch()} />
        ) : (
          <LoadingState />
        )
      ) : (
        <Stack>
          <Table.ScrollContainer minWidth={360}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>In the app</Table.Th>
                  <Table.Th>E-mail</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {draft.map((p) => (
                  <Table.Tr key={p.event}>
                    <Table.Td>{p.label}</Table.Td>
                    <Table.Td>
                      <Checkbox
                        aria-label={`${p.label}: in the app`}
                        checked={p.inApp}
                        onChange={(e) => set(p.event, 'inApp', e.currentTarget.checked)}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Checkbox
                        aria-label={`${p.label}: e-mail`}
                        checked={p.email}
                        onChange={(e) => set(p.event, 'email', e.currentTarget.checked)}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <FormError error={save.error} />
          <Group>
            <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!dirty}>
              Save preferences
            </Button>
          </Group>
        </Stack>
      )}
    </Paper>
  );
}
