import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Stepper,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, saveFile } from '../../api/client';
import {
  approvePayoutBatch,
  createPayoutBatch,
  exportPayoutBatch,
  getPayoutBatch,
  listPayoutBatches,
  settlePayoutLine,
} from '../../api/endpoints';
import type { PayoutBatch } from '../../api/types';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { brandName, money, useBrands } from '../../components/money';
import { Pager, type PayoutColumn, PayoutLinesTable } from '../../components/payout-lines-table';
import { label, ROLE_LABELS } from '../../format';
import { useSession } from '../../session';
import { StatementsPanel } from './statements-panel';

const SKIP_REASONS: Record<string, string> = {
  below_threshold: 'Below the minimum payout (rolls over)',
  negative_balance: 'Negative balance (carries over, per the deal)',
  written_off: 'Negative balance written off (the deal resets it to zero)',
  nothing_due: 'Payable lines net to zero',
  tax_form_missing: 'Tax form missing',
  no_payment_method: 'No payment method',
  cooling_off: 'Payment method changed recently (cooling-off)',
  not_notified: 'Partner not yet notified of the method change',
  partner_suspended: 'Partner suspended',
  fx_rate: 'No FX rate for the pay date',
};

function CreateBatch() {
  const brands = useBrands();
  const navigate = useNavigate();
  const [brandId, setBrandId] = useState<string | null>(null);
  const [payDate, setPayDate] = useState(new Date().toISOString().slice(0, 10));
  const m = useMutation({
    mutationFn: () => createPayoutBatch({ brandId: brandId ?? '', payDate }),
    onSuccess: (r) => {
      const id = (r.id ?? r.batchId) as string | undefined;
      if (id) navigate(`/money/payouts/${id}`);
    },
  });
  const fe = m.error instanceof ApiError ? m.error.fieldErrors : {};
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="xs">
        New payout batch
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Nets each partner's payable lines per currency; threshold, schedule, tax form and cooling-off apply.
      </Text>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <Group align="flex-start" wrap="wrap">
          <Select
            label="Brand"
            required
            data={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
            value={brandId}
            onChange={setBrandId}
            error={fe.brandId}
            w={240}
          />
          <TextInput
            label="Pay date"
            type="date"
            required
            value={payDate}
            onChange={(e) => setPayDate(e.currentTarget.value)}
            error={fe.payDate}
          />
          <Button type="submit" mt={25} loading={m.isPending}>
            Create batch
          </Button>
        </Group>
        <FormError error={fe.brandId || fe.payDate ? null : m.error} />
      </form>
    </Paper>
  );
}

