import {
  Badge,
  Button,
  Drawer,
  Group,
  Pagination,
  Paper,
  SegmentedControl,
  Table,
  Text,
} from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { CustomerEvent, CustomerStatus, PortalCustomer } from '../api/portal-pages-types';
import { formatDate, formatDateTime } from '../format';
import { formatMinor } from '../reporting';
import { EmptyState, ErrorState, LoadingState } from './states';

const STATUS: Record<CustomerStatus, { label: string; color: string }> = {
  registered: { label: 'Registered', color: 'gray' },
  ftd: { label: 'FTD', color: 'blue' },
  active: { label: 'Active', color: 'green' },
  qualified: { label: 'Qualified', color: 'violet' },
};
const PAGE = 50;

/**
 * Pseudonymous customers (portal and the staff partner tab): public id, brand, link, sub-id and stages,
 * with a drawer of the customer's own events. No personal data is requested or shown.
 */
export function CustomersTable({
  queryKey,
  load,
  loadEvents,
}: {
  queryKey: unknown[];
  load: (q: { status?: CustomerStatus; limit: number; offset: number }) => Promise<{
    items: PortalCustomer[];
    total: number;
  }>;
  loadEvents: (publicId: string) => Promise<{ items: CustomerEvent[] }>;
}) {
  const [status, setStatus] = useState<'all' | CustomerStatus>('all');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  const q = {
    ...(status === 'all' ? {} : { status }),
    limit: PAGE,
    offset: (page - 1) * PAGE,
  };
  const list = useQuery({
    queryKey: [...queryKey, q],
    queryFn: () => load(q),
    placeholderData: keepPreviousData,
  });
  const events = useQuery({
    queryKey: [...queryKey, 'events', open],
    queryFn: () => loadEvents(open!),
    enabled: open !== null,
  });
  return (
    <>
      <SegmentedControl
        mb="sm"
        aria-label="Customer status"
        value={status}
        onChange={(v) => {
          setStatus(v as typeof status);
          setPage(1);
        }}
        data={[
          { value: 'all', label: 'All' },
          ...Object.entries(STATUS).map(([value, s]) => ({ value, label: s.label })),
        ]}
      />
      {list.isPending ? (
        <LoadingState label="Loading customers…" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title={status === 'all' ? 'No customers yet' : 'No customers with this status'}>
          Customers appear once someone registers through a link or code.
        </EmptyState>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={760}>
            <Table striped verticalSpacing="xs" aria-label="Customers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Brand</Table.Th>
                  <Table.Th>Link</Table.Th>
                  <Table.Th>Sub-id</Table.Th>
                  <Table.Th>Registered</Table.Th>
                  <Table.Th>First deposit</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">Events</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((c) => (
                  <Table.Tr key={c.publicId}>
                    <Table.Td className="mono">{c.publicId}</Table.Td>
                    <Table.Td>{c.brandName}</Table.Td>
                    <Table.Td className="mono">
                      {c.linkCode ?? (c.source === 'code' ? 'promo code' : '—')}
                    </Table.Td>
                    <Table.Td>{c.subId || '—'}</Table.Td>
                    <Table.Td>{formatDate(c.registeredAt)}</Table.Td>
                    <Table.Td>{c.firstDepositAt ? formatDate(c.firstDepositAt) : '—'}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={STATUS[c.status].color}>
                        {STATUS[c.status].label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        onClick={() => setOpen(c.publicId)}
                        aria-label={`Events of ${c.publicId}`}
                      >
                        Events
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" p="sm">
            <Text size="sm" c="dimmed">
              {list.data.total} customer{list.data.total === 1 ? '' : 's'}
            </Text>
            {list.data.total > PAGE && (
              <Pagination
                total={Math.ceil(list.data.total / PAGE)}
                value={page}
                onChange={setPage}
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
              />
            )}
          </Group>
        </Paper>
      )}
      <Drawer
        opened={open !== null}
        onClose={() => setOpen(null)}
        position="right"
        title={`Events of ${open ?? ''}`}
        size="md"
      >
        {events.isPending ? (
          <LoadingState />
        ) : events.isError ? (
          <ErrorState error={events.error} retry={() => events.refetch()} />
        ) : events.data.items.length === 0 ? (
          <EmptyState title="No events yet" />
        ) : (
          <Table verticalSpacing="xs" aria-label="Customer events">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Event</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {events.data.items.map((e) => (
                <Table.Tr key={`${e.occurredAt}-${e.type}-${e.status}-${e.amountMinor}`}>
                  <Table.Td>
                    {e.type.toUpperCase() === 'FTD' ? 'FTD' : e.type}
                    {e.status !== 'approved' ? ` (${e.status})` : ''}
                  </Table.Td>
                  <Table.Td>{formatDateTime(e.occurredAt)}</Table.Td>
                  <Table.Td ta="right">
                    {e.amountMinor && e.currency ? formatMinor(e.amountMinor, e.currency) : '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Drawer>
    </>
  );
}
