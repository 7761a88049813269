import { Badge, Paper, Table, Text } from '@mantine/core';
import type { PostbackDelivery } from '../api/portal-pages-types';
import { formatDateTime } from '../format';

/** A delivery of either log (camelCase); staff rows carry the partner's name. */
export type DeliveryRow = PostbackDelivery & { partnerName?: string };

const STATUS_COLOR: Record<string, string> = { delivered: 'green', failed: 'red' };

/**
 * The postback delivery log: when, the URL called, status, attempts and the last answer; staff see whose
 * postback it was (`showPartner`). Used by the staff Tracking page and the portal's Postbacks page.
 */
export function PostbackDeliveryTable({
  rows,
  showPartner = false,
}: {
  rows: readonly DeliveryRow[];
  showPartner?: boolean;
}) {
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={showPartner ? 860 : 640}>
        <Table verticalSpacing="xs" aria-label="Delivery log">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              {showPartner && <Table.Th>Partner</Table.Th>}
              <Table.Th>URL called</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">Attempts</Table.Th>
              <Table.Th>Last answer</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{formatDateTime(d.createdAt)}</Table.Td>
                {showPartner && <Table.Td>{d.partnerName ?? '—'}</Table.Td>}
                <Table.Td>
                  <Text size="xs" className="mono" style={{ wordBreak: 'break-all' }}>
                    {d.url}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={STATUS_COLOR[d.status] ?? 'gray'}>
                    {d.status}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">{d.attempts}</Table.Td>
                <Table.Td>{d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '—')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
