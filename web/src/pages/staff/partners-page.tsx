import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Menu,
  Pagination,
  Paper,
  Popover,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useLocalStorage } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconBookmark, IconColumns, IconDownload, IconPlus, IconTrash } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { can } from '../../access';
import { describeError } from '../../api/client';
import { listPartners, listUsers } from '../../api/endpoints';
import { type Partner, SEGMENTS, type Segment } from '../../api/types';
import { PartnerBulkBar } from '../../components/partner-bulk-bar';
import { CreatePartnerModal } from '../../components/partner-form';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '../../components/states';
import { downloadText, toCsv } from '../../csv';
import {
  formatDate,
  label,
  PARTNER_STATUSES,
  SEGMENT_LABELS,
  STATUS_LABELS,
  statusColor,
} from '../../format';
import { useSession } from '../../session';

const PAGE_SIZE = 25;

const COLUMNS = [
  { key: 'email', label: 'E-mail' },
  { key: 'country', label: 'Country' },
  { key: 'segments', label: 'Segments' },
  { key: 'status', label: 'Status' },
  { key: 'manager', label: 'Manager' },
  { key: 'createdAt', label: 'Created' },
] as const;
type ColumnKey = (typeof COLUMNS)[number]['key'];

interface SavedView {
  name: string;
  search: string;
}

