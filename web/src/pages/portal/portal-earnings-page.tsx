import { Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { getPartnerBalance, listCommissionLines } from '../../api/endpoints';
import type { CommissionLine } from '../../api/types';
import { PortalClaims } from '../../components/claims';
import { KIND_LABELS, LINE_STATES, LineDrawer, LineStateBadge, money } from '../../components/money';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '../../components/states';
import { StatementsList } from '../../components/statements-list';
import { useSession } from '../../session';

const ACCOUNTS: Record<string, { label: string; help: string }> = {
  partner_pending: { label: 'Pending', help: 'Calculated, waiting for approval or for the hold to end.' },
  partner_payable: { label: 'Payable', help: 'Approved and ready for the next payout.' },
  partner_in_payout: { label: 'In payout', help: 'In a payout batch that is being paid.' },
};

function BalanceCard({ partnerId }: { partnerId: string }) {
  const q = useQuery({ queryKey: ['balance', partnerId], queryFn: () => getPartnerBalance(partnerId) });
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        Balance
      </Title>
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : (
        <SimpleGrid cols={{ base: 1, xs: 3 }}>
          {Object.entries(ACCOUNTS).map(([account, a]) => {
            const rows = q.data.balances.filter((b) => b.account === account);
            return (
              <div key={account}>
                <Text size="sm" c="dimmed">
                  {a.label}
                </Text>
                <Text fw={700} size="xl">
                  {rows.length === 0 ? '0' : rows.map((b) => money(b.amount, b.currency)).join(' · ')}
                </Text>
                <Text size="xs" c="dimmed">
                  {a.help}
                </Text>
              </div>
            );
          })}
        </SimpleGrid>
      )}
      <Text size="xs" c="dimmed" mt="sm">
        The next payout date and minimum amount are set per brand; balances below the minimum roll over.
      </Text>
    </Paper>
  );
}

export function PortalEarningsPage() {
  const partnerId = useSession().user.partnerId ?? '';
  const lines = useQuery({
    queryKey: ['commission-lines', 'own'],
    queryFn: () => listCommissionLines({ limit: 500 }),
  });
  const [open, setOpen] = useState<CommissionLine | null>(null);
  return (
    <>
      <PageHeader
        title="Earnings"
        description="Every commission line with how it was calculated and where it stands."
      />
      <Stack>
        <BalanceCard partnerId={partnerId} />
        <Title order={2} size="h4">
          Commission lines
        </Title>
        {lines.isPending ? (
          <LoadingState />
        ) : lines.isError ? (
          <ErrorState error={lines.error} retry={() => lines.refetch()} />
        ) : lines.data.items.length === 0 ? (
          <EmptyState title="No earnings yet">
            Lines appear after the operator closes a month with your activity.
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Period</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>What it means</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">Explanation</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lines.data.items.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td>{l.sourcePeriod}</Table.Td>
                    <Table.Td>{KIND_LABELS[l.kind] ?? l.kind}</Table.Td>
                    <Table.Td ta="right">{money(l.amount, l.currency)}</Table.Td>
                    <Table.Td>
                      <LineStateBadge state={l.state} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {LINE_STATES[l.state]?.plain ?? l.state}
                        {l.stateReason ? ` (${l.stateReason})` : ''}
                      </Text>
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
        <PortalClaims />
        <Group justify="space-between">
          <Title order={2} size="h4">
            Statements
          </Title>
        </Group>
        <Text size="sm" c="dimmed">
          Statements are sealed: "Verify seal" checks that no line changed since it was issued. Your payouts,
          with their references and the statements they pay, are under Payouts and statements.
        </Text>
        <StatementsList />
      </Stack>
      <LineDrawer line={open} onClose={() => setOpen(null)} />
    </>
  );
}
