import {
  Button,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { bookManualAdjustment, getPartnerBalance, listCommissionLines } from '../../api/endpoints';
import type { CommissionLine } from '../../api/types';
import { can } from '../../access';
import { LineDrawer, LineStateBadge, money, useBrands } from '../../components/money';
import { EmptyState, ErrorState, FormError, LoadingState } from '../../components/states';
import { StatementsList } from '../../components/statements-list';
import { useSession } from '../../session';
import { PayoutHistory } from '../portal/portal-payouts-page';

const ACCOUNT_LABELS: Record<string, string> = {
  partner_pending: 'Pending (in hold or awaiting approval)',
  partner_payable: 'Payable',
  partner_in_payout: 'In a payout batch',
};

/** Finance books a manual adjustment for the partner: a new pending line with a reason (audited). */
function AdjustmentModal({ partnerId, onClose }: { partnerId: string; onClose: () => void }) {
  const qc = useQueryClient();
  const brands = useBrands();
  const [brandId, setBrandId] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('');
  const [reason, setReason] = useState('');
  const book = useMutation({
    mutationFn: () =>
      bookManualAdjustment(partnerId, { brandId: brandId ?? '', amount: amount.trim(), currency, reason }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['partner-money', partnerId] });
      notifications.show({
        color: 'green',
        message: `Adjustment of ${money(r.amount, r.currency)} booked in ${r.bookedIn}.`,
      });
      onClose();
    },
  });
  const fields = book.error instanceof ApiError ? book.error.fieldErrors : {};
  return (
    <Modal opened onClose={onClose} title="Manual adjustment" centered>
      <Stack>
        <Text size="sm">
          A new pending line for this partner: positive credits, negative debits. It goes through approval
          like any line; the reason is kept with it and in the audit trail.
        </Text>
        <Select
          label="Brand"
          data={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
          value={brandId}
          onChange={(v) => {
            setBrandId(v);
            const b = brands.data?.find((x) => x.id === v);
            if (b && !currency) setCurrency(b.currency);
          }}
          error={fields.brandId}
          required
        />
        <Group grow align="flex-start">
          <TextInput
            label="Amount"
            description="e.g. 25.00 or -10.50"
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            error={fields.amount}
            required
          />
          <TextInput
            label="Currency"
            value={currency}
            onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
            error={fields.currency}
            maxLength={3}
            required
          />
        </Group>
        <Textarea
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={fields.reason}
          required
          autosize
          minRows={2}
        />
        <FormError error={Object.keys(fields).length ? null : book.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={book.isPending}>
            Cancel
          </Button>
          <Button
            onClick={() => book.mutate()}
            loading={book.isPending}
            disabled={!brandId || !amount.trim()}
          >
            Book adjustment
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The partner's balance per account and currency (from ledger entries), its latest lines and statements. */
export function PartnerMoneyTab({ partnerId }: { partnerId: string }) {
  const role = useSession().user.role;
  const balance = useQuery({
    queryKey: ['partner-money', partnerId, 'balance'],
    queryFn: () => getPartnerBalance(partnerId),
  });
  const lines = useQuery({
    queryKey: ['partner-money', partnerId, 'lines'],
    queryFn: () => listCommissionLines({ partnerId, limit: 100 }),
  });
  const [open, setOpen] = useState<CommissionLine | null>(null);
  const [adjusting, setAdjusting] = useState(false);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h4">
          Balance
        </Title>
        {can(role, 'manualAdjust') && (
          <Button size="xs" variant="default" onClick={() => setAdjusting(true)}>
            Manual adjustment
          </Button>
        )}
      </Group>
      {balance.isPending ? (
        <LoadingState />
      ) : balance.isError ? (
        <ErrorState error={balance.error} retry={() => balance.refetch()} />
      ) : balance.data.balances.length === 0 ? (
        <EmptyState title="No ledger entries yet" />
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          {balance.data.balances.map((b) => (
            <Paper key={`${b.account}-${b.currency}`} withBorder p="sm" radius="md">
              <Text size="xs" c="dimmed">
                {ACCOUNT_LABELS[b.account] ?? b.account}
              </Text>
              <Text fw={700}>{money(b.amount, b.currency)}</Text>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      <Title order={2} size="h4">
        Commission lines
      </Title>
      {lines.isPending ? (
        <LoadingState />
      ) : lines.isError ? (
        <ErrorState error={lines.error} retry={() => lines.refetch()} />
      ) : lines.data.items.length === 0 ? (
        <EmptyState title="No commission lines yet" />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label="Commission lines of this partner">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Period</Table.Th>
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
              {lines.data.items.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>{l.sourcePeriod}</Table.Td>
                  <Table.Td>{l.kind}</Table.Td>
                  <Table.Td className="mono">{l.customerId ?? '—'}</Table.Td>
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
        </Table.ScrollContainer>
      )}
      {can(role, 'payouts') && (
        <>
          <Title order={2} size="h4">
            Payouts
          </Title>
          <PayoutHistory partnerId={partnerId} />
        </>
      )}
      <Title order={2} size="h4">
        Statements
      </Title>
      <StatementsList partnerId={partnerId} />
      <LineDrawer line={open} onClose={() => setOpen(null)} />
      {adjusting && <AdjustmentModal partnerId={partnerId} onClose={() => setAdjusting(false)} />}
    </Stack>
  );
}
