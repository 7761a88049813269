import {
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  MultiSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconEye } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { can } from '../../access';
import { ApiError } from '../../api/client';
import {
  addPartnerNote,
  documentContentUrl,
  getPartner,
  getPartnerContracts,
  getPartnerDocuments,
  getPartnerTimeline,
  getPartnerTracking,
  issueContract,
  listBrands,
  listUsers,
  reviewDocument,
} from '../../api/endpoints';
import type { Brand, PartnerDetail, PartnerDocument, Segment } from '../../api/types';
import { startViewAs } from '../../api/endpoints';
import { AuditTable } from '../../components/audit-table';
import { StaffClaims } from '../../components/claims';
import { PartnerMessages } from '../../components/partner-messages';
import { EmptyState, ErrorState, FormError, LoadingState } from '../../components/states';
import { StatusActions } from '../../components/status-actions';
import { PartnerMoneyTab } from './partner-money-tab';
import { CustomersTab, RemindersPanel, SubPartnerTotalsTab } from './partner-extra-tabs';
import { DOC_TYPE_LABELS, VettingChecklist } from '../../components/vetting-checklist';
import { formatDate, formatDateTime, label, SEGMENT_LABELS, STATUS_LABELS, statusColor } from '../../format';
import { useSession } from '../../session';
import { setViewAs, useSwitchIdentity } from '../../view-as';

function Fact({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {name}
      </Text>
      <Text size="sm" mt={2} component="div">
        {children || '—'}
      </Text>
    </div>
  );
}

function useBrands() {
  return useQuery({ queryKey: ['brands'], queryFn: listBrands });
}

function brandName(brands: Brand[] | undefined, id: string) {
  return brands?.find((b) => b.id === id)?.name ?? id.slice(0, 8);
}

function OverviewTab({ p, manager }: { p: PartnerDetail; manager: string }) {
  const brands = useBrands();
  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="lg">
          <Fact name="E-mail">{p.email}</Fact>
          <Fact name="Country">{p.country}</Fact>
          <Fact name="Partner manager">{manager}</Fact>
          <Fact name="Legal name">{p.legalName}</Fact>
          <Fact name="Company">
            {p.companyName ? `${p.companyName}${p.companyNumber ? ` (${p.companyNumber})` : ''}` : null}
          </Fact>
          <Fact name="Website">{p.website}</Fact>
          <Fact name="Tier">{p.tier}</Fact>
          <Fact name="Tax form">{p.taxFormStatus?.replace(/_/g, ' ')}</Fact>
          <Fact name="Tags">{p.tags?.length ? p.tags.join(', ') : null}</Fact>
          <Fact name="Onboarded">{p.onboardedAt ? formatDate(p.onboardedAt) : null}</Fact>
          <Fact name="Activated">{p.activatedAt ? formatDate(p.activatedAt) : null}</Fact>
          <Fact name="Created">{formatDateTime(p.createdAt)}</Fact>
          <Fact name="Brands">
            {p.brands?.length
              ? p.brands.map((b) => brandName(brands.data?.items, b.brandId)).join(', ')
              : null}
          </Fact>
          <Fact name="Partner id">
            <span className="mono">{p.id}</span>
          </Fact>
        </SimpleGrid>
      </Paper>
      {(p.commissionHeld || p.payoutsBlocked) && (
        <Text size="sm" c="red.8">
          While suspended, commissions are held and payouts blocked.
        </Text>
      )}
    </Stack>
  );
}

