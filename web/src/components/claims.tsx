import {
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { can } from '../access';
import { ApiError } from '../api/client';
import {
  acceptClaim,
  fileClaim,
  listClaims,
  listPortalClaims,
  rejectClaim,
  reviewClaim,
} from '../api/endpoints';
import type { Claim, ClaimState, StaffClaim } from '../api/types';
import { formatDate } from '../format';
import { useSession } from '../session';
import { useReadOnly } from '../view-as';
import { money } from './money';
import { EmptyState, ErrorState, FormError, LoadingState } from './states';

export const CLAIM_STATES: Record<ClaimState, { label: string; color: string; plain: string }> = {
  open: { label: 'Open', color: 'blue', plain: 'Received; waiting for the partner team to look at it.' },
  in_review: { label: 'In review', color: 'yellow', plain: 'The partner team is checking it.' },
  accepted: {
    label: 'Accepted',
    color: 'green',
    plain: 'Accepted: an adjustment was added to your earnings.',
  },
  rejected: { label: 'Rejected', color: 'red', plain: 'Not accepted; the answer says why.' },
};

export function ClaimStateBadge({ state }: { state: ClaimState }) {
  const s = CLAIM_STATES[state];
  return (
    <Badge color={s.color} variant="light">
      {s.label}
    </Badge>
  );
}

function Deadline({ c }: { c: Claim }) {
  if (c.state === 'accepted' || c.state === 'rejected') return <>{formatDate(c.decidedAt)}</>;
  return c.overdue ? (
    <Badge color="red" variant="filled">
      Overdue since {formatDate(c.dueAt)}
    </Badge>
  ) : (
    <>due {formatDate(c.dueAt)}</>
  );
}

const thisMonth = () => new Date().toISOString().slice(0, 7);

/** The partner's claim form and list (portal Earnings page). */
export function PortalClaims() {
  const qc = useQueryClient();
  const readOnly = useReadOnly();
  const q = useQuery({ queryKey: ['portal', 'claims'], queryFn: listPortalClaims });
  const [form, setForm] = useState({
    brandId: '',
    customerRef: '',
    expectedAmount: '',
    currency: '',
    reason: '',
    period: '',
  });
  const brands = q.data?.brands ?? [];
  const brandId = form.brandId || (brands.length === 1 ? brands[0]!.id : '');
  const currency = form.currency || brands.find((b) => b.id === brandId)?.currency || 'EUR';
  const file = useMutation({
    mutationFn: () =>
      fileClaim({
        ...(brandId ? { brandId } : {}),
        customerRef: form.customerRef,
        expectedAmount: form.expectedAmount,
        currency,
        reason: form.reason,
        ...(form.period ? { period: form.period } : {}),
      }),
    onSuccess: () => {
      setForm({ brandId: '', customerRef: '', expectedAmount: '', currency: '', reason: '', period: '' });
      void qc.invalidateQueries({ queryKey: ['portal', 'claims'] });
    },
  });
  const fe = file.error instanceof ApiError ? file.error.fieldErrors : {};
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    file.mutate();
  };
  return (
    <Stack>
      <Title order={2} size="h4">
        Missing commission claims
      </Title>
      <Paper
        withBorder
        p="md"
        radius="md"
        component="form"
        onSubmit={submit}
        aria-label="Claim a missing commission"
      >
        <Text size="sm" c="dimmed" mb="sm">
          A customer you brought is missing from your earnings? Tell us which one and what you expected. The
          partner team answers within {q.data?.responseDays ?? 14} days; an accepted claim is added to your
          earnings as an adjustment.
        </Text>
        {readOnly && (
          <Text size="sm" fw={600} mb="sm">
            Read-only view: claims cannot be filed while viewing as the partner.
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {brands.length > 1 && (
            <Select
              label="Brand"
              required
              value={brandId || null}
              data={brands.map((b) => ({ value: b.id, label: b.name }))}
              onChange={(v) => set('brandId')(v ?? '')}
              error={fe.brandId}
            />
          )}
          <TextInput
            label="Customer reference"
            description="The customer id shown in your portal (cu_…) or your own reference"
            required
            maxLength={100}
            value={form.customerRef}
            onChange={(e) => set('customerRef')(e.currentTarget.value)}
            error={fe.customerRef}
          />
          <Group grow align="flex-start" gap="xs">
            <TextInput
              label="Expected amount"
              required
              inputMode="decimal"
              placeholder="25.00"
              value={form.expectedAmount}
              onChange={(e) => set('expectedAmount')(e.currentTarget.value)}
              error={fe.expectedAmount}
            />
            <TextInput
              label="Currency"
              required
              maxLength={3}
              value={currency}
              onChange={(e) => set('currency')(e.currentTarget.value.toUpperCase())}
              error={fe.currency}
            />
          </Group>
          <TextInput
            type="month"
            label="Period (optional)"
            max={thisMonth()}
            value={form.period}
            onChange={(e) => set('period')(e.currentTarget.value)}
            error={fe.period}
          />
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            maxLength={2000}
            value={form.reason}
            onChange={(e) => set('reason')(e.currentTarget.value)}
            error={fe.reason}
          />
        </SimpleGrid>
        {file.error && Object.keys(fe).length === 0 && (
          <Stack mt="sm">
            <FormError error={file.error} />
          </Stack>
        )}
        <Group justify="flex-end" mt="md">
          <Button type="submit" loading={file.isPending} disabled={readOnly}>
            File claim
          </Button>
        </Group>
      </Paper>
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <EmptyState title="No claims">
          Claims you file appear here with their status and our answer.
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label="Your claims">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Filed</Table.Th>
                <Table.Th>Customer</Table.Th>
                <Table.Th ta="right">Expected</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Deadline / answered</Table.Th>
                <Table.Th>Answer</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{formatDate(c.createdAt)}</Table.Td>
                  <Table.Td>{c.customerRef}</Table.Td>
                  <Table.Td ta="right">{money(c.expectedAmount, c.currency)}</Table.Td>
                  <Table.Td>
                    <ClaimStateBadge state={c.state} />
                  </Table.Td>
                  <Table.Td>
                    <Deadline c={c} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {c.acceptedAmount ? `${money(c.acceptedAmount, c.currency)} added. ` : ''}
                      {c.response ?? CLAIM_STATES[c.state].plain}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

type Dialog = { kind: 'accept' | 'reject'; claim: StaffClaim } | null;

function TriageDialog({ dialog, onClose }: { dialog: Dialog; onClose: () => void }) {
  const qc = useQueryClient();
  const [amount, setAmount] = useState('');
  const [response, setResponse] = useState('');
  const act = useMutation({
    mutationFn: () =>
      dialog!.kind === 'accept'
        ? acceptClaim(dialog!.claim.id, { amount, ...(response.trim() ? { response } : {}) })
        : rejectClaim(dialog!.claim.id, response),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['claims'] });
      void qc.invalidateQueries({ queryKey: ['reports', 'tasks'] });
      close();
    },
  });
  const close = () => {
    setAmount('');
    setResponse('');
    act.reset();
    onClose();
  };
  const fe = act.error instanceof ApiError ? act.error.fieldErrors : {};
  const c = dialog?.claim;
  return (
    <Modal
      opened={dialog !== null}
      onClose={close}
      centered
      title={dialog?.kind === 'accept' ? 'Accept claim' : 'Reject claim'}
    >
      {c && (
        <Stack
          component="form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            act.mutate();
          }}
        >
          <Text size="sm">
            {c.partnerName} claims {money(c.expectedAmount, c.currency)} for {c.customerRef}: {c.reason}
          </Text>
          {dialog.kind === 'accept' && (
            <>
              <TextInput
                label={`Amount to credit (${c.currency})`}
                required
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.currentTarget.value)}
                error={fe.amount}
                data-autofocus
              />
              <Text size="xs" c="dimmed">
                Accepting books a manual adjustment line for the partner (pending until finance approves it).
                This cannot be undone.
              </Text>
            </>
          )}
          <Textarea
            label={dialog.kind === 'accept' ? 'Answer to the partner (optional)' : 'Answer to the partner'}
            required={dialog.kind === 'reject'}
            autosize
            minRows={2}
            value={response}
            onChange={(e) => setResponse(e.currentTarget.value)}
            error={fe.response}
          />
          {Object.keys(fe).length === 0 && <FormError error={act.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={act.isPending}>
              Cancel
            </Button>
            <Button
              type="submit"
              color={dialog.kind === 'accept' ? undefined : 'red.8'}
              loading={act.isPending}
            >
              {dialog.kind === 'accept' ? 'Accept and book adjustment' : 'Reject claim'}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** Claims for staff (Money → Claims, and a partner's Claims tab) with the triage actions their role allows. */
export function StaffClaims({ partnerId }: { partnerId?: string }) {
  const role = useSession().user.role;
  const qc = useQueryClient();
  const [filter, setFilter] = useState<'open' | 'all'>('open');
  const q = useQuery({
    queryKey: ['claims', partnerId ?? 'all', filter],
    queryFn: () =>
      listClaims({ ...(partnerId ? { partnerId } : {}), ...(filter === 'open' ? { open: true } : {}) }),
  });
  const review = useMutation({
    mutationFn: reviewClaim,
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['claims'] }),
  });
  const [dialog, setDialog] = useState<Dialog>(null);
  const triage = can(role, 'triageClaims');
  return (
    <Stack>
      <Group justify="space-between">
        <SegmentedControl
          aria-label="Which claims"
          value={filter}
          onChange={(v) => setFilter(v as 'open' | 'all')}
          data={[
            { value: 'open', label: 'Open (by deadline)' },
            { value: 'all', label: 'All' },
          ]}
        />
      </Group>
      <FormError error={review.error} />
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <EmptyState title={filter === 'open' ? 'No open claims' : 'No claims'}>
          Partners file missing-commission claims from their Earnings page.
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table striped aria-label="Claims">
            <Table.Thead>
              <Table.Tr>
                {!partnerId && <Table.Th>Partner</Table.Th>}
                <Table.Th>Customer</Table.Th>
                <Table.Th ta="right">Expected</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Deadline / answered</Table.Th>
                <Table.Th>Answer</Table.Th>
                {triage && (
                  <Table.Th>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((c) => {
                const answered = c.state === 'accepted' || c.state === 'rejected';
                return (
                  <Table.Tr key={c.id} bg={c.overdue ? 'red.0' : undefined}>
                    {!partnerId && (
                      <Table.Td>
                        <Link to={`/partners/${c.partnerId}`}>{c.partnerName}</Link>
                      </Table.Td>
                    )}
                    <Table.Td>{c.customerRef}</Table.Td>
                    <Table.Td ta="right">{money(c.expectedAmount, c.currency)}</Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2}>
                        {c.period ? `${c.period}: ` : ''}
                        {c.reason}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <ClaimStateBadge state={c.state} />
                    </Table.Td>
                    <Table.Td>
                      <Deadline c={c} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {c.acceptedAmount ? `${money(c.acceptedAmount, c.currency)} booked. ` : ''}
                        {c.response ?? ''}
                      </Text>
                    </Table.Td>
                    {triage && (
                      <Table.Td>
                        {!answered && (
                          <Group gap={4} wrap="nowrap">
                            {c.state === 'open' && (
                              <Button
                                size="compact-xs"
                                variant="default"
                                loading={review.isPending && review.variables === c.id}
                                onClick={() => review.mutate(c.id)}
                                aria-label={`Start review of the claim for ${c.customerRef}`}
                              >
                                Review
                              </Button>
                            )}
                            <Button
                              size="compact-xs"
                              onClick={() => setDialog({ kind: 'accept', claim: c })}
                              aria-label={`Accept the claim for ${c.customerRef}`}
                            >
                              Accept
                            </Button>
                            <Button
                              size="compact-xs"
                              color="red"
                              variant="light"
                              onClick={() => setDialog({ kind: 'reject', claim: c })}
                              aria-label={`Reject the claim for ${c.customerRef}`}
                            >
                              Reject
                            </Button>
                          </Group>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <TriageDialog dialog={dialog} onClose={() => setDialog(null)} />
    </Stack>
  );
}
