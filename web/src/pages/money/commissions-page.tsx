import {
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import {
  approveLines,
  clawBackLine,
  listCommissionLines,
  rejectLines,
  releaseHolds,
  reverseLines,
} from '../../api/endpoints';
import type { CommissionLine } from '../../api/types';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import {
  brandName,
  KIND_LABELS,
  LINE_STATES,
  LineDrawer,
  LineStateBadge,
  money,
  useBrands,
} from '../../components/money';
import { useSession } from '../../session';
import { ClosePeriodAction } from './close-period';

type Bulk = 'approve' | 'reject' | 'reverse';
const BULK_LABEL: Record<Bulk, string> = { approve: 'Approve', reject: 'Reject', reverse: 'Reverse' };

function ReasonDialog({
  action,
  count,
  onClose,
  onDone,
  ids,
}: {
  action: Bulk | null;
  count: number;
  ids: string[];
  onClose: () => void;
  onDone: () => void;
}) {
  const [reason, setReason] = useState('');
  const m = useMutation({
    mutationFn: () =>
      action === 'approve'
        ? approveLines(ids, reason || undefined)
        : action === 'reject'
          ? rejectLines(ids, reason)
          : reverseLines(ids, reason),
    onSuccess: () => {
      setReason('');
      onDone();
    },
  });
  const fieldError = m.error instanceof ApiError ? m.error.fieldErrors.reason : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  return (
    <Modal
      opened={action !== null}
      onClose={onClose}
      title={action ? `${BULK_LABEL[action]} ${count} line(s)` : ''}
      centered
    >
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">
            {action === 'approve'
              ? 'Approved lines become payable when their hold ends. This cannot be undone (only rejected or reversed later).'
              : 'This is recorded in the audit trail with your reason and cannot be undone.'}
          </Text>
          <Textarea
            label="Reason"
            description={action === 'approve' ? 'Optional' : 'Required'}
            required={action !== 'approve'}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={fieldError}
            autosize
            minRows={2}
          />
          <FormError error={fieldError ? null : m.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={m.isPending}>
              Cancel
            </Button>
            <Button type="submit" color={action === 'approve' ? undefined : 'red'} loading={m.isPending}>
              {action ? BULK_LABEL[action] : ''}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ClawbackForm({ line, onDone }: { line: CommissionLine; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [amount, setAmount] = useState('');
  const [confirming, setConfirming] = useState(false);
  const m = useMutation({
    mutationFn: () => clawBackLine(line.id, reason, amount || undefined),
    onSuccess: onDone,
  });
  const fe = m.error instanceof ApiError ? m.error.fieldErrors : {};
  return (
    <Paper withBorder p="sm" radius="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!confirming) setConfirming(true);
          else m.mutate();
        }}
      >
        <Stack gap="xs">
          <Text fw={600} size="sm">
            Claw back (refund, chargeback, fraud)
          </Text>
          <Textarea
            label="Reason"
            required
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={fe.reason}
          />
          <TextInput
            label="Amount in minor units"
            description="Optional: the whole line when empty"
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            error={fe.amountMinor}
            inputMode="numeric"
          />
          <FormError error={fe.reason || fe.amountMinor ? null : m.error} />
          {confirming && (
            <Text size="sm" c="red" role="alert">
              A negative line linked to this one will be booked. Press again to confirm.
            </Text>
          )}
          <Group justify="flex-end">
            {confirming && (
              <Button variant="default" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            )}
            <Button type="submit" color="red" loading={m.isPending}>
              {confirming ? 'Confirm clawback' : 'Claw back'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

export function CommissionsPage() {
  const role = useSession().user.role;
  const isFinance = role === 'finance';
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const brands = useBrands();
  const filters = {
    brandId: params.get('brandId') ?? undefined,
    period: params.get('period') ?? undefined,
    state: params.get('state') ?? undefined,
    partnerId: params.get('partnerId') ?? undefined,
  };
  const [periodDraft, setPeriodDraft] = useState(filters.period ?? '');
  const lines = useQuery({
    queryKey: ['commission-lines', filters],
    queryFn: () => listCommissionLines({ ...filters, limit: 500 }),
  });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<Bulk | null>(null);
  const [open, setOpen] = useState<CommissionLine | null>(null);
  const release = useMutation({
    mutationFn: releaseHolds,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['commission-lines'] }),
  });

  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
    setSelected(new Set());
  };
  const refresh = () => {
    setSelected(new Set());
    setBulk(null);
    setOpen(null);
    qc.invalidateQueries({ queryKey: ['commission-lines'] });
  };
  const items = lines.data?.items ?? [];
  const allChecked = items.length > 0 && items.every((l) => selected.has(l.id));
  const periodInvalid = periodDraft !== '' && !/^\d{4}-\d{2}$/.test(periodDraft);

  return (
    <>
      <PageHeader
        title="Commission lines"
        description="Every line the period close booked, with how it was calculated. Finance approves, rejects, reverses and claws back."
        actions={
          isFinance || role === 'admin' ? (
            <Group gap="xs" align="flex-start">
              <Button variant="default" onClick={() => release.mutate()} loading={release.isPending}>
                Release ended holds
              </Button>
              <ClosePeriodAction />
            </Group>
          ) : undefined
        }
      />
      <FormError error={release.error} />
      {release.isSuccess && (
        <Text size="sm" role="status" mb="xs">
          {(release.data as { changed?: unknown[] }).changed?.length ?? 0} line(s) whose hold ended are now
          payable.
        </Text>
      )}
      <Paper withBorder p="sm" radius="md" mb="md">
        <Group align="flex-end" wrap="wrap">
          <Select
            label="Brand"
            placeholder="All brands"
            clearable
            data={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
            value={filters.brandId ?? null}
            onChange={(v) => set('brandId', v)}
            w={220}
          />
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!periodInvalid) set('period', periodDraft || null);
            }}
          >
            <TextInput
              label="Period"
              placeholder="YYYY-MM"
              value={periodDraft}
              onChange={(e) => setPeriodDraft(e.currentTarget.value)}
              onBlur={() => !periodInvalid && set('period', periodDraft || null)}
              error={periodInvalid ? 'Use YYYY-MM' : undefined}
              w={130}
            />
          </form>
          <Select
            label="State"
            placeholder="All states"
            clearable
            data={Object.entries(LINE_STATES).map(([value, s]) => ({ value, label: s.label }))}
            value={filters.state ?? null}
            onChange={(v) => set('state', v)}
            w={160}
          />
        </Group>
      </Paper>
      {isFinance && selected.size > 0 && (
        <Paper withBorder p="sm" radius="md" mb="md" bg="indigo.0">
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              {selected.size} selected
            </Text>
            <Group gap="xs">
              <Button size="xs" onClick={() => setBulk('approve')}>
                Approve
              </Button>
              <Button size="xs" color="red" variant="light" onClick={() => setBulk('reject')}>
                Reject
              </Button>
              <Button size="xs" color="orange" variant="light" onClick={() => setBulk('reverse')}>
                Reverse
              </Button>
            </Group>
          </Group>
        </Paper>
      )}
      {lines.isPending ? (
        <LoadingState />
      ) : lines.isError ? (
        <ErrorState error={lines.error} retry={() => lines.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No commission lines">
          Lines appear when a brand period is closed (ledger close). Change the filters or close a period.
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                {isFinance && (
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label="Select all lines"
                      checked={allChecked}
                      indeterminate={selected.size > 0 && !allChecked}
                      onChange={() => setSelected(allChecked ? new Set() : new Set(items.map((l) => l.id)))}
                    />
                  </Table.Th>
                )}
                <Table.Th>Period</Table.Th>
                <Table.Th>Brand</Table.Th>
                <Table.Th>Partner</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Customer</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Explanation</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((l) => (
                <Table.Tr key={l.id}>
                  {isFinance && (
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select line ${l.lineKey}`}
                        checked={selected.has(l.id)}
                        onChange={() => {
                          const next = new Set(selected);
                          if (next.has(l.id)) next.delete(l.id);
                          else next.add(l.id);
                          setSelected(next);
                        }}
                      />
                    </Table.Td>
                  )}
                  <Table.Td>{l.sourcePeriod}</Table.Td>
                  <Table.Td>{brandName(brands.data, l.brandId)}</Table.Td>
                  <Table.Td>
                    {l.partnerName ? (
                      <Text size="sm">{l.partnerName}</Text>
                    ) : (
                      <Text size="sm" ff="monospace">
                        {l.partnerId.slice(0, 8)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{KIND_LABELS[l.kind] ?? l.kind}</Table.Td>
                  <Table.Td>{l.customerId ?? '—'}</Table.Td>
                  <Table.Td ta="right">{money(l.amount, l.currency)}</Table.Td>
                  <Table.Td>
                    <LineStateBadge state={l.state} />
                  </Table.Td>
                  <Table.Td>
                    <Button size="compact-xs" variant="subtle" onClick={() => setOpen(l)}>
                      Explain
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {lines.data.next && (
            <Text size="sm" c="dimmed" mt="xs">
              Showing the first 500 lines: narrow the filters to see the rest.
            </Text>
          )}
        </Table.ScrollContainer>
      )}
      <ReasonDialog
        action={bulk}
        count={selected.size}
        ids={[...selected]}
        onClose={() => setBulk(null)}
        onDone={refresh}
      />
      <LineDrawer
        line={open}
        onClose={() => setOpen(null)}
        actions={
          isFinance &&
          open &&
          open.kind !== 'clawback' &&
          ['approved', 'payable', 'paid', 'pending'].includes(open.state) ? (
            <ClawbackForm key={open.id} line={open} onDone={refresh} />
          ) : undefined
        }
      />
    </>
  );
}
