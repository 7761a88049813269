import {
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCash, IconPencil, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { can } from '../../access';
import { ApiError } from '../../api/client';
import { createBrand, listBrands, updateBrand } from '../../api/endpoints';
import type { Brand } from '../../api/types';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { label, VERTICAL_LABELS } from '../../format';
import { useSession } from '../../session';
import { PayoutSettingsModal } from './brand-payout-settings';

const EMPTY: Omit<Brand, 'id'> = {
  code: '',
  name: '',
  vertical: 'igaming',
  currency: 'EUR',
  timezone: 'UTC',
  jurisdictions: [],
  landingUrlTemplate: 'https://',
  fallbackUrl: 'https://',
};

function BrandModal({
  brand,
  opened,
  onClose,
}: {
  brand: Brand | null;
  opened: boolean;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const [form, setForm] = useState<Omit<Brand, 'id'>>(brand ?? EMPTY);
  const mutation = useMutation({
    mutationFn: () => {
      if (brand) {
        const { code: _c, vertical: _v, currency: _cu, ...changes } = form;
        return updateBrand(brand.id, changes);
      }
      return createBrand(form);
    },
    onSuccess: (b) => {
      void qc.invalidateQueries({ queryKey: ['brands'] });
      notifications.show({ color: 'green', message: `${b.name} ${brand ? 'saved' : 'created'}.` });
      onClose();
    },
  });
  const fields = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};
  const formError = Object.keys(fields).length > 0 && !fields._ ? null : mutation.error;
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [k]: e.currentTarget.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={brand ? `Edit ${brand.name}` : 'New brand'}
      size="lg"
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Code"
              description="Lower-case letters, digits and dashes; fixed once created"
              required
              disabled={!!brand}
              value={form.code}
              onChange={set('code')}
              error={fields.code}
            />
            <TextInput label="Name" required value={form.name} onChange={set('name')} error={fields.name} />
            <Select
              label="Vertical"
              required
              disabled={!!brand}
              data={Object.entries(VERTICAL_LABELS).map(([value, l]) => ({ value, label: l }))}
              value={form.vertical}
              onChange={(v) => v && setForm({ ...form, vertical: v as Brand['vertical'] })}
              error={fields.vertical}
              allowDeselect={false}
            />
            <TextInput
              label="Currency"
              description="ISO 4217, e.g. EUR"
              required
              disabled={!!brand}
              maxLength={3}
              value={form.currency}
              onChange={(e) => setForm({ ...form, currency: e.currentTarget.value.toUpperCase() })}
              error={fields.currency}
            />
            <TextInput
              label="Time zone"
              description="IANA zone, e.g. Europe/Malta"
              value={form.timezone}
              onChange={set('timezone')}
              error={fields.timezone}
            />
            <TagsInput
              label="Jurisdictions"
              description="e.g. MGA, UKGC, CySEC; Enter to add"
              value={form.jurisdictions}
              onChange={(v) => setForm({ ...form, jurisdictions: v })}
              error={fields.jurisdictions}
            />
          </SimpleGrid>
          <TextInput
            label="Landing URL template"
            description="May contain {click_id} and {sub1}…{sub5}"
            required
            value={form.landingUrlTemplate}
            onChange={set('landingUrlTemplate')}
            error={fields.landingUrlTemplate}
          />
          <TextInput
            label="Fallback URL"
            description="Where a link goes when its target is unavailable"
            required
            value={form.fallbackUrl}
            onChange={set('fallbackUrl')}
            error={fields.fallbackUrl}
          />
          <FormError error={formError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {brand ? 'Save brand' : 'Create brand'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function BrandsPage() {
  const { user } = useSession();
  const editable = can(user.role, 'editBrands');
  const payoutSettings = can(user.role, 'payoutSettings');
  const actions = editable || payoutSettings;
  const brands = useQuery({ queryKey: ['brands'], queryFn: listBrands });
  const [editing, setEditing] = useState<Brand | 'new' | null>(null);
  const [settingsOf, setSettingsOf] = useState<Brand | null>(null);

  return (
    <>
      <PageHeader
        title="Brands"
        description={
          payoutSettings
            ? "The operator's brands, each with its vertical, currency and jurisdictions, and its payout settings."
            : "The operator's brands, each with its vertical, currency and jurisdictions."
        }
        actions={
          editable && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              New brand
            </Button>
          )
        }
      />
      {brands.isPending ? (
        <LoadingState />
      ) : brands.isError ? (
        <ErrorState error={brands.error} retry={() => brands.refetch()} />
      ) : brands.data.items.length === 0 ? (
        <EmptyState title="No brands yet">
          {editable ? 'Create the first brand.' : 'An admin creates brands.'}
        </EmptyState>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" striped aria-label="Brands">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Brand</Table.Th>
                  <Table.Th>Vertical</Table.Th>
                  <Table.Th>Currency</Table.Th>
                  <Table.Th>Time zone</Table.Th>
                  <Table.Th>Jurisdictions</Table.Th>
                  {actions && (
                    <Table.Th>
                      <span className="visually-hidden">Actions</span>
                    </Table.Th>
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {brands.data.items.map((b) => (
                  <Table.Tr key={b.id}>
                    <Table.Td>
                      <Text fw={600} size="sm">
                        {b.name}
                      </Text>
                      <Text size="xs" c="dimmed" className="mono">
                        {b.code}
                      </Text>
                    </Table.Td>
                    <Table.Td>{label(VERTICAL_LABELS, b.vertical)}</Table.Td>
                    <Table.Td>{b.currency}</Table.Td>
                    <Table.Td>{b.timezone}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {b.jurisdictions.length === 0
                          ? '—'
                          : b.jurisdictions.map((j) => (
                              <Badge key={j} variant="outline" color="gray" size="sm">
                                {j}
                              </Badge>
                            ))}
                      </Group>
                    </Table.Td>
                    {actions && (
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {editable && (
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              leftSection={<IconPencil size={14} />}
                              onClick={() => setEditing(b)}
                              aria-label={`Edit ${b.name}`}
                            >
                              Edit
                            </Button>
                          )}
                          {payoutSettings && (
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              leftSection={<IconCash size={14} />}
                              onClick={() => setSettingsOf(b)}
                              aria-label={`Payout settings of ${b.name}`}
                            >
                              Payout settings
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {editing && (
        <BrandModal
          key={editing === 'new' ? 'new' : editing.id}
          brand={editing === 'new' ? null : editing}
          opened
          onClose={() => setEditing(null)}
        />
      )}
      {settingsOf && (
        <PayoutSettingsModal key={settingsOf.id} brand={settingsOf} onClose={() => setSettingsOf(null)} />
      )}
    </>
  );
}
