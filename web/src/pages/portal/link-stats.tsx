import { Group, Paper, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { getPortalBreakdown } from '../../api/endpoints';
import type { TrackingLink } from '../../api/types';
import { PeriodSelect, type PeriodPreset, presetPeriod } from '../../components/period-select';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { formatMinor } from '../../reporting';

const COLS = ['clicks', 'unique_clicks', 'registrations', 'ftds', 'revenue'] as const;

/** Clicks, unique clicks, registrations, FTDs and revenue per link over a period (the daily rollups). */
export function LinkStats({ links }: { links: TrackingLink[] }) {
  const [preset, setPreset] = useState<PeriodPreset>('30');
  const period = presetPeriod(preset);
  const q = { ...period, groupBy: 'link' as const, columns: COLS.join(',') };
  const stats = useQuery({ queryKey: ['portal', 'breakdown', q], queryFn: () => getPortalBreakdown(q) });
  const byLink = new Map(stats.data?.rows.map((r) => [r.key, r.values]) ?? []);
  return (
    <Paper withBorder radius="md" p="md" mt="md">
      <Group justify="space-between" align="flex-end" mb="sm">
        <div>
          <Title order={2} size="h4">
            Stats per link
          </Title>
          <Text size="xs" c="dimmed">
            From the hourly rollups; revenue in {stats.data?.currency ?? 'EUR'}.
          </Text>
        </div>
        <PeriodSelect value={preset} onChange={setPreset} label="Stats period" />
      </Group>
      {stats.isPending ? (
        <LoadingState />
      ) : stats.isError ? (
        <ErrorState error={stats.error} retry={() => stats.refetch()} />
      ) : links.length === 0 ? (
        <EmptyState title="No links yet" />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" aria-label="Stats per link">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Link</Table.Th>
                <Table.Th ta="right">Clicks</Table.Th>
                <Table.Th ta="right">Unique clicks</Table.Th>
                <Table.Th ta="right">Registrations</Table.Th>
                <Table.Th ta="right">FTDs</Table.Th>
                <Table.Th ta="right">Revenue</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {links.map((l) => {
                const v = byLink.get(l.id) ?? {};
                return (
                  <Table.Tr key={l.id}>
                    <Table.Td>
                      {l.name}{' '}
                      <Text span size="xs" c="dimmed" className="mono">
                        /r/{l.code}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">{v.clicks ?? 0}</Table.Td>
                    <Table.Td ta="right">{v.unique_clicks ?? 0}</Table.Td>
                    <Table.Td ta="right">{v.registrations ?? 0}</Table.Td>
                    <Table.Td ta="right">{v.ftds ?? 0}</Table.Td>
                    <Table.Td ta="right">
                      {formatMinor((v.revenue as string | undefined) ?? '0', stats.data.currency)}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
