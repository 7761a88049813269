import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client';
import { setLinkStatus, setPortalLinkStatus, setPromoCodeStatus } from '../api/endpoints';
import { FormError } from './states';

/**
 * Pause or resume a tracking link or promo code. Paused: its clicks go to the brand's fallback page and it never
 * wins attribution. Staff give a reason to pause (audited); a partner pauses its own links without one.
 */
export function PauseAssetAction({
  asset,
  who,
}: {
  asset: { id: string; kind: 'link' | 'code'; code: string; status: string };
  who: 'staff' | 'partner';
}) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const next: 'active' | 'paused' = asset.status === 'paused' ? 'active' : 'paused';
  const change = useMutation({
    mutationFn: () => {
      if (who === 'partner') return setPortalLinkStatus(asset.id, { status: next });
      const body =
        next === 'paused' && reason.trim() ? { status: next, reason: reason.trim() } : { status: next };
      return asset.kind === 'link' ? setLinkStatus(asset.id, body) : setPromoCodeStatus(asset.id, body);
    },
    onSuccess: () => {
      void qc.invalidateQueries({
        queryKey: who === 'partner' ? ['portal', 'tracking'] : ['tracking', 'assets'],
      });
      notifications.show({
        color: 'green',
        message: `${asset.code} ${next === 'paused' ? 'paused' : 'resumed'}.`,
      });
      setOpen(false);
      setReason('');
      change.reset();
    },
  });
  const reasonError = change.error instanceof ApiError ? change.error.fieldErrors.reason : undefined;
  const verb = next === 'paused' ? 'Pause' : 'Resume';
  return (
    <>
      <Button
        size="compact-xs"
        variant="default"
        onClick={() => setOpen(true)}
        aria-label={`${verb} ${asset.code}`}
      >
        {verb}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`${verb} ${asset.code}?`} centered>
        <Stack>
          <Text size="sm">
            {next === 'paused'
              ? "Its clicks will go to the brand's fallback page and it will not win new customers until resumed."
              : 'Its clicks will be tracked and attributed again.'}
          </Text>
          {who === 'staff' && next === 'paused' && (
            <Textarea
              label="Reason"
              description="Kept in the audit trail"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={reasonError}
              required
              autosize
              minRows={2}
            />
          )}
          <FormError error={reasonError ? null : change.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)} disabled={change.isPending}>
              Cancel
            </Button>
            <Button
              color={next === 'paused' ? 'red.9' : undefined}
              loading={change.isPending}
              onClick={() => change.mutate()}
            >
              {verb}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
