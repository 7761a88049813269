import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { can } from '../../access';
import { describeError } from '../../api/client';
import {
  getPartnerCustomerEvents,
  getSubPartnerTotals,
  listBrands,
  listPartnerCustomers,
  listPartnerNotes,
  markReminderDone,
} from '../../api/endpoints';
import type { PartnerNote } from '../../api/portal-pages-types';
import { CustomersTable } from '../../components/customers-table';
import { PeriodSelect, type PeriodPreset, presetPeriod } from '../../components/period-select';
import { ErrorState, LoadingState } from '../../components/states';
import { SubPartnerTotals } from '../../components/sub-partner-totals';
import { formatDate, formatDateTime } from '../../format';
import { useSession } from '../../session';

/** The partner's customers, pseudonymous exactly as in its portal. */
export function CustomersTab({ partnerId }: { partnerId: string }) {
  return (
    <CustomersTable
      queryKey={['partners', 'customers', partnerId]}
      load={(q) => listPartnerCustomers(partnerId, q)}
      loadEvents={(publicId) => getPartnerCustomerEvents(partnerId, publicId)}
    />
  );
}

/** The sub-partner tree with each sub-partner's totals over a period. */
export function SubPartnerTotalsTab({ partnerId }: { partnerId: string }) {
  const [preset, setPreset] = useState<PeriodPreset>('30');
  const period = presetPeriod(preset);
  const brands = useQuery({ queryKey: ['brands'], queryFn: listBrands });
  return (
    <Stack>
      <PeriodSelect value={preset} onChange={setPreset} label="Totals over" />
      <SubPartnerTotals
        queryKey={['partners', 'sub-totals', partnerId, period]}
        load={() => getSubPartnerTotals(partnerId, period)}
        linkTo={(id) => `/partners/${id}`}
        brandName={(id) => brands.data?.items.find((b) => b.id === id)?.name ?? id.slice(0, 8)}
      />
    </Stack>
  );
}

function Reminder({ partnerId, n }: { partnerId: string; n: PartnerNote }) {
  const role = useSession().user.role;
  const qc = useQueryClient();
  const done = useMutation({
    mutationFn: () => markReminderDone(partnerId, n.id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['partners', 'timeline', partnerId, 'notes'] });
      void qc.invalidateQueries({ queryKey: ['partners', 'timeline', partnerId] });
      notifications.show({ color: 'green', message: 'Reminder done.' });
    },
    onError: (err) => notifications.show({ color: 'red', message: describeError(err) }),
  });
  const today = new Date().toISOString().slice(0, 10);
  const due = n.remindOn !== null && n.remindOn <= today;
  return (
    <Group component="li" justify="space-between" wrap="nowrap" align="flex-start">
      <div>
        <Text size="sm">{n.body}</Text>
        <Text size="xs" c="dimmed">
          written {formatDateTime(n.createdAt)}
        </Text>
      </div>
      <Group gap="xs" wrap="nowrap">
        <Badge color={due ? 'red' : 'blue'} variant="light">
          {due ? 'due' : 'remind'} {formatDate(n.remindOn)}
        </Badge>
        {can(role, 'addNote') && (
          <Button size="compact-sm" variant="light" loading={done.isPending} onClick={() => done.mutate()}>
            Done
          </Button>
        )}
      </Group>
    </Group>
  );
}

/** Open reminders (notes with a date not yet done), earliest first. */
export function RemindersPanel({ partnerId }: { partnerId: string }) {
  const notes = useQuery({
    queryKey: ['partners', 'timeline', partnerId, 'notes'],
    queryFn: () => listPartnerNotes(partnerId),
  });
  if (notes.isPending) return <LoadingState />;
  if (notes.isError) return <ErrorState error={notes.error} retry={() => notes.refetch()} />;
  const open = notes.data.items.filter((n) => n.remindOn !== null && n.doneAt === null);
  return (
    <Paper withBorder p="md" radius="md" mb="md">
      <Title order={2} size="h5" mb="xs">
        Open reminders
      </Title>
      {open.length === 0 ? (
        <Text size="sm" c="dimmed">
          No open reminders. Add a note with a date to be reminded.
        </Text>
      ) : (
        <Stack
          gap="xs"
          component="ul"
          style={{ listStyle: 'none', margin: 0, padding: 0 }}
          aria-label="Open reminders"
        >
          {open.map((n) => (
            <Reminder key={n.id} partnerId={partnerId} n={n} />
          ))}
        </Stack>
      )}
    </Paper>
  );
}
