import { Button, Group, Modal, MultiSelect, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { createPartner, listUsers } from '../api/endpoints';
import { type Partner, SEGMENTS, type Segment } from '../api/types';
import { SEGMENT_LABELS } from '../format';
import { useSession } from '../session';
import { FormError } from './states';

/** Create a partner record (admin: any portfolio; partner manager: their own). */
export function CreatePartnerModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (p: Partner) => void;
}) {
  const { user } = useSession();
  const isAdmin = user.role === 'admin';
  const qc = useQueryClient();
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [country, setCountry] = useState('');
  const [segments, setSegments] = useState<string[]>([]);
  const [managerUserId, setManager] = useState<string | null>(null);
  const managers = useQuery({
    queryKey: ['users', 'partner_manager'],
    queryFn: () => listUsers('partner_manager'),
    enabled: isAdmin && opened,
  });
  const mutation = useMutation({
    mutationFn: () =>
      createPartner({
        displayName: displayName.trim(),
        segments: segments as Segment[],
        ...(email.trim() ? { email: email.trim() } : {}),
        ...(country.trim() ? { country: country.trim().toUpperCase() } : {}),
        ...(managerUserId ? { managerUserId } : {}),
      }),
    onSuccess: (p) => {
      void qc.invalidateQueries({ queryKey: ['partners'] });
      setDisplayName('');
      setEmail('');
      setCountry('');
      setSegments([]);
      setManager(null);
      onCreated(p);
    },
  });
  const fields = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};
  const known = ['displayName', 'email', 'country', 'segments', 'managerUserId'];
  const formError = Object.keys(fields).some((k) => known.includes(k)) ? null : mutation.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };

  return (
    <Modal opened={opened} onClose={onClose} title="New partner" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Name"
            description="Person or company; one record across every segment"
            required
            data-autofocus
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            error={fields.displayName}
          />
          <TextInput
            label="E-mail"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fields.email}
          />
          <TextInput
            label="Country"
            description="ISO code, e.g. GB"
            maxLength={2}
            value={country}
            onChange={(e) => setCountry(e.currentTarget.value)}
            error={fields.country}
          />
          <MultiSelect
            label="Segments"
            required
            data={SEGMENTS.map((s) => ({ value: s, label: SEGMENT_LABELS[s] ?? s }))}
            value={segments}
            onChange={setSegments}
            error={fields.segments}
            comboboxProps={{ withinPortal: true }}
          />
          {isAdmin && (
            <Select
              label="Partner manager"
              placeholder={managers.isPending ? 'Loading…' : 'Unassigned'}
              clearable
              data={(managers.data?.items ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
              value={managerUserId}
              onChange={setManager}
              error={fields.managerUserId}
            />
          )}
          <FormError error={formError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              Create partner
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
