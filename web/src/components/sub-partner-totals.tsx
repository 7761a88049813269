import { Anchor, Badge, Group, Paper, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import type { Amount, SubPartnerTotal } from '../api/portal-pages-types';
import { label, STATUS_LABELS, statusColor } from '../format';
import { formatMinor } from '../reporting';
import { EmptyState, ErrorState, LoadingState } from './states';

export const amounts = (a: Amount[]) =>
  a.map((x) => formatMinor(x.amountMinor, x.currency)).join(', ') || '—';

/** The sub-partner tree (indented by level) with each sub-partner's totals in the period. */
export function SubPartnerTotals({
  queryKey,
  load,
  linkTo,
  brandName,
}: {
  queryKey: unknown[];
  load: () => Promise<{ items: SubPartnerTotal[] }>;
  linkTo?: (partnerId: string) => string;
  brandName: (id: string) => string;
}) {
  const q = useQuery({ queryKey, queryFn: load });
  if (q.isPending) return <LoadingState />;
  if (q.isError) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  if (q.data.items.length === 0)
    return (
      <EmptyState title="No sub-partners yet">Sub-partners join through the recruitment link.</EmptyState>
    );
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="xs" aria-label="Sub-partner tree">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Sub-partner</Table.Th>
              <Table.Th>Brand</Table.Th>
              <Table.Th ta="right">Clicks</Table.Th>
              <Table.Th ta="right">Registrations</Table.Th>
              <Table.Th ta="right">FTDs</Table.Th>
              <Table.Th ta="right">Revenue</Table.Th>
              <Table.Th ta="right">Their commission</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.items.map((s) => (
              <Table.Tr key={`${s.brandId}-${s.partnerId}`}>
                <Table.Td>
                  <Group gap="xs" pl={(s.depth - 1) * 20} wrap="nowrap">
                    {linkTo ? (
                      <Anchor component={Link} to={linkTo(s.partnerId)} size="sm">
                        {s.displayName}
                      </Anchor>
                    ) : (
                      <Text size="sm">{s.displayName}</Text>
                    )}
                    <Badge size="xs" variant="light" color={statusColor(s.status)}>
                      {label(STATUS_LABELS, s.status)}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      level {s.depth}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td>{brandName(s.brandId)}</Table.Td>
                <Table.Td ta="right">{s.clicks}</Table.Td>
                <Table.Td ta="right">{s.registrations}</Table.Td>
                <Table.Td ta="right">{s.ftds}</Table.Td>
                <Table.Td ta="right">{amounts(s.revenue)}</Table.Td>
                <Table.Td ta="right">{amounts(s.commission)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
