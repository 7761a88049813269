import { Button, Group, Modal, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { can } from '../access';
import { ApiError } from '../api/client';
import { bulkAssignManager, bulkTagPartners, listUsers } from '../api/endpoints';
import type { Partner } from '../api/types';
import { downloadText, toCsv } from '../csv';
import { useSession } from '../session';
import { FormError } from './states';

/**
 * Bulk actions on the selected partners: assign a manager (admins), add a tag (admins and managers), export
 * the selected rows as CSV. The API applies each change to every partner or to none.
 */
export function PartnerBulkBar({ selected, onDone }: { selected: Partner[]; onDone: () => void }) {
  const { user } = useSession();
  const qc = useQueryClient();
  const [manager, setManager] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [tag, setTag] = useState('');
  const managers = useQuery({
    queryKey: ['users', 'partner_manager'],
    queryFn: () => listUsers('partner_manager'),
    enabled: user.role === 'admin',
  });
  const ids = selected.map((p) => p.id);
  const done = (message: string) => {
    void qc.invalidateQueries({ queryKey: ['partners'] });
    notifications.show({ color: 'green', message });
    onDone();
  };
  const assign = useMutation({
    mutationFn: () => bulkAssignManager(ids, manager === 'none' ? null : manager),
    onSuccess: (r) => {
      setConfirming(false);
      done(`Manager assigned to ${r.updated} partner${r.updated === 1 ? '' : 's'}.`);
    },
  });
  const addTag = useMutation({
    mutationFn: () => bulkTagPartners(ids, [tag.trim()]),
    onSuccess: (r) => {
      setTag('');
      done(`Tag added to ${r.updated} partner${r.updated === 1 ? '' : 's'}.`);
    },
  });
  const tagError = addTag.error instanceof ApiError ? addTag.error.fieldErrors : {};
  const managerName = (id: string | null) =>
    id === 'none'
      ? 'nobody (unassigned)'
      : (managers.data?.items.find((u) => u.id === id)?.displayName ?? '');
  const exportSelected = () => {
    const csv = toCsv(
      ['id', 'name', 'email', 'country', 'segments', 'status', 'manager_user_id', 'tags', 'created_at'],
      selected.map((p) => [
        p.id,
        p.displayName,
        p.email,
        p.country,
        p.segments.join(' '),
        p.status,
        p.managerUserId,
        (p as Partner & { tags?: string[] }).tags?.join(' ') ?? '',
        p.createdAt,
      ]),
    );
    downloadText(`partners-selected-${new Date().toISOString().slice(0, 10)}.csv`, csv);
  };
  return (
    <Paper withBorder p="sm" radius="md" mb="md" bg="indigo.0" role="region" aria-label="Bulk actions">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Text size="sm" fw={600} style={{ alignSelf: 'center' }}>
          {selected.length} selected
        </Text>
        {can(user.role, 'assignManager') && (
          <Group gap="xs" align="flex-end">
            <Select
              label="Manager"
              placeholder="Choose a manager"
              w={220}
              data={[
                { value: 'none', label: 'Unassigned' },
                ...(managers.data?.items ?? []).map((u) => ({
                  value: u.id,
                  label: u.displayName ?? u.email,
                })),
              ]}
              value={manager}
              onChange={setManager}
            />
            <Button disabled={!manager} onClick={() => setConfirming(true)}>
              Assign manager
            </Button>
          </Group>
        )}
        {can(user.role, 'createPartner') && (
          <Group gap="xs" align="flex-end">
            <TextInput
              label="Tag"
              placeholder="e.g. vip"
              w={160}
              value={tag}
              onChange={(e) => setTag(e.currentTarget.value)}
              error={tagError.add}
            />
            <Button
              variant="light"
              disabled={!tag.trim()}
              loading={addTag.isPending}
              onClick={() => addTag.mutate()}
            >
              Add tag
            </Button>
          </Group>
        )}
        <Button variant="default" leftSection={<IconDownload size={16} />} onClick={exportSelected}>
          Export selected
        </Button>
        <Button variant="subtle" onClick={onDone}>
          Clear selection
        </Button>
      </Group>
      <FormError error={Object.keys(tagError).length ? null : addTag.error} />
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Assign manager" centered>
        <Stack>
          <Text size="sm">
            Assign {managerName(manager)} to {selected.length} partner{selected.length === 1 ? '' : 's'}? Each
            change is audited and written on the partner's timeline.
          </Text>
          <FormError error={assign.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button loading={assign.isPending} onClick={() => assign.mutate()}>
              Assign
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
