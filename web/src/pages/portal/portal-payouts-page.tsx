import { Anchor, Badge, Button, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { listPartnerPayouts, listPortalPayouts, statementUrl } from '../../api/endpoints';
import type { PortalPayout } from '../../api/types';
import { money } from '../../components/money';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '../../components/states';
import { StatementsList } from '../../components/statements-list';
import { formatDate, formatDateTime } from '../../format';

const PAGE = 20;

const STATUS: Record<PortalPayout['status'], { label: string; color: string; plain: string }> = {
  pending: { label: 'On its way', color: 'blue', plain: 'In a payout batch; the payment is being made.' },
  paid: { label: 'Paid', color: 'green', plain: 'The payment was confirmed with the reference shown.' },
  failed: {
    label: 'Failed',
    color: 'red',
    plain: 'The payment did not go through; the amount is back in your balance for the next payout.',
  },
};

function PayoutStatus({ p }: { p: PortalPayout }) {
  const s = STATUS[p.status];
  return (
    <Tooltip label={s.plain} multiline w={260} withArrow>
      <Badge color={s.color} variant="light" tabIndex={0}>
        {s.label}
      </Badge>
    </Tooltip>
  );
}

/** A partner's payouts, newest first, paged: the signed-in partner's own, or (staff) the given partner's. */
export function PayoutHistory({ partnerId }: { partnerId?: string }) {
  const [offset, setOffset] = useState(0);
  const q = useQuery({
    queryKey: ['portal-payouts', partnerId ?? 'own', offset],
    queryFn: () =>
      partnerId
        ? listPartnerPayouts(partnerId, { limit: PAGE, offset })
        : listPortalPayouts({ limit: PAGE, offset }),
  });
  if (q.isPending) return <LoadingState />;
  if (q.isError) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  if (q.data.total === 0)
    return (
      <EmptyState title="No payouts yet">
        Payable commission is paid in the brand's next payout batch once it reaches the minimum payout.
      </EmptyState>
    );
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={760}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Pay date</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Paid</Table.Th>
              <Table.Th>Reference</Table.Th>
              <Table.Th>Statements</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>{formatDate(p.payDate)}</Table.Td>
                <Table.Td ta="right">
                  <Text fw={600}>{money(p.payAmount, p.payCurrency)}</Text>
                  {p.payCurrency !== p.currency && (
                    <Text size="xs" c="dimmed">
                      {money(p.amount, p.currency)} at {p.fxRate}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed">
                    by {p.method}
                    {p.invoiceNumber ? ` · invoice ${p.invoiceNumber}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <PayoutStatus p={p} />
                  {p.failureReason && (
                    <Text size="xs" c="red.8">
                      {p.failureReason}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{p.paidAt ? formatDateTime(p.paidAt) : '—'}</Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {p.reference ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {p.statements.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  ) : (
                    <Group gap="xs">
                      {p.statements.map((s) => (
                        <Anchor key={s.id} href={statementUrl(s.id, 'html')} target="_blank" rel="noopener">
                          {s.period}
                        </Anchor>
                      ))}
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {q.data.total > PAGE && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {offset + 1}–{Math.min(offset + PAGE, q.data.total)} of {q.data.total}
          </Text>
          <Group gap="xs">
            <Button
              size="xs"
              variant="default"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Newer
            </Button>
            <Button
              size="xs"
              variant="default"
              disabled={offset + PAGE >= q.data.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Older
            </Button>
          </Group>
        </Group>
      )}
    </Stack>
  );
}

export function PortalPayoutsPage() {
  return (
    <>
      <PageHeader
        title="Payouts and statements"
        description="What you were paid, when, with the payment reference, and the sealed statements behind each payout."
      />
      <Stack>
        <Title order={2} size="h4">
          Payouts
        </Title>
        <PayoutHistory />
        <Title order={2} size="h4">
          Statements
        </Title>
        <Text size="sm" c="dimmed">
          Statements are sealed: "Verify seal" checks that no line changed since it was issued.
        </Text>
        <StatementsList />
      </Stack>
    </>
  );
}
