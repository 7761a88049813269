import { Badge, Button, Group, Modal, SegmentedControl, Stack, Table, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { decideDeliverable, listDeliverables } from '../../api/endpoints';
import type { Deliverable } from '../../api/types';
import { can } from '../../access';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { formatDate, SEGMENT_LABELS } from '../../format';
import { useSession } from '../../session';

type Filter = Deliverable['status'] | 'all';

/** The review queue of ambassadors' and influencers' deliverables: approve (paid at the close) or reject. */
export function DeliverablesPage() {
  const role = useSession().user.role;
  const mayDecide = can(role, 'decideDeliverables');
  const qc = useQueryClient();
  const [filter, setFilter] = useState<Filter>('submitted');
  const list = useQuery({
    queryKey: ['deliverables', filter],
    queryFn: () => listDeliverables(filter === 'all' ? {} : { status: filter }),
  });
  const [approving, setApproving] = useState<Deliverable | null>(null);
  const [rejecting, setRejecting] = useState<Deliverable | null>(null);
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (a: { d: Deliverable; decision: 'approve' | 'reject' }) =>
      decideDeliverable(
        a.d.id,
        a.decision === 'reject' ? { decision: 'reject', reason } : { decision: 'approve' },
      ),
    onSuccess: (d) => {
      void qc.invalidateQueries({ queryKey: ['deliverables'] });
      notifications.show({ color: 'green', message: `“${d.title}” ${d.status}.` });
      setApproving(null);
      setRejecting(null);
      setReason('');
      decide.reset();
    },
  });
  const reasonError = decide.error instanceof ApiError ? decide.error.fieldErrors.reason : undefined;
  return (
    <>
      <PageHeader
        title="Deliverables"
        description="Videos, posts and appearances that partners' deals pay a flat fee for. Approved ones are paid by the close of the month they were delivered in; a decision is final."
      />
      <SegmentedControl
        mb="md"
        value={filter}
        onChange={(v) => setFilter(v as Filter)}
        data={[
          { value: 'submitted', label: 'To review' },
          { value: 'approved', label: 'Approved' },
          { value: 'rejected', label: 'Rejected' },
          { value: 'all', label: 'All' },
        ]}
        aria-label="Status"
      />
      {list.isPending ? (
        <LoadingState />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No deliverables here">Partners submit them from their portal.</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped aria-label="Deliverables">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Partner</Table.Th>
                <Table.Th>Delivered</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Status</Table.Th>
                {mayDecide && <Table.Th>Decision</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Link to={`/partners/${d.partnerId}`}>{d.partnerName ?? d.partnerId.slice(0, 8)}</Link>
                    <Text size="xs" c="dimmed">
                      {SEGMENT_LABELS[d.segment] ?? d.segment} · {d.brand}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDate(d.deliveredOn)}</Table.Td>
                  <Table.Td>
                    {d.url ? (
                      <a href={d.url} target="_blank" rel="noreferrer noopener">
                        {d.title}
                      </a>
                    ) : (
                      d.title
                    )}
                    <Text size="xs" c="dimmed">
                      {d.externalRef}
                    </Text>
                  </Table.Td>
                  <Table.Td>{d.type}</Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={d.status === 'approved' ? 'green' : d.status === 'rejected' ? 'red' : 'blue'}
                    >
                      {d.status}
                    </Badge>
                    {d.decisionReason && <Text size="xs">{d.decisionReason}</Text>}
                  </Table.Td>
                  {mayDecide && (
                    <Table.Td>
                      {d.status === 'submitted' && (
                        <Group gap="xs" wrap="nowrap">
                          <Button size="xs" onClick={() => setApproving(d)} aria-label={`Approve ${d.title}`}>
                            Approve
                          </Button>
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => setRejecting(d)}
                            aria-label={`Reject ${d.title}`}
                          >
                            Reject
                          </Button>
                        </Group>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmDialog
        opened={approving !== null}
        title="Approve this deliverable?"
        confirmLabel="Approve"
        danger={false}
        onClose={() => {
          setApproving(null);
          decide.reset();
        }}
        onConfirm={() => approving && decide.mutate({ d: approving, decision: 'approve' })}
        loading={decide.isPending}
        error={decide.error}
      >
        “{approving?.title}” will be paid by the deal's deliverable fee with the close of{' '}
        {approving?.deliveredOn.slice(0, 7)}. A decision is final.
      </ConfirmDialog>
      <Modal
        opened={rejecting !== null}
        onClose={() => {
          setRejecting(null);
          decide.reset();
        }}
        title="Reject this deliverable?"
        centered
      >
        <Stack>
          <Text size="sm">
            “{rejecting?.title}” will not be paid. The partner sees your reason. A decision is final.
          </Text>
          <Textarea
            label="Reason"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={reasonError}
            required
            autosize
            minRows={2}
          />
          <FormError error={reasonError ? null : decide.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRejecting(null)} disabled={decide.isPending}>
              Cancel
            </Button>
            <Button
              color="red.9"
              loading={decide.isPending}
              onClick={() => rejecting && decide.mutate({ d: rejecting, decision: 'reject' })}
            >
              Reject
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
