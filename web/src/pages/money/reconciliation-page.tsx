import {
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { addReconciliationNote, getReconciliation, markPeriodFinal } from '../../api/endpoints';
import type { Reconciliation } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useBrands } from '../../components/money';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { useSession } from '../../session';

function NoteDialog({
  row,
  brand,
  period,
  onClose,
}: {
  row: Reconciliation['differences'][number] | null;
  brand: string;
  period: string;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const m = useMutation({
    mutationFn: () =>
      addReconciliationNote({
        brand,
        period,
        metric: row?.metric ?? '',
        currency: row?.currency ?? '',
        explanation: text,
      }),
    onSuccess: () => {
      setText('');
      qc.invalidateQueries({ queryKey: ['reconciliation'] });
      onClose();
    },
  });
  const fe = m.error instanceof ApiError ? m.error.fieldErrors : {};
  return (
    <Modal
      opened={row !== null}
      onClose={onClose}
      title={`Explain the ${row?.metric ?? ''} difference`}
      centered
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <Stack>
          <Textarea
            label="Explanation"
            required
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={fe.explanation}
            minRows={3}
            autosize
          />
          <FormError error={fe.explanation ? null : m.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={m.isPending}>
              Save explanation
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function ReconciliationPage() {
  const role = useSession().user.role;
  const qc = useQueryClient();
  const brands = useBrands();
  const [brand, setBrand] = useState<string | null>(null);
  const [period, setPeriod] = useState('');
  const periodOk = /^\d{4}-\d{2}$/.test(period);
  const q = useQuery({
    queryKey: ['reconciliation', brand, period],
    queryFn: () => getReconciliation(brand ?? '', period),
    enabled: !!brand && periodOk,
  });
  const [noting, setNoting] = useState<Reconciliation['differences'][number] | null>(null);
  const [confirmFinal, setConfirmFinal] = useState(false);
  const fin = useMutation({
    mutationFn: () => markPeriodFinal({ brand: brand ?? '', period }),
    onSuccess: () => {
      setConfirmFinal(false);
      qc.invalidateQueries({ queryKey: ['reconciliation'] });
    },
  });
  return (
    <>
      <PageHeader
        title="Reconciliation"
        description="Computed totals against the operator's reported totals for a brand period; each difference traced."
      />
      <Paper withBorder p="sm" radius="md" mb="md">
        <Group align="flex-start" wrap="wrap">
          <Select
            label="Brand"
            data={(brands.data ?? []).map((b) => ({ value: b.code, label: b.name }))}
            value={brand}
            onChange={setBrand}
            w={240}
          />
          <TextInput
            label="Period"
            placeholder="YYYY-MM"
            value={period}
            onChange={(e) => setPeriod(e.currentTarget.value)}
            error={period && !periodOk ? 'Use YYYY-MM' : undefined}
            w={130}
          />
        </Group>
      </Paper>
      {!brand || !periodOk ? (
        <EmptyState title="Choose a brand and a period" />
      ) : q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : (
        <Stack>
          <Group justify="space-between">
            <Group gap="xs">
              <Text>Period state:</Text>
              <Badge variant="light">{q.data.state}</Badge>
              <Text size="sm" c="dimmed">
                Tolerance {q.data.tolerance}
              </Text>
            </Group>
            {role === 'finance' && q.data.state === 'closed' && (
              <Button color="red" variant="light" onClick={() => setConfirmFinal(true)}>
                Mark period final
              </Button>
            )}
          </Group>
          {q.data.differences.length === 0 ? (
            <EmptyState title="Nothing to reconcile">
              No computed or reported totals for this period yet.
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={700}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Metric</Table.Th>
                    <Table.Th>Currency</Table.Th>
                    <Table.Th ta="right">Computed</Table.Th>
                    <Table.Th ta="right">Reported</Table.Th>
                    <Table.Th ta="right">Difference</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Notes</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {q.data.differences.map((d) => (
                    <Table.Tr key={`${d.metric}-${d.currency}`}>
                      <Table.Td>{d.metric}</Table.Td>
                      <Table.Td>{d.currency}</Table.Td>
                      <Table.Td ta="right">{d.computed ?? '—'}</Table.Td>
                      <Table.Td ta="right">{d.reported ?? '—'}</Table.Td>
                      <Table.Td ta="right">{d.difference ?? '—'}</Table.Td>
                      <Table.Td>
                        <Badge
                          variant="light"
                          color={d.withinTolerance ? 'green' : d.explained ? 'blue' : 'red'}
                        >
                          {d.withinTolerance ? 'within tolerance' : d.explained ? 'explained' : 'unexplained'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {d.notes.join(' · ')}
                        {(role === 'finance' || role === 'admin') && !d.withinTolerance && (
                          <Button size="compact-xs" variant="subtle" onClick={() => setNoting(d)}>
                            Explain
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {q.data.trace.lateRows.length > 0 && (
            <Paper withBorder p="sm">
              <Title order={2} size="h5">
                Activity received after the close
              </Title>
              {q.data.trace.lateRows.map((r) => (
                <Text size="sm" key={r.table}>
                  {r.table}: {r.rows} row(s), booked as adjustments
                </Text>
              ))}
            </Paper>
          )}
        </Stack>
      )}
      <NoteDialog row={noting} brand={brand ?? ''} period={period} onClose={() => setNoting(null)} />
      <ConfirmDialog
        opened={confirmFinal}
        title="Mark the period final"
        confirmLabel="Mark final"
        onConfirm={() => fin.mutate()}
        onClose={() => setConfirmFinal(false)}
        loading={fin.isPending}
        error={fin.error}
      >
        A final period can no longer be adjusted. The API refuses while an unexplained difference exceeds the
        tolerance.
      </ConfirmDialog>
    </>
  );
}
