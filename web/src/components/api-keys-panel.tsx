import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { createApiKey, listApiKeys, listBrands, listPartners, revokeApiKey } from '../api/endpoints';
import type { ApiKey } from '../api/types';
import { formatDate, formatDateTime } from '../format';
import { ConfirmDialog } from './confirm-dialog';
import { EmptyState, ErrorState, FormError, LoadingState } from './states';

const SCOPES_BY_KIND = {
  operator: [
    { value: 'events:write', label: 'events:write — push customers and transactions' },
    { value: 'activity:write', label: 'activity:write — push activity (bets, trades, purchases)' },
    { value: 'reports:read', label: 'reports:read — read reports' },
  ],
  partner: [
    { value: 'leads:write', label: 'leads:write — push your own leads' },
    { value: 'reports:read', label: 'reports:read — pull your own reports' },
  ],
} as const;

type Mode = 'admin' | 'partner';

function CreateKeyModal({
  mode,
  onClose,
  onCreated,
}: {
  mode: Mode;
  onClose: () => void;
  onCreated: (key: string) => void;
}) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'operator' | 'partner'>(mode === 'partner' ? 'partner' : 'operator');
  const [scopes, setScopes] = useState<string[]>([]);
  const [brandIds, setBrandIds] = useState<string[]>([]);
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const [expires, setExpires] = useState('');
  const brands = useQuery({ queryKey: ['brands'], queryFn: listBrands, enabled: mode === 'admin' });
  const partners = useQuery({
    queryKey: ['partners', 'picker'],
    queryFn: () => listPartners({ limit: 500 }),
    enabled: mode === 'admin' && kind === 'partner',
  });
  const mutation = useMutation({
    mutationFn: () =>
      createApiKey({
        name: name.trim(),
        kind,
        scopes,
        ...(kind === 'operator' && brandIds.length ? { brandIds } : {}),
        ...(mode === 'admin' && kind === 'partner' && partnerId ? { partnerId } : {}),
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
      }),
    onSuccess: (res) => {
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
      onCreated(res.key);
    },
  });
  const fields = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};
  const formError = Object.keys(fields).length ? null : mutation.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };

  return (
    <Modal opened onClose={onClose} title="New API key" centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Name"
            description="What uses this key, e.g. the CRM integration"
            required
            data-autofocus
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fields.name}
          />
          {mode === 'admin' && (
            <div>
              <Text size="sm" fw={500} mb={4} id="key-kind-label">
                Kind
              </Text>
              <SegmentedControl
                aria-labelledby="key-kind-label"
                value={kind}
                onChange={(v) => {
                  setKind(v as 'operator' | 'partner');
                  setScopes([]);
                }}
                data={[
                  { value: 'operator', label: 'Operator integration' },
                  { value: 'partner', label: 'Partner' },
                ]}
              />
            </div>
          )}
          <Checkbox.Group label="Scopes" required value={scopes} onChange={setScopes} error={fields.scopes}>
            <Stack gap={6} mt={6}>
              {SCOPES_BY_KIND[kind].map((s) => (
                <Checkbox key={s.value} value={s.value} label={s.label} />
              ))}
            </Stack>
          </Checkbox.Group>
          {mode === 'admin' && kind === 'operator' && (
            <MultiSelect
              label="Brands"
              description="Leave empty for every brand"
              data={(brands.data?.items ?? []).map((b) => ({ value: b.id, label: b.name }))}
              value={brandIds}
              onChange={setBrandIds}
              error={fields.brandIds}
            />
          )}
          {mode === 'admin' && kind === 'partner' && (
            <Select
              label="Partner"
              required
              searchable
              data={(partners.data?.items ?? []).map((p) => ({ value: p.id, label: p.displayName }))}
              value={partnerId}
              onChange={setPartnerId}
              error={fields.partnerId}
            />
          )}
          <TextInput
            label="Expires on"
            description="Optional; the key stops working at the end of that day"
            type="date"
            value={expires}
            onChange={(e) => setExpires(e.currentTarget.value)}
            error={fields.expiresAt}
          />
          <FormError error={formError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              Create key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ShowOnce({ value, onClose }: { value: string; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title="Your new API key" centered size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="yellow" icon={<IconAlertTriangle aria-hidden />} title="Shown only once">
          Copy the key now and store it in a secret manager. Consort keeps only its hash: nobody can show it
          again.
        </Alert>
        <Code block className="mono" data-testid="new-api-key">
          {value}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={value}>
            {({ copied, copy }) => (
              <Button
                variant="light"
                onClick={copy}
                leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              >
                {copied ? 'Copied' : 'Copy key'}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onClose}>I have stored it</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function keyState(k: ApiKey): { label: string; color: string } {
  if (k.revokedAt) return { label: 'revoked', color: 'red' };
  if (k.expiresAt && new Date(k.expiresAt) < new Date()) return { label: 'expired', color: 'orange' };
  return { label: 'active', color: 'green' };
}

/** API keys: list, create (shown once) and revoke; admins see every key, partners their own. */
export function ApiKeysPanel({ mode }: { mode: Mode }) {
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: listApiKeys });
  const brands = useQuery({ queryKey: ['brands'], queryFn: listBrands, enabled: mode === 'admin' });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => revokeApiKey(id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
      setRevoking(null);
    },
  });
  const brandName = (id: string) => brands.data?.items.find((b) => b.id === id)?.code ?? id.slice(0, 8);

  return (
    <>
      <Group justify="flex-end" mb="md">
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New API key
        </Button>
      </Group>
      {keys.isPending ? (
        <LoadingState />
      ) : keys.isError ? (
        <ErrorState error={keys.error} retry={() => keys.refetch()} />
      ) : keys.data.items.length === 0 ? (
        <EmptyState title="No API keys yet">
          {mode === 'partner'
            ? 'Create a key to push leads or pull your reports from your own systems.'
            : 'Create a key for an operator integration or a partner.'}
        </EmptyState>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={820}>
            <Table verticalSpacing="sm" striped aria-label="API keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  {mode === 'admin' && <Table.Th>Kind</Table.Th>}
                  <Table.Th>Scopes</Table.Th>
                  {mode === 'admin' && <Table.Th>Brands</Table.Th>}
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {keys.data.items.map((k) => {
                  const st = keyState(k);
                  return (
                    <Table.Tr key={k.id}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {k.name}
                        </Text>
                        <Text size="xs" c="dimmed" className="mono">
                          {k.prefix}…
                        </Text>
                      </Table.Td>
                      {mode === 'admin' && <Table.Td>{k.kind}</Table.Td>}
                      <Table.Td>
                        <Group gap={4}>
                          {k.scopes.map((s) => (
                            <Badge key={s} size="sm" variant="outline" color="gray">
                              {s}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      {mode === 'admin' && (
                        <Table.Td>
                          {k.kind === 'partner'
                            ? '—'
                            : k.brandIds.length
                              ? k.brandIds.map(brandName).join(', ')
                              : 'all'}
                        </Table.Td>
                      )}
                      <Table.Td>{formatDate(k.createdAt)}</Table.Td>
                      <Table.Td>{k.expiresAt ? formatDate(k.expiresAt) : 'never'}</Table.Td>
                      <Table.Td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'never'}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={st.color}>
                          {st.label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {!k.revokedAt && (
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color="red"
                            onClick={() => setRevoking(k)}
                            aria-label={`Revoke ${k.name}`}
                          >
                            Revoke
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {creating && (
        <CreateKeyModal
          mode={mode}
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
          }}
        />
      )}
      {created && <ShowOnce value={created} onClose={() => setCreated(null)} />}
      <ConfirmDialog
        opened={!!revoking}
        title="Revoke this API key?"
        confirmLabel="Revoke key"
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        loading={revoke.isPending}
        error={revoke.error}
      >
        Requests with “{revoking?.name}” fail from now on. This cannot be undone: a revoked key stays revoked.
      </ConfirmDialog>
    </>
  );
}
