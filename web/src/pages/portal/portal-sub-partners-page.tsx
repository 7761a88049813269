import { Group, Paper, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  getPortalBalance,
  getPortalOverrideEarnings,
  getPortalSubPartnerTotals,
  getPortalTracking,
} from '../../api/endpoints';
import { PeriodSelect, type PeriodPreset, presetPeriod } from '../../components/period-select';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '../../components/states';
import { amounts, SubPartnerTotals } from '../../components/sub-partner-totals';
import { Copy, linkUrl } from './portal-links-page';

export function PortalSubPartnersPage() {
  const [preset, setPreset] = useState<PeriodPreset>('30');
  const period = presetPeriod(preset);
  const tracking = useQuery({ queryKey: ['portal', 'tracking'], queryFn: getPortalTracking });
  const earnings = useQuery({
    queryKey: ['portal', 'override-earnings', period],
    queryFn: () => getPortalOverrideEarnings(period),
  });
  const programs = useQuery({ queryKey: ['portal', 'balance'], queryFn: getPortalBalance });
  const recruitment = tracking.data?.links.filter((l) => l.kind === 'recruitment') ?? [];
  return (
    <>
      <PageHeader
        title="Sub-partners"
        description="Recruit sub-partners with your recruitment link; see your tree, their results and what you earn from them."
        actions={<PeriodSelect value={preset} onChange={setPreset} />}
      />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" mb="md">
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="xs">
            Recruitment link
          </Title>
          {tracking.isPending ? (
            <LoadingState />
          ) : tracking.isError ? (
            <ErrorState error={tracking.error} retry={() => tracking.refetch()} />
          ) : recruitment.length === 0 ? (
            <Text size="sm" c="dimmed">
              No recruitment link yet: your partner manager creates it when your account is activated for
              sub-partners.
            </Text>
          ) : (
            recruitment.map((l) => (
              <Group key={l.id} gap={4} wrap="nowrap">
                <Text className="mono" size="sm">
                  {linkUrl(l)}
                </Text>
                <Copy value={linkUrl(l)} what="recruitment link" />
              </Group>
            ))
          )}
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="xs">
            Override earnings
          </Title>
          {earnings.isPending ? (
            <LoadingState />
          ) : earnings.isError ? (
            <ErrorState error={earnings.error} retry={() => earnings.refetch()} />
          ) : earnings.data.items.length === 0 ? (
            <Text size="sm" c="dimmed">
              No override or split commission in this period.
            </Text>
          ) : (
            <Table verticalSpacing={4} aria-label="Override earnings">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>From</Table.Th>
                  <Table.Th ta="right">Earned</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {earnings.data.items.map((e) => (
                  <Table.Tr key={e.partnerId}>
                    <Table.Td>{e.displayName}</Table.Td>
                    <Table.Td ta="right">{amounts(e.earnings)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      </SimpleGrid>
      <Title order={2} size="h4" mb="sm">
        Your tree
      </Title>
      {tracking.isError ? (
        <EmptyState title="The tree could not be loaded" />
      ) : (
        <SubPartnerTotals
          queryKey={['portal', 'sub-partner-totals', period]}
          load={() => getPortalSubPartnerTotals(period)}
          brandName={(id) =>
            programs.data?.payouts.find((b) => b.brandId === id)?.brandName ?? id.slice(0, 8)
          }
        />
      )}
    </>
  );
}
