import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { type CloseOutcome, closePeriod } from '../../api/endpoints';
import { money, useBrands } from '../../components/money';
import { FormError } from '../../components/states';
import { minorToDecimal, previousMonth } from './close-period-format';

function outcomeText(r: CloseOutcome): string {
  const totals =
    r.totals.map((t) => money(minorToDecimal(t.amount, t.currency), t.currency)).join(', ') || 'nothing';
  if (r.kind === 'unchanged') return `${r.period} was already closed and nothing changed.`;
  if (r.kind === 'adjusted')
    return `${r.period} was already closed: ${r.lines} adjustment line(s) booked in ${r.bookedPeriod ?? 'the next open period'} (${totals}).`;
  return `${r.period} closed: ${r.lines} line(s) from ${r.rows} activity row(s), ${totals}.`;
}

/**
 * "Close period" for finance (and admin): choose a brand and a month, confirm, and the period close runs
 * (POST /ledger/close). Closing books every commission line of the period; a closed period is never
 * written again, so the dialog says so before it runs.
 */
export function ClosePeriodAction() {
  const qc = useQueryClient();
  const brands = useBrands();
  const [open, setOpen] = useState(false);
  const [brand, setBrand] = useState<string | null>(null);
  const [period, setPeriod] = useState(() => previousMonth(new Date()));
  const periodOk = /^\d{4}-(0[1-9]|1[0-2])$/.test(period);
  const m = useMutation({
    mutationFn: () => closePeriod({ brand: brand ?? '', period }),
    onSuccess: () => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['commission-lines'] });
      void qc.invalidateQueries({ queryKey: ['reconciliation'] });
    },
  });
  const fe = m.error instanceof ApiError ? m.error.fieldErrors : {};
  const brandLabel = brands.data?.find((b) => b.code === brand)?.name ?? 'the brand';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (brand && periodOk) m.mutate();
  };
  return (
    <>
      <Button
        onClick={() => {
          m.reset();
          setOpen(true);
        }}
      >
        Close period
      </Button>
      {m.isSuccess && (
        <Alert color="green" role="status" mt="xs" data-testid="close-outcome">
          {outcomeText(m.data)}
        </Alert>
      )}
      <Modal opened={open} onClose={() => setOpen(false)} title="Close a period" centered>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Select
              label="Brand"
              required
              allowDeselect={false}
              data={(brands.data ?? []).map((b) => ({ value: b.code, label: b.name }))}
              value={brand}
              onChange={setBrand}
              error={fe.brand}
            />
            <TextInput
              label="Period"
              description="The month to close, YYYY-MM"
              required
              value={period}
              onChange={(e) => setPeriod(e.currentTarget.value.trim())}
              error={fe.period ?? (period && !periodOk ? 'Use YYYY-MM' : undefined)}
            />
            <Text size="sm">
              Closing books the commission lines of {brandLabel} for {periodOk ? period : 'the period'} from
              its activity and the accepted deals. A closed period is never written again: closing it again
              books only late data, as adjustments in the next open period.
            </Text>
            <FormError error={fe.brand || fe.period ? null : m.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)} disabled={m.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={m.isPending} disabled={!brand || !periodOk}>
                Close {periodOk ? period : 'period'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
