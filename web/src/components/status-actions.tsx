import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client';
import { setPartnerStatus } from '../api/endpoints';
import type { PartnerDetail } from '../api/types';
import { label, STATUS_LABELS } from '../format';
import { FormError } from './states';

/** The workflow moves a person may ask for (the contracted step comes from accepting a contract). */
const MOVES: Record<string, Array<{ to: string; verb: string; reason: boolean; danger?: boolean }>> = {
  applied: [
    { to: 'in_review', verb: 'Start review', reason: false },
    { to: 'rejected', verb: 'Reject', reason: true, danger: true },
  ],
  in_review: [
    { to: 'approved', verb: 'Approve', reason: false },
    { to: 'rejected', verb: 'Reject', reason: true, danger: true },
  ],
  approved: [
    { to: 'rejected', verb: 'Reject', reason: true, danger: true },
    { to: 'terminated', verb: 'Terminate', reason: true, danger: true },
  ],
  rejected: [{ to: 'in_review', verb: 'Reopen', reason: true }],
  contracted: [
    { to: 'active', verb: 'Activate', reason: false },
    { to: 'terminated', verb: 'Terminate', reason: true, danger: true },
  ],
  active: [
    { to: 'suspended', verb: 'Suspend', reason: true, danger: true },
    { to: 'terminated', verb: 'Terminate', reason: true, danger: true },
  ],
  suspended: [
    { to: 'active', verb: 'Reinstate', reason: true },
    { to: 'terminated', verb: 'Terminate', reason: true, danger: true },
  ],
  terminated: [],
};

const CONSEQUENCE: Record<string, string> = {
  suspended: 'Commissions are held and payouts blocked while suspended; the partner sees why in the portal.',
  terminated: 'Termination is final: the partner cannot be reinstated.',
  rejected: 'The applicant is told the decision; the application can be reopened later.',
  active: 'The partner starts earning under its accepted contract.',
};

/** Status buttons for a partner, each confirmed in a dialog (with a reason where the workflow needs one). */
export function StatusActions({ partner }: { partner: PartnerDetail }) {
  const qc = useQueryClient();
  const [move, setMove] = useState<(typeof MOVES)[string][number] | null>(null);
  const [reason, setReason] = useState('');
  const mutation = useMutation({
    mutationFn: () => setPartnerStatus(partner.id, move!.to, reason.trim() || undefined),
    onSuccess: (p) => {
      void qc.invalidateQueries({ queryKey: ['partners'] });
      notifications.show({
        color: 'green',
        message: `${p.displayName} is now ${label(STATUS_LABELS, p.status).toLowerCase()}.`,
      });
      setMove(null);
      setReason('');
    },
  });
  const moves = MOVES[partner.status] ?? [];
  if (moves.length === 0) return null;
  const fieldError = mutation.error instanceof ApiError ? mutation.error.fieldErrors.reason : undefined;
  const close = () => {
    setMove(null);
    setReason('');
    mutation.reset();
  };

  return (
    <>
      <Group gap="xs">
        {moves.map((m) => (
          <Button
            key={m.to}
            size="sm"
            variant={m.danger ? 'light' : 'filled'}
            color={m.danger ? 'red' : undefined}
            onClick={() => setMove(m)}
          >
            {m.verb}
          </Button>
        ))}
      </Group>
      <Modal
        opened={!!move}
        onClose={close}
        title={move ? `${move.verb} ${partner.displayName}?` : ''}
        centered
      >
        {move && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              mutation.mutate();
            }}
            noValidate
          >
            <Stack>
              <Text size="sm">
                Status goes from <strong>{label(STATUS_LABELS, partner.status)}</strong> to{' '}
                <strong>{label(STATUS_LABELS, move.to)}</strong>. {CONSEQUENCE[move.to] ?? ''}
              </Text>
              {move.reason && (
                <Textarea
                  label="Reason"
                  description="Recorded in the audit trail and on the partner's timeline"
                  required
                  autosize
                  minRows={2}
                  data-autofocus
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                  error={fieldError}
                />
              )}
              <FormError error={fieldError ? null : mutation.error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={close}>
                  Cancel
                </Button>
                <Button
                  type="submit"
                  color={move.danger ? 'red' : undefined}
                  loading={mutation.isPending}
                  disabled={move.reason && !reason.trim()}
                >
                  {move.verb}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
