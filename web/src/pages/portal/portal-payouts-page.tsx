import { Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { listPartnerPayouts, listPortalPayouts } from '../../api/endpoints';
import { Pager, type PayoutColumn, PayoutLinesTable } from '../../components/payout-lines-table';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '../../components/states';
import { StatementsList } from '../../components/statements-list';

const PAGE = 20;
const HISTORY_COLUMNS: PayoutColumn[] = [
  'payDate',
  'payment',
  'statusExplained',
  'paidAt',
  'reference',
  'statements',
];

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
      <PayoutLinesTable lines={q.data.items} columns={HISTORY_COLUMNS} label="Payouts" />
      <Pager offset={offset} pageSize={PAGE} total={q.data.total} onChange={setOffset} />
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
