import {
  ActionIcon,
  Badge,
  Button,
  CopyButton,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { QRCodeSVG } from 'qrcode.react';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { createPortalLink, getPortalBalance, getPortalProfile, getPortalTracking } from '../../api/endpoints';
import type { Segment, TrackingLink } from '../../api/types';
import { PauseAssetAction } from '../../components/pause-asset';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { formatDate, label, SEGMENT_LABELS } from '../../format';
import { LinkStats } from './link-stats';

const SUBS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;

export function linkUrl(l: Pick<TrackingLink, 'code' | 'subIds'>): string {
  const q = new URLSearchParams(Object.entries(l.subIds ?? {}).filter(([, v]) => v));
  const s = q.toString();
  return `${window.location.origin}/r/${l.code}${s ? `?${s}` : ''}`;
}

export function Copy({ value, what }: { value: string; what: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : `Copy ${what}`}>
          <ActionIcon variant="subtle" onClick={copy} aria-label={`Copy ${what}`}>
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

export function PortalLinksPage() {
  const qc = useQueryClient();
  const profile = useQuery({ queryKey: ['portal', 'profile'], queryFn: getPortalProfile });
  const tracking = useQuery({ queryKey: ['portal', 'tracking'], queryFn: getPortalTracking });
  // The brand programs the partner belongs to, with their names (the balance card lists them).
  const programs = useQuery({ queryKey: ['portal', 'balance'], queryFn: getPortalBalance });
  const [name, setName] = useState('');
  const [segment, setSegment] = useState<string | null>(null);
  const [brandId, setBrandId] = useState<string | null>(null);
  const [subs, setSubs] = useState<Record<string, string>>({});
  const [qr, setQr] = useState<TrackingLink | null>(null);
  const create = useMutation({
    mutationFn: () =>
      createPortalLink({
        brandId: brandId ?? '',
        segment: (segment ?? '') as Segment,
        name: name.trim(),
        subIds: Object.fromEntries(Object.entries(subs).filter(([, v]) => v.trim())),
      }),
    onSuccess: (l) => {
      void qc.invalidateQueries({ queryKey: ['portal', 'tracking'] });
      notifications.show({ color: 'green', message: `Link “${l.name}” created.` });
      setName('');
      setSubs({});
      setQr(l);
    },
  });
  const fields = create.error instanceof ApiError ? create.error.fieldErrors : {};

  if (profile.isPending || tracking.isPending) return <LoadingState />;
  if (profile.isError || tracking.isError)
    return <ErrorState error={profile.error ?? tracking.error} retry={() => tracking.refetch()} />;
  const p = profile.data;
  const { links, promoCodes } = tracking.data;
  // The portal has no brand list of its own: the brands come from the partner's programs and existing links.
  const brandIds = [
    ...new Set([
      ...(p.brands ?? []).map((b) => b.brandId),
      ...(programs.data?.payouts ?? []).map((b) => b.brandId),
      ...links.map((l) => l.brandId),
      ...promoCodes.map((c) => c.brandId),
    ]),
  ];
  const main = links.find((l) => l.status === 'active') ?? links[0];

  return (
    <>
      <PageHeader
        title="Links and codes"
        description="Tracking links with sub-ids (sub1–sub5), QR codes and your promo codes."
      />
      <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="md" mb="md">
        <Paper withBorder p="md" radius="md" style={{ gridColumn: 'span 1' }}>
          <Title order={2} size="h4" mb="sm">
            New link
          </Title>
          {p.status !== 'active' ? (
            <Text size="sm" c="dimmed">
              Links can be created once your account is active.
            </Text>
          ) : (
            <form
              onSubmit={(e: FormEvent) => {
                e.preventDefault();
                create.mutate();
              }}
              noValidate
            >
              <Stack gap="sm">
                <TextInput
                  label="Name"
                  required
                  description="For your own reference"
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                  error={fields.name}
                />
                <Select
                  label="Segment"
                  required
                  data={p.segments.map((s) => ({ value: s, label: label(SEGMENT_LABELS, s) }))}
                  value={segment}
                  onChange={setSegment}
                  error={fields.segment}
                />
                <Select
                  label="Brand"
                  required
                  data={brandIds.map((id) => ({
                    value: id,
                    label: programs.data?.payouts.find((b) => b.brandId === id)?.brandName ?? id,
                  }))}
                  value={brandId}
                  onChange={setBrandId}
                  error={fields.brandId}
                  placeholder={brandIds.length ? 'Choose a brand' : 'No brand program yet'}
                />
                <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs">
                  {SUBS.map((k) => (
                    <TextInput
                      key={k}
                      label={k}
                      size="xs"
                      value={subs[k] ?? ''}
                      onChange={(e) => setSubs({ ...subs, [k]: e.currentTarget.value })}
                      error={fields.subIds}
                    />
                  ))}
                </SimpleGrid>
                <Text size="xs" c="dimmed">
                  Landing page: the brand's landing page (each brand has one landing URL; ask your partner
                  manager for a deep link).
                </Text>
                <FormError error={Object.keys(fields).length ? null : create.error} />
                <Button
                  type="submit"
                  loading={create.isPending}
                  disabled={!name.trim() || !segment || !brandId}
                >
                  Create link
                </Button>
              </Stack>
            </form>
          )}
        </Paper>
        <Paper withBorder p="md" radius="md" className="overview-wide">
          <Title order={2} size="h4" mb="sm">
            {qr ? `QR code for “${qr.name}”` : 'Your main link'}
          </Title>
          {qr || main ? (
            <Group align="flex-start" wrap="wrap">
              <div
                style={{ background: 'white', padding: 8, border: '1px solid var(--mantine-color-gray-3)' }}
              >
                <QRCodeSVG
                  value={linkUrl((qr ?? main)!)}
                  size={148}
                  title={`QR code of ${linkUrl((qr ?? main)!)}`}
                />
              </div>
              <Stack gap={4} style={{ flex: 1, minWidth: 220 }}>
                <Group gap={4} wrap="nowrap">
                  <Text className="mono" size="sm">
                    {linkUrl((qr ?? main)!)}
                  </Text>
                  <Copy value={linkUrl((qr ?? main)!)} what="link" />
                </Group>
                <Text size="xs" c="dimmed">
                  Share this link; clicks are attributed to you for 30 days (or as your deal says).
                </Text>
              </Stack>
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              No link yet: create one.
            </Text>
          )}
        </Paper>
      </SimpleGrid>
      {links.length === 0 && promoCodes.length === 0 ? (
        <EmptyState title="No links or codes yet" />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" aria-label="Your links and codes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Link or code</Table.Th>
                  <Table.Th>Segment</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {links.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td>{l.name}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Text size="xs" className="mono">
                          {linkUrl(l)}
                        </Text>
                        <Copy value={linkUrl(l)} what={`link ${l.name}`} />
                      </Group>
                    </Table.Td>
                    <Table.Td>{label(SEGMENT_LABELS, l.segment)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={l.status === 'active' ? 'green' : 'gray'}>
                        {l.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDate(l.createdAt)}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          onClick={() => setQr(l)}
                          aria-label={`QR code of ${l.name}`}
                        >
                          QR code
                        </Button>
                        <PauseAssetAction asset={{ ...l, kind: 'link' }} who="partner" />
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
                {promoCodes.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>Promo code</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Text size="sm" className="mono">
                          {c.code}
                        </Text>
                        <Copy value={c.code} what={`code ${c.code}`} />
                      </Group>
                    </Table.Td>
                    <Table.Td>{label(SEGMENT_LABELS, c.segment)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={c.status === 'active' ? 'green' : 'gray'}>
                        {c.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDate(c.createdAt)}</Table.Td>
                    <Table.Td />
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <LinkStats links={links} />
    </>
  );
}