function ReviewModal({ doc, onClose }: { doc: PartnerDocument; onClose: () => void }) {
  const qc = useQueryClient();
  const [decision, setDecision] = useState<'approved' | 'rejected'>('approved');
  const [note, setNote] = useState('');
  const [expiresOn, setExpiresOn] = useState(doc.expiresOn ?? '');
  const mutation = useMutation({
    mutationFn: () =>
      reviewDocument(doc.id, {
        decision,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(expiresOn ? { expiresOn } : {}),
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['partners'] });
      notifications.show({ color: 'green', message: `Document ${decision}.` });
      onClose();
    },
  });
  const fields = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};
  return (
    <Modal
      opened
      onClose={onClose}
      title={`Review ${label(DOC_TYPE_LABELS, doc.type).toLowerCase()}`}
      centered
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          mutation.mutate();
        }}
        noValidate
      >
        <Stack>
          <Text size="sm">
            <Anchor href={documentContentUrl(doc.id)} target="_blank" rel="noopener">
              Open {doc.fileName}
            </Anchor>{' '}
            ({Math.ceil(doc.sizeBytes / 1024)} KB) and check it against the vetting checklist.
          </Text>
          <Select
            label="Decision"
            allowDeselect={false}
            data={[
              { value: 'approved', label: 'Approve' },
              { value: 'rejected', label: 'Reject' },
            ]}
            value={decision}
            onChange={(v) => v && setDecision(v as 'approved' | 'rejected')}
          />
          <TextInput
            label="Valid until"
            type="date"
            value={expiresOn}
            onChange={(e) => setExpiresOn(e.currentTarget.value)}
            error={fields.expiresOn}
          />
          <Textarea
            label="Note"
            description={decision === 'rejected' ? 'Tell the partner what to fix' : 'Optional'}
            required={decision === 'rejected'}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={fields.note}
          />
          <FormError error={Object.keys(fields).length ? null : mutation.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              color={decision === 'rejected' ? 'red' : undefined}
              loading={mutation.isPending}
            >
              {decision === 'approved' ? 'Approve document' : 'Reject document'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DocumentsTab({ partnerId }: { partnerId: string }) {
  const role = useSession().user.role;
  const docs = useQuery({
    queryKey: ['partners', 'documents', partnerId],
    queryFn: () => getPartnerDocuments(partnerId),
  });
  const [reviewing, setReviewing] = useState<PartnerDocument | null>(null);
  if (docs.isPending) return <LoadingState />;
  if (docs.isError) return <ErrorState error={docs.error} retry={() => docs.refetch()} />;
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="sm">
          Vetting checklist
        </Title>
        <VettingChecklist items={docs.data.checklist} />
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="sm">
          Uploaded documents
        </Title>
        {docs.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing uploaded yet. The partner uploads documents in the portal.
          </Text>
        ) : (
          <Table verticalSpacing="xs" aria-label="Documents">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Document</Table.Th>
                <Table.Th>Review</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {docs.data.items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {label(DOC_TYPE_LABELS, d.type)}
                    </Text>
                    <Anchor size="xs" href={documentContentUrl(d.id)} target="_blank" rel="noopener">
                      {d.fileName}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      uploaded {formatDate(d.createdAt)}
                      {d.expiresOn ? ` · valid until ${formatDate(d.expiresOn)}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={
                        d.reviewStatus === 'approved'
                          ? 'green'
                          : d.reviewStatus === 'rejected'
                            ? 'red'
                            : 'yellow'
                      }
                    >
                      {d.reviewStatus}
                    </Badge>
                    {d.reviewNote && (
                      <Text size="xs" c="dimmed">
                        {d.reviewNote}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {can(role, 'reviewDocuments') && !d.erased && (
                      <Button
                        size="compact-sm"
                        variant="light"
                        onClick={() => setReviewing(d)}
                        aria-label={`Review ${d.fileName}`}
                      >
                        Review
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {reviewing && <ReviewModal doc={reviewing} onClose={() => setReviewing(null)} />}
    </SimpleGrid>
  );
}

function IssueContractModal({ p, onClose }: { p: PartnerDetail; onClose: () => void }) {
  const qc = useQueryClient();
  const brands = useBrands();
  const [brandId, setBrandId] = useState<string | null>(p.brands?.[0]?.brandId ?? null);
  const [segments, setSegments] = useState<string[]>(p.segments);
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const mutation = useMutation({
    mutationFn: () =>
      issueContract(p.id, {
        brandId: brandId ?? '',
        segments: segments as Segment[],
        ...(effectiveFrom ? { effectiveFrom } : {}),
      }),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: ['partners'] });
      notifications.show({
        color: 'green',
        message: `Contract version ${c.version} issued; the partner is asked to accept it.`,
      });
      onClose();
    },
  });
  const fields = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};
  return (
    <Modal opened onClose={onClose} title="Issue a contract" centered>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          mutation.mutate();
        }}
        noValidate
      >
        <Stack>
          <Text size="sm">
            One unified contract for the chosen segments at one brand, rendered from the latest deal
            templates.
          </Text>
          <Select
            label="Brand"
            required
            data={(brands.data?.items ?? []).map((b) => ({ value: b.id, label: b.name }))}
            value={brandId}
            onChange={setBrandId}
            error={fields.brandId}
          />
          <MultiSelect
            label="Segments"
            required
            data={p.segments.map((s) => ({ value: s, label: label(SEGMENT_LABELS, s) }))}
            value={segments}
            onChange={setSegments}
            error={fields.segments}
          />
          <TextInput
            label="Effective from"
            type="date"
            description="Optional; today when empty"
            value={effectiveFrom}
            onChange={(e) => setEffectiveFrom(e.currentTarget.value)}
            error={fields.effectiveFrom}
          />
          <FormError error={Object.keys(fields).length ? null : mutation.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} disabled={!brandId || segments.length === 0}>
              Issue contract
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ContractsTab({ p }: { p: PartnerDetail }) {
  const role = useSession().user.role;
  const brands = useBrands();
  const contracts = useQuery({
    queryKey: ['partners', 'contracts', p.id],
    queryFn: () => getPartnerContracts(p.id),
  });
  const [issuing, setIssuing] = useState(false);
  return (
    <Stack>
      {can(role, 'issueContracts') && (
        <Group justify="flex-end">
          <Button onClick={() => setIssuing(true)}>Issue contract</Button>
        </Group>
      )}
      {contracts.isPending ? (
        <LoadingState />
      ) : contracts.isError ? (
        <ErrorState error={contracts.error} retry={() => contracts.refetch()} />
      ) : contracts.data.items.length === 0 ? (
        <EmptyState title="No contracts yet">A contract is issued once the partner is approved.</EmptyState>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={680}>
            <Table verticalSpacing="sm" aria-label="Contracts">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Brand</Table.Th>
                  <Table.Th>Segments</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Issued</Table.Th>
                  <Table.Th>Accepted</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {contracts.data.items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>v{c.version}</Table.Td>
                    <Table.Td>{brandName(brands.data?.items, c.brandId)}</Table.Td>
                    <Table.Td>{c.segments.map((s) => label(SEGMENT_LABELS, s)).join(', ')}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={c.acceptedAt ? 'green' : 'yellow'}>
                        {c.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDateTime(c.issuedAt)}</Table.Td>
                    <Table.Td>
                      {c.acceptedAt ? (
                        <>
                          <Text size="sm">{formatDateTime(c.acceptedAt)}</Text>
                          <Text size="xs" c="dimmed" className="mono" title={c.acceptedSha256 ?? ''}>
                            {c.acceptedIp} · sha256 {c.acceptedSha256?.slice(0, 12)}…
                          </Text>
                        </>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {issuing && <IssueContractModal p={p} onClose={() => setIssuing(false)} />}
    </Stack>
  );
}

function TrackingTab({ partnerId }: { partnerId: string }) {
  const brands = useBrands();
  const tracking = useQuery({
    queryKey: ['partners', 'tracking', partnerId],
    queryFn: () => getPartnerTracking(partnerId),
  });
  if (tracking.isPending) return <LoadingState />;
  if (tracking.isError) return <ErrorState error={tracking.error} retry={() => tracking.refetch()} />;
  const { links, promoCodes } = tracking.data;
  if (links.length === 0 && promoCodes.length === 0) {
    return (
      <EmptyState title="No links or codes yet">Active partners create links in their portal.</EmptyState>
    );
  }
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={680}>
        <Table verticalSpacing="sm" aria-label="Links and codes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Name / code</Table.Th>
              <Table.Th>Brand</Table.Th>
              <Table.Th>Segment</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {links.map((l) => (
              <Table.Tr key={l.id}>
                <Table.Td>Link</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {l.name}
                  </Text>
                  <Text size="xs" className="mono">
                    /r/{l.code}
                  </Text>
                </Table.Td>
                <Table.Td>{brandName(brands.data?.items, l.brandId)}</Table.Td>
                <Table.Td>{label(SEGMENT_LABELS, l.segment)}</Table.Td>
                <Table.Td>{l.status}</Table.Td>
                <Table.Td>{formatDate(l.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
            {promoCodes.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>Promo code</Table.Td>
                <Table.Td className="mono">{c.code}</Table.Td>
                <Table.Td>{brandName(brands.data?.items, c.brandId)}</Table.Td>
                <Table.Td>{label(SEGMENT_LABELS, c.segment)}</Table.Td>
                <Table.Td>{c.status}</Table.Td>
                <Table.Td>{formatDate(c.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function TimelineTab({ partnerId }: { partnerId: string }) {
  const role = useSession().user.role;
  const qc = useQueryClient();
  const timeline = useQuery({
    queryKey: ['partners', 'timeline', partnerId],
    queryFn: () => getPartnerTimeline(partnerId),
  });
  const [note, setNote] = useState('');
  const [remindOn, setRemindOn] = useState('');
  const add = useMutation({
    mutationFn: () => addPartnerNote(partnerId, note.trim(), remindOn || undefined),
    onSuccess: () => {
      setNote('');
      setRemindOn('');
      void qc.invalidateQueries({ queryKey: ['partners', 'timeline', partnerId] });
    },
  });
  const fields = add.error instanceof ApiError ? add.error.fieldErrors : {};
  return (
    <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="md">
      <div style={{ gridColumn: '1 / -1' }}>
        {can(role, 'addNote') && (
          <Paper
            withBorder
            p="md"
            radius="md"
            component="form"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              add.mutate();
            }}
          >
            <Group align="flex-end" wrap="wrap">
              <Textarea
                label="Add a note"
                autosize
                minRows={1}
                style={{ flex: 1, minWidth: 240 }}
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
                error={fields.body}
              />
              <TextInput
                label="Remind me on"
                type="date"
                value={remindOn}
                onChange={(e) => setRemindOn(e.currentTarget.value)}
                error={fields.remindOn}
              />
              <Button type="submit" loading={add.isPending} disabled={!note.trim()}>
                Add note
              </Button>
            </Group>
            <FormError error={Object.keys(fields).length ? null : add.error} />
          </Paper>
        )}
      </div>
      <div style={{ gridColumn: '1 / -1' }}>
        {timeline.isPending ? (
          <LoadingState />
        ) : timeline.isError ? (
          <ErrorState error={timeline.error} retry={() => timeline.refetch()} />
        ) : timeline.data.items.length === 0 ? (
          <EmptyState title="Nothing on the timeline yet" />
        ) : (
          <Stack
            gap="xs"
            component="ol"
            style={{ listStyle: 'none', margin: 0, padding: 0 }}
            aria-label="Timeline"
          >
            {[...timeline.data.items].reverse().map((t) => (
              <Paper component="li" key={t.id} withBorder p="sm" radius="sm">
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <div>
                    <Text size="sm">{t.summary}</Text>
                    <Text size="xs" c="dimmed">
                      {t.kind.replace(/_/g, ' ')} · {t.actorType}
                    </Text>
                  </div>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(t.occurredAt)}
                  </Text>
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
      </div>
    </SimpleGrid>
  );
}

/** Opens the partner's portal read-only under a banner (audited server-side). */
function ViewAsButton({ partnerId }: { partnerId: string }) {
  const navigate = useNavigate();
  const switchIdentity = useSwitchIdentity();
  const start = useMutation({
    mutationFn: () => startViewAs(partnerId),
    onSuccess: (g) => {
      setViewAs({
        grantId: g.grantId,
        partnerId: g.partnerId,
        partnerName: g.partnerName,
        expiresAt: g.expiresAt,
      });
      switchIdentity();
      navigate('/portal');
    },
  });
  return (
    <Stack gap={4} align="flex-end">
      <Button
        variant="default"
        leftSection={<IconEye size={16} aria-hidden />}
        loading={start.isPending}
        onClick={() => start.mutate()}
      >
        View as partner
      </Button>
      <FormError error={start.error} />
    </Stack>
  );
}

export function PartnerDetailPage() {
  const { id = '' } = useParams();
  const { user } = useSession();
  const role = user.role;
  const partner = useQuery({ queryKey: ['partners', 'one', id], queryFn: () => getPartner(id) });
  const managers = useQuery({
    queryKey: ['users', 'partner_manager'],
    queryFn: () => listUsers('partner_manager'),
    enabled: role === 'admin',
  });

  const back = (
    <Anchor component={Link} to="/partners" size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden /> Partners
      </Group>
    </Anchor>
  );

  if (partner.isPending) return <LoadingState label="Loading partner…" />;
  if (partner.isError) {
    if (partner.error instanceof ApiError && partner.error.status === 404) {
      return (
        <Stack>
          {back}
          <EmptyState title="Partner not found">
            It does not exist, or it is outside your portfolio.
          </EmptyState>
        </Stack>
      );
    }
    return <ErrorState error={partner.error} retry={() => partner.refetch()} />;
  }
  const p = partner.data;
  const manager =
    p.managerUserId === null
      ? 'Unassigned'
      : p.managerUserId === user.id
        ? 'You'
        : (managers.data?.items.find((u) => u.id === p.managerUserId)?.displayName ?? 'Assigned');

  return (
    <Stack gap="md">
      {back}
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            {p.displayName}
          </Title>
          <Group gap={6} mt={6}>
            <Badge color={statusColor(p.status)} variant="light">
              {label(STATUS_LABELS, p.status)}
            </Badge>
            {p.segments.map((s) => (
              <Badge key={s} variant="outline" color="gray">
                {label(SEGMENT_LABELS, s)}
              </Badge>
            ))}
          </Group>
          {p.statusReason && (
            <Text size="sm" c="dimmed" mt={4}>
              Reason: {p.statusReason}
            </Text>
          )}
        </div>
        <Group gap="sm" align="flex-start">
          {can(role, 'viewAsPartner') && <ViewAsButton partnerId={p.id} />}
          {can(role, 'changeStatus') && <StatusActions partner={p} />}
        </Group>
      </Group>
      <Tabs
        key={new URLSearchParams(location.search).get('tab') ?? 'overview'}
        defaultValue={new URLSearchParams(location.search).get('tab') ?? 'overview'}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          {can(role, 'readDocuments') && <Tabs.Tab value="documents">Documents</Tabs.Tab>}
          <Tabs.Tab value="contracts">Contracts</Tabs.Tab>
          <Tabs.Tab value="tracking">Links and codes</Tabs.Tab>
          <Tabs.Tab value="customers">Customers</Tabs.Tab>
          {can(role, 'money') && <Tabs.Tab value="money">Commissions and balance</Tabs.Tab>}
          <Tabs.Tab value="subs">Sub-partners</Tabs.Tab>
          <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
          <Tabs.Tab value="claims">Claims</Tabs.Tab>
          {can(role, 'messages') && <Tabs.Tab value="messages">Messages</Tabs.Tab>}
          {can(role, 'audit') && <Tabs.Tab value="history">Audit history</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <OverviewTab p={p} manager={manager} />
        </Tabs.Panel>
        {can(role, 'readDocuments') && (
          <Tabs.Panel value="documents" pt="md">
            <DocumentsTab partnerId={p.id} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="contracts" pt="md">
          <ContractsTab p={p} />
        </Tabs.Panel>
        <Tabs.Panel value="tracking" pt="md">
          <TrackingTab partnerId={p.id} />
        </Tabs.Panel>
        {can(role, 'money') && (
          <Tabs.Panel value="money" pt="md">
            <PartnerMoneyTab partnerId={p.id} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="customers" pt="md">
          <CustomersTab partnerId={p.id} />
        </Tabs.Panel>
        <Tabs.Panel value="subs" pt="md">
          <SubPartnerTotalsTab partnerId={p.id} />
        </Tabs.Panel>
        <Tabs.Panel value="claims" pt="md">
          <StaffClaims partnerId={p.id} />
        </Tabs.Panel>
        <Tabs.Panel value="timeline" pt="md">
          <RemindersPanel partnerId={p.id} />
          <TimelineTab partnerId={p.id} />
        </Tabs.Panel>
        {can(role, 'messages') && (
          <Tabs.Panel value="messages" pt="md">
            <PartnerMessages partnerId={p.id} />
          </Tabs.Panel>
        )}
        {can(role, 'audit') && (
          <Tabs.Panel value="history" pt="md">
            <AuditTable
              query={{ entityType: 'partner', entityId: p.id }}
              emptyText="No recorded changes to this partner yet."
            />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