export function PartnersPage() {
  const { user } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const segment = (params.get('segment') as Segment | null) ?? undefined;
  const status = params.get('status') ?? undefined;
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [viewName, setViewName] = useState('');
  const [selected, setSelected] = useState<Map<string, Partner>>(new Map());
  const toggle = (p: Partner, on: boolean) => {
    const next = new Map(selected);
    if (on) next.set(p.id, p);
    else next.delete(p.id);
    setSelected(next);
  };
  const [columns, setColumns] = useLocalStorage<ColumnKey[]>({
    key: 'consort.partners.columns',
    defaultValue: ['country', 'segments', 'status', 'manager', 'createdAt'],
  });
  const [views, setViews] = useLocalStorage<SavedView[]>({ key: 'consort.partners.views', defaultValue: [] });

  const query = useQuery({
    queryKey: ['partners', 'list', segment, status, page],
    queryFn: () => listPartners({ segment, status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const managers = useQuery({
    queryKey: ['users', 'partner_manager'],
    queryFn: () => listUsers('partner_manager'),
    enabled: user.role === 'admin',
  });
  const managerName = (id: string | null) => {
    if (!id) return 'Unassigned';
    if (id === user.id) return 'You';
    return managers.data?.items.find((u) => u.id === id)?.displayName ?? 'Assigned';
  };

  const setFilter = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('page');
    setParams(next);
  };

  const show = (k: ColumnKey) => columns.includes(k);
  const total = query.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  const exportCsv = async () => {
    setExporting(true);
    try {
      const all: Partner[] = [];
      for (let offset = 0; ; offset += 500) {
        const chunk = await listPartners({ segment, status, limit: 500, offset });
        all.push(...chunk.items);
        if (all.length >= chunk.total || chunk.items.length === 0) break;
      }
      const visible = COLUMNS.filter((c) => show(c.key));
      const csv = toCsv(
        ['id', 'name', ...visible.map((c) => c.label)],
        all.map((p) => [
          p.id,
          p.displayName,
          ...visible.map((c) => {
            switch (c.key) {
              case 'segments':
                return p.segments.join(' ');
              case 'manager':
                return managerName(p.managerUserId);
              default:
                return p[c.key];
            }
          }),
        ]),
      );
      downloadText(`partners-${new Date().toISOString().slice(0, 10)}.csv`, csv);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Export failed', message: describeError(err) });
    } finally {
      setExporting(false);
    }
  };

  const saveView = () => {
    const name = viewName.trim();
    if (!name) return;
    const search = new URLSearchParams(params);
    search.delete('page');
    setViews([...views.filter((v) => v.name !== name), { name, search: search.toString() }]);
    setViewName('');
  };

  return (
    <>
      <PageHeader
        title="Partners"
        description={
          user.role === 'partner_manager'
            ? 'The partners in your portfolio.'
            : 'One record per person or company, across every segment.'
        }
        actions={
          can(user.role, 'createPartner') && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New partner
            </Button>
          )
        }
      />
      <Paper withBorder p="sm" radius="md" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="Segment"
            placeholder="All segments"
            clearable
            w={180}
            data={SEGMENTS.map((s) => ({ value: s, label: SEGMENT_LABELS[s] ?? s }))}
            value={segment ?? null}
            onChange={(v) => setFilter('segment', v)}
          />
          <Select
            label="Status"
            placeholder="All statuses"
            clearable
            w={180}
            data={PARTNER_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] ?? s }))}
            value={status ?? null}
            onChange={(v) => setFilter('status', v)}
          />
          <Menu position="bottom-start" withinPortal closeOnItemClick={false}>
            <Menu.Target>
              <Button variant="default" leftSection={<IconBookmark size={16} />}>
                Saved filters{views.length ? ` (${views.length})` : ''}
              </Button>
            </Menu.Target>
            <Menu.Dropdown miw={260}>
              {views.length === 0 && <Menu.Label>No saved filters yet</Menu.Label>}
              {views.map((v) => (
                <Group key={v.name} gap={0} wrap="nowrap">
                  <Menu.Item onClick={() => setParams(new URLSearchParams(v.search))} style={{ flex: 1 }}>
                    {v.name}
                  </Menu.Item>
                  <Button
                    variant="subtle"
                    color="red"
                    size="compact-sm"
                    aria-label={`Delete saved filter ${v.name}`}
                    onClick={() => setViews(views.filter((x) => x.name !== v.name))}
                  >
                    <IconTrash size={14} />
                  </Button>
                </Group>
              ))}
              <Menu.Divider />
              <Group p="xs" gap="xs" wrap="nowrap">
                <TextInput
                  size="xs"
                  placeholder="Name this filter"
                  aria-label="Name of the filter to save"
                  value={viewName}
                  onChange={(e) => setViewName(e.currentTarget.value)}
                  onKeyDown={(e) => e.key === 'Enter' && saveView()}
                />
                <Button size="xs" onClick={saveView} disabled={!viewName.trim()}>
                  Save
                </Button>
              </Group>
            </Menu.Dropdown>
          </Menu>
          <Popover position="bottom-start" withinPortal>
            <Popover.Target>
              <Button variant="default" leftSection={<IconColumns size={16} />}>
                Columns
              </Button>
            </Popover.Target>
            <Popover.Dropdown>
              <Stack gap="xs" role="group" aria-label="Visible columns">
                {COLUMNS.map((c) => (
                  <Checkbox
                    key={c.key}
                    label={c.label}
                    checked={show(c.key)}
                    onChange={(e) =>
                      setColumns(
                        e.currentTarget.checked ? [...columns, c.key] : columns.filter((k) => k !== c.key),
                      )
                    }
                  />
                ))}
                <Text size="xs" c="dimmed" maw={220}>
                  Clicks, registrations, FTDs, revenue, commission and EPC columns need the reporting API.
                </Text>
              </Stack>
            </Popover.Dropdown>
          </Popover>
          <Button
            variant="default"
            leftSection={<IconDownload size={16} />}
            onClick={exportCsv}
            loading={exporting}
            disabled={total === 0}
          >
            Export CSV
          </Button>
        </Group>
      </Paper>

      {selected.size > 0 && (
        <PartnerBulkBar selected={[...selected.values()]} onDone={() => setSelected(new Map())} />
      )}
      {query.isPending ? (
        <LoadingState label="Loading partners…" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => query.refetch()} />
      ) : query.data.items.length === 0 ? (
        <EmptyState title={segment || status ? 'No partners match these filters' : 'No partners yet'}>
          {segment || status
            ? 'Clear a filter to see more.'
            : can(user.role, 'createPartner')
              ? 'Create the first partner, or wait for applications to arrive.'
              : 'Partners appear here once they apply or staff create them.'}
        </EmptyState>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label="Partners">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label="Select all partners on this page"
                      checked={
                        query.data.items.length > 0 && query.data.items.every((p) => selected.has(p.id))
                      }
                      indeterminate={
                        query.data.items.some((p) => selected.has(p.id)) &&
                        !query.data.items.every((p) => selected.has(p.id))
                      }
                      onChange={(e) => {
                        const on = e.currentTarget.checked;
                        const next = new Map(selected);
                        for (const p of query.data.items) {
                          if (on) next.set(p.id, p);
                          else next.delete(p.id);
                        }
                        setSelected(next);
                      }}
                    />
                  </Table.Th>
                  <Table.Th>Name</Table.Th>
                  {COLUMNS.filter((c) => show(c.key)).map((c) => (
                    <Table.Th key={c.key}>{c.label}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {query.data.items.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select ${p.displayName}`}
                        checked={selected.has(p.id)}
                        onChange={(e) => toggle(p, e.currentTarget.checked)}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/partners/${p.id}`} fw={600}>
                        {p.displayName}
                      </Anchor>
                    </Table.Td>
                    {show('email') && <Table.Td>{p.email ?? '—'}</Table.Td>}
                    {show('country') && <Table.Td>{p.country ?? '—'}</Table.Td>}
                    {show('segments') && (
                      <Table.Td>
                        <Group gap={4}>
                          {p.segments.map((s) => (
                            <Badge key={s} variant="outline" color="gray" size="sm">
                              {label(SEGMENT_LABELS, s)}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                    )}
                    {show('status') && (
                      <Table.Td>
                        <Badge color={statusColor(p.status)} variant="light">
                          {label(STATUS_LABELS, p.status)}
                        </Badge>
                      </Table.Td>
                    )}
                    {show('manager') && <Table.Td>{managerName(p.managerUserId)}</Table.Td>}
                    {show('createdAt') && <Table.Td>{formatDate(p.createdAt)}</Table.Td>}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between" p="sm">
            <Text size="sm" c="dimmed">
              {total} partner{total === 1 ? '' : 's'}
            </Text>
            {pages > 1 && (
              <Pagination
                total={pages}
                value={page}
                onChange={(p) => {
                  const next = new URLSearchParams(params);
                  next.set('page', String(p));
                  setParams(next);
                }}
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
              />
            )}
          </Group>
        </Paper>
      )}
      <CreatePartnerModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(p) => {
          setCreating(false);
          notifications.show({ color: 'green', message: `${p.displayName} created.` });
          navigate(`/partners/${p.id}`);
        }}
      />
    </>
  );
}