const BATCH_STATUSES: Record<string, { label: string; color: string }> = {
  approving: { label: 'In approval', color: 'yellow' },
  approved: { label: 'Approved', color: 'blue' },
  exported: { label: 'Exported', color: 'indigo' },
  done: { label: 'Done', color: 'green' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};
const PAGE = 20;

/** Payout batches from GET /payout-batches: filters by brand, status and pay date, paged, newest first. */
function BatchList() {
  const brands = useBrands();
  const navigate = useNavigate();
  const [brandId, setBrandId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [offset, setOffset] = useState(0);
  const filters = {
    ...(brandId ? { brandId } : {}),
    ...(status ? { status } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
  const q = useQuery({
    queryKey: ['payout-batches', filters, offset],
    queryFn: () => listPayoutBatches({ ...filters, limit: PAGE, offset }),
  });
  const fe = q.error instanceof ApiError ? q.error.fieldErrors : {};
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setOffset(0);
    };
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        Payout batches
      </Title>
      <Group align="flex-start" wrap="wrap" mb="sm">
        <Select
          label="Brand"
          clearable
          placeholder="All brands"
          data={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
          value={brandId}
          onChange={reset(setBrandId)}
          w={220}
        />
        <Select
          label="Status"
          clearable
          placeholder="Any status"
          data={Object.entries(BATCH_STATUSES).map(([value, s]) => ({ value, label: s.label }))}
          value={status}
          onChange={reset(setStatus)}
          w={180}
        />
        <TextInput
          label="Pay date from"
          type="date"
          value={from}
          onChange={(e) => reset(setFrom)(e.currentTarget.value)}
          error={fe.from}
        />
        <TextInput
          label="Pay date to"
          type="date"
          value={to}
          onChange={(e) => reset(setTo)(e.currentTarget.value)}
          error={fe.to}
        />
      </Group>
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        fe.to || fe.from ? null : (
          <ErrorState error={q.error} retry={() => q.refetch()} />
        )
      ) : q.data.total === 0 ? (
        <EmptyState title="No payout batches">
          {Object.keys(filters).length > 0
            ? 'No batch matches these filters.'
            : 'Finance creates a batch for a brand and a pay date.'}
        </EmptyState>
      ) : (
        <Stack gap="xs">
          <Table.ScrollContainer minWidth={760}>
            <Table highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Pay date</Table.Th>
                  <Table.Th>Brand</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Approvals</Table.Th>
                  <Table.Th ta="right">Lines</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.items.map((b) => (
                  <Table.Tr key={b.id}>
                    <Table.Td>{b.payDate}</Table.Td>
                    <Table.Td>{brandName(brands.data, b.brandId)}</Table.Td>
                    <Table.Td>
                      <Badge color={BATCH_STATUSES[b.status]?.color ?? 'gray'} variant="light">
                        {BATCH_STATUSES[b.status]?.label ?? b.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {b.approvalsDone} of {b.approvalSteps.length}
                    </Table.Td>
                    <Table.Td ta="right">
                      {b.lineCount}
                      {b.paidCount + b.failedCount > 0 && (
                        <Text size="xs" c="dimmed">
                          {b.paidCount} paid{b.failedCount ? `, ${b.failedCount} failed` : ''}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      {b.totals.length === 0
                        ? '—'
                        : b.totals.map((t) => money(t.amount, t.currency)).join(' · ')}
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="light"
                        onClick={() => navigate(`/money/payouts/${b.id}`)}
                        aria-label={`Open the batch of ${b.payDate}`}
                      >
                        Open
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager offset={offset} pageSize={PAGE} total={q.data.total} onChange={setOffset} />
        </Stack>
      )}
    </Paper>
  );
}

type PayoutLine = PayoutBatch['lines'][number];
const BATCH_COLUMNS: PayoutColumn[] = [
  'partner',
  'method',
  'amount',
  'paidAs',
  'status',
  'referenceOrReason',
];

function Settle({
  line,
  onClose,
  onDone,
}: {
  line: PayoutLine | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const [outcome, setOutcome] = useState<'paid' | 'failed'>('paid');
  const [text, setText] = useState('');
  const m = useMutation({
    mutationFn: () =>
      settlePayoutLine(
        line?.id ?? '',
        outcome === 'paid' ? { outcome, reference: text } : { outcome, reason: text },
      ),
    onSuccess: () => {
      setText('');
      onDone();
    },
  });
  const fe = m.error instanceof ApiError ? m.error.fieldErrors : {};
  return (
    <Modal opened={line !== null} onClose={onClose} title="Settle payout line" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <Stack>
          <Select
            label="Outcome"
            data={[
              { value: 'paid', label: 'Paid' },
              { value: 'failed', label: 'Failed (money returns to the balance)' },
            ]}
            value={outcome}
            onChange={(v) => setOutcome((v as 'paid' | 'failed') ?? 'paid')}
            allowDeselect={false}
          />
          <TextInput
            label={outcome === 'paid' ? 'Payment reference' : 'Reason'}
            required
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={fe.reference ?? fe.reason}
          />
          <Text size="sm" c="dimmed">
            This is final and recorded in the audit trail.
          </Text>
          <FormError error={fe.reference || fe.reason ? null : m.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color={outcome === 'failed' ? 'red' : undefined} loading={m.isPending}>
              Mark {outcome}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function BatchView({ id }: { id: string }) {
  const session = useSession();
  const role = session.user.role;
  const qc = useQueryClient();
  const brands = useBrands();
  const batch = useQuery({ queryKey: ['payout-batch', id], queryFn: () => getPayoutBatch(id) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['payout-batch', id] });
  const [confirmApprove, setConfirmApprove] = useState(false);
  const approve = useMutation({
    mutationFn: () => approvePayoutBatch(id),
    onSuccess: () => {
      setConfirmApprove(false);
      refresh();
    },
  });
  const exp = useMutation({
    mutationFn: (format: 'csv' | 'pain001') => exportPayoutBatch(id, format),
    onSuccess: (f) => {
      saveFile(f);
      refresh();
    },
  });
  const [settling, setSettling] = useState<PayoutLine | null>(null);

  if (batch.isPending) return <LoadingState />;
  if (batch.isError) return <ErrorState error={batch.error} retry={() => batch.refetch()} />;
  const b = batch.data;
  const done = b.approvals.length;
  const nextRole = b.approvalSteps[done];
  const iApproved = b.approvals.some((a) => a.userId === session.user.id);
  const canApprove = nextRole === role && !iApproved && b.status !== 'approved' && b.status !== 'exported';
  const exportable = b.status === 'approved' || b.status === 'exported';

  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" mb="sm">
          <div>
            <Title order={2} size="h4">
              Batch {b.id.slice(0, 8)} · {brandName(brands.data, b.brandId)}
            </Title>
            <Text size="sm" c="dimmed">
              Pay date {b.payDate}
            </Text>
          </div>
          <Badge size="lg" variant="light">
            {label({}, b.status)}
          </Badge>
        </Group>
        <Stepper active={done} size="sm" allowNextStepsSelect={false} aria-label="Approval steps">
          {b.approvalSteps
            .map((r, i) => ({ r, step: i + 1 }))
            .map(({ r, step }) => {
              const i = step - 1;
              const a = b.approvals[i];
              return (
                <Stepper.Step
                  key={`step-${step}`}
                  label={`Step ${i + 1}: ${ROLE_LABELS[r as keyof typeof ROLE_LABELS] ?? r}`}
                  description={
                    a ? `Approved ${new Date(a.at).toLocaleString()}` : i === done ? 'Waiting' : 'Later'
                  }
                />
              );
            })}
        </Stepper>
        <Group mt="md" gap="sm">
          {nextRole && (
            <Button onClick={() => setConfirmApprove(true)} disabled={!canApprove}>
              Approve step {done + 1}
            </Button>
          )}
          {nextRole && !canApprove && (
            <Text size="sm" c="dimmed">
              {iApproved
                ? 'You approved an earlier step: another user takes this one.'
                : `Step ${done + 1} is for the ${ROLE_LABELS[nextRole as keyof typeof ROLE_LABELS] ?? nextRole} role.`}
            </Text>
          )}
          {role === 'finance' && (
            <>
              <Button
                variant="default"
                disabled={!exportable}
                loading={exp.isPending && exp.variables === 'csv'}
                onClick={() => exp.mutate('csv')}
              >
                Export CSV
              </Button>
              <Button
                variant="default"
                disabled={!exportable}
                loading={exp.isPending && exp.variables === 'pain001'}
                onClick={() => exp.mutate('pain001')}
              >
                Export pain.001
              </Button>
            </>
          )}
        </Group>
        <FormError error={exp.error} />
      </Paper>
      <Modal
        opened={confirmApprove}
        onClose={() => setConfirmApprove(false)}
        title={`Approve step ${done + 1}`}
        centered
      >
        <Stack>
          <Text size="sm">
            You approve paying {b.lines.length} line(s) on {b.payDate} as {ROLE_LABELS[role]}. Your approval
            is recorded and cannot be withdrawn.
          </Text>
          <FormError error={approve.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmApprove(false)}>
              Cancel
            </Button>
            <Button onClick={() => approve.mutate()} loading={approve.isPending}>
              Approve
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Title order={2} size="h4">
        Payout lines
      </Title>
      {b.lines.length === 0 ? (
        <EmptyState title="Nothing to pay in this batch">
          No partner had an eligible payable balance on the pay date.
        </EmptyState>
      ) : (
        <PayoutLinesTable
          lines={b.lines}
          columns={BATCH_COLUMNS}
          label="Payout lines"
          striped
          minWidth={700}
          action={(l) =>
            role === 'finance' &&
            l.status === 'pending' &&
            exportable && (
              <Button size="compact-xs" variant="light" onClick={() => setSettling(l)}>
                Settle
              </Button>
            )
          }
        />
      )}
      {b.skipped && b.skipped.length > 0 && (
        <Alert color="yellow" title="Partners left out of this batch">
          <Stack gap={2}>
            {b.skipped.map((s) => (
              <Text size="sm" key={`${s.partnerId}-${s.currency ?? ''}`}>
                {s.partnerId.slice(0, 8)}: {SKIP_REASONS[s.reason] ?? s.reason}
                {s.amount ? ` (${s.amount} ${s.currency ?? ''})` : ''}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      <Settle
        line={settling}
        onClose={() => setSettling(null)}
        onDone={() => {
          setSettling(null);
          refresh();
        }}
      />
    </Stack>
  );
}

export function PayoutsPage() {
  const { id } = useParams();
  const role = useSession().user.role;
  return (
    <>
      <PageHeader
        title="Payouts and statements"
        description="Payout batches go through the brand's approval steps (each step a role, each step a different user), then export and settlement."
      />
      <Stack>
        {id ? (
          <BatchView id={id} />
        ) : (
          <>
            {role === 'finance' && <CreateBatch />}
            <BatchList />
          </>
        )}
        <StatementsPanel />
      </Stack>
    </>
  );
}
