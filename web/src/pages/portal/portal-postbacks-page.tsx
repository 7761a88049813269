import {
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../api/client';
import {
  createPortalPostback,
  listPortalPostbackDeliveries,
  listPortalPostbacks,
  updatePortalPostback,
} from '../../api/endpoints';
import type { Postback } from '../../api/portal-pages-types';
import { PostbackDeliveryTable } from '../../components/postback-delivery-table';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';

const EVENTS = ['registration', 'ftd', 'deposit', 'purchase', 'refund', 'chargeback', 'qualification'];
const MACROS = [
  '{click_id}',
  '{sub1}',
  '{sub2}',
  '{sub3}',
  '{sub4}',
  '{sub5}',
  '{event}',
  '{amount}',
  '{currency}',
  '{commission}',
  '{customer_id}',
];

function PostbackRow({ p }: { p: Postback }) {
  const qc = useQueryClient();
  const toggle = useMutation({
    mutationFn: () => updatePortalPostback(p.id, { enabled: !p.enabled }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['portal', 'postbacks'] });
      notifications.show({ color: 'green', message: r.enabled ? 'Postback enabled.' : 'Postback paused.' });
    },
    onError: (err) => notifications.show({ color: 'red', message: describeError(err) }),
  });
  return (
    <Table.Tr>
      <Table.Td>{p.eventType}</Table.Td>
      <Table.Td>
        <Text size="xs" className="mono" style={{ wordBreak: 'break-all' }}>
          {p.url}
        </Text>
      </Table.Td>
      <Table.Td>
        {p.enabled ? (
          <Badge color={p.consecutiveFailures > 0 ? 'yellow' : 'green'} variant="light">
            {p.consecutiveFailures > 0 ? `failing (${p.consecutiveFailures})` : 'enabled'}
          </Badge>
        ) : (
          <Stack gap={2}>
            <Badge color="red" variant="light">
              disabled
            </Badge>
            {p.disabledReason && (
              <Text size="xs" c="dimmed">
                {p.disabledReason}
              </Text>
            )}
          </Stack>
        )}
      </Table.Td>
      <Table.Td>
        <Button size="compact-sm" variant="light" loading={toggle.isPending} onClick={() => toggle.mutate()}>
          {p.enabled ? 'Pause' : 'Re-enable'}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

export function PortalPostbacksPage() {
  const qc = useQueryClient();
  const postbacks = useQuery({ queryKey: ['portal', 'postbacks'], queryFn: listPortalPostbacks });
  const deliveries = useQuery({
    queryKey: ['portal', 'postback-deliveries'],
    queryFn: listPortalPostbackDeliveries,
  });
  const [eventType, setEventType] = useState<string | null>('ftd');
  const [url, setUrl] = useState('');
  const create = useMutation({
    mutationFn: () => createPortalPostback({ eventType: eventType ?? '', url: url.trim() }),
    onSuccess: () => {
      setUrl('');
      void qc.invalidateQueries({ queryKey: ['portal', 'postbacks'] });
      notifications.show({ color: 'green', message: 'Postback saved.' });
    },
  });
  const fields = create.error instanceof ApiError ? create.error.fieldErrors : {};
  return (
    <>
      <PageHeader
        title="Postbacks"
        description="We call your tracker's URL when one of your customers registers, deposits or buys. After 10 failures in a row a postback is disabled: fix your endpoint, then re-enable it."
      />
      <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="md" mb="md">
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="sm">
            New postback
          </Title>
          <form
            noValidate
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              create.mutate();
            }}
          >
            <Stack gap="sm">
              <Select
                label="Event"
                required
                allowDeselect={false}
                data={EVENTS}
                value={eventType}
                onChange={setEventType}
                error={fields.eventType}
              />
              <TextInput
                label="URL"
                required
                placeholder="https://tracker.example/pb?cid={click_id}&amount={amount}"
                value={url}
                onChange={(e) => setUrl(e.currentTarget.value)}
                error={fields.url}
              />
              <FormError error={Object.keys(fields).length ? null : create.error} />
              <Button type="submit" loading={create.isPending} disabled={!url.trim() || !eventType}>
                Save postback
              </Button>
            </Stack>
          </form>
        </Paper>
        <Paper withBorder p="md" radius="md" className="overview-wide">
          <Title order={2} size="h4" mb="sm">
            Macros
          </Title>
          <Text size="sm" mb="xs">
            Put these in the URL; each is replaced when we call it. None carries personal data.
          </Text>
          <Group gap={6}>
            {MACROS.map((m) => (
              <Code key={m}>{m}</Code>
            ))}
          </Group>
        </Paper>
      </SimpleGrid>
      <Title order={2} size="h4" mb="sm">
        Your postbacks
      </Title>
      {postbacks.isPending ? (
        <LoadingState />
      ) : postbacks.isError ? (
        <ErrorState error={postbacks.error} retry={() => postbacks.refetch()} />
      ) : postbacks.data.items.length === 0 ? (
        <EmptyState title="No postbacks yet" />
      ) : (
        <Paper withBorder radius="md" mb="md">
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs" aria-label="Postbacks">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>URL</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {postbacks.data.items.map((p) => (
                  <PostbackRow key={p.id} p={p} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <Title order={2} size="h4" mb="sm" mt="md">
        Delivery log
      </Title>
      {deliveries.isPending ? (
        <LoadingState />
      ) : deliveries.isError ? (
        <ErrorState error={deliveries.error} retry={() => deliveries.refetch()} />
      ) : deliveries.data.items.length === 0 ? (
        <EmptyState title="Nothing delivered yet" />
      ) : (
        <PostbackDeliveryTable rows={deliveries.data.items} />
      )}
    </>
  );
}
