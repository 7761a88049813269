import { Anchor, Button, Code, Drawer, Group, Paper, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type AuditQuery, searchAudit } from '../api/endpoints';
import type { AuditRecord } from '../api/types';
import { formatDateTime } from '../format';
import { EmptyState, ErrorState, LoadingState } from './states';

const PAGE = 50;

/** Ids are long; the table shows their first and last characters (the drawer shows them whole). */
function short(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

function RecordDrawer({ record, onClose }: { record: AuditRecord | null; onClose: () => void }) {
  return (
    <Drawer opened={!!record} onClose={onClose} position="right" size="lg" title="Audit record">
      {record && (
        <Stack gap="sm">
          <Field name="Action" value={record.action} />
          <Field name="When" value={formatDateTime(record.occurredAt)} />
          <Field name="Actor" value={`${record.actorType}${record.actorId ? ` ${record.actorId}` : ''}`} />
          <Field
            name="Entity"
            value={`${record.entityType}${record.entityId ? ` ${record.entityId}` : ''}`}
          />
          <Field name="Request" value={record.requestId ?? '—'} />
          <Field name="IP address" value={record.ip ?? '—'} />
          <Field name="Chain position" value={record.chainSeq ?? 'not linked yet'} />
          <Field name="Hash" value={record.hash ?? '—'} />
          <div>
            <Text size="sm" fw={600} mb={4}>
              Change
            </Text>
            <ScrollArea.Autosize mah={420}>
              <Code block className="mono">
                {JSON.stringify(record.diff, null, 2) ?? 'null'}
              </Code>
            </ScrollArea.Autosize>
          </div>
          {record.entityId && (
            <Anchor
              component={Link}
              to={`/audit?entityType=${encodeURIComponent(record.entityType)}&entityId=${encodeURIComponent(record.entityId)}`}
              onClick={onClose}
            >
              Full history of this {record.entityType}
            </Anchor>
          )}
        </Stack>
      )}
    </Drawer>
  );
}

function Field({ name, value }: { name: string; value: string }) {
  return (
    <Group gap="xs" align="baseline" wrap="nowrap">
      <Text size="sm" fw={600} w={120} style={{ flexShrink: 0 }}>
        {name}
      </Text>
      <Text size="sm" className="mono">
        {value}
      </Text>
    </Group>
  );
}

/** Audit records matching a query, newest first, with keyset "load more" and a detail drawer. */
export function AuditTable({
  query,
  emptyText,
}: {
  query: Omit<AuditQuery, 'before' | 'limit'>;
  emptyText: string;
}) {
  const [open, setOpen] = useState<AuditRecord | null>(null);
  const result = useInfiniteQuery({
    queryKey: ['audit', 'search', query],
    queryFn: ({ pageParam }) => searchAudit({ ...query, limit: PAGE, before: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });

  if (result.isPending) return <LoadingState label="Searching the audit trail…" />;
  if (result.isError) return <ErrorState error={result.error} retry={() => result.refetch()} />;
  const rows = result.data.pages.flatMap((p) => p.items);
  if (rows.length === 0) return <EmptyState title="No audit records">{emptyText}</EmptyState>;

  return (
    <>
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="xs" highlightOnHover aria-label="Audit records">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Entity</Table.Th>
                <Table.Th>Chain</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Details</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.occurredAt)}</Table.Td>
                  <Table.Td>
                    <Text
                      size="sm"
                      className="mono"
                      c={r.action.includes('fail') || r.action.includes('lock') ? 'red.8' : undefined}
                    >
                      {r.action}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{r.actorType}</Text>
                    {r.actorId && (
                      <Text size="xs" c="dimmed" className="mono" title={r.actorId}>
                        {short(r.actorId)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{r.entityType}</Text>
                    {r.entityId && (
                      <Anchor
                        component={Link}
                        size="xs"
                        className="mono"
                        to={`/audit?entityType=${encodeURIComponent(r.entityType)}&entityId=${encodeURIComponent(r.entityId)}`}
                        title={r.entityId}
                      >
                        <span className="visually-hidden">History of {r.entityType} </span>
                        {short(r.entityId)}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {r.chainSeq ? (
                      `#${r.chainSeq}`
                    ) : (
                      <Text size="xs" c="dimmed">
                        pending
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => setOpen(r)}
                      aria-label={`Details of ${r.action} at ${formatDateTime(r.occurredAt)}`}
                    >
                      Details
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      {result.hasNextPage && (
        <Group justify="center" mt="md">
          <Button
            variant="default"
            onClick={() => result.fetchNextPage()}
            loading={result.isFetchingNextPage}
          >
            Load older records
          </Button>
        </Group>
      )}
      <RecordDrawer record={open} onClose={() => setOpen(null)} />
    </>
  );
}
