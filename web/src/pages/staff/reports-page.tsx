import {
  Alert,
  Button,
  Checkbox,
  Group,
  Menu,
  Paper,
  Popover,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconColumns, IconDeviceFloppy, IconDownload, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, describeError, saveFile } from '../../api/client';
import {
  type BreakdownQuery,
  deleteSavedReport,
  exportBreakdownCsv,
  getBreakdown,
  listSavedReports,
  saveReport,
} from '../../api/endpoints';
import {
  type Breakdown,
  GROUP_BYS,
  type GroupBy,
  REPORT_COLUMNS,
  type ReportColumn,
  type ReportDefinition,
  type SavedReport,
} from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import {
  defaultFilters,
  filterQuery,
  ReportFilters,
  type ReportFilterState,
} from '../../components/report-filters';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '../../components/states';
import {
  addDays,
  COLUMN_LABELS,
  columnUnit,
  daysBetween,
  difference,
  formatChange,
  formatValue,
  GROUP_BY_LABELS,
  presetPeriod,
} from '../../reporting';

/** Reports saved in this browser before the server kept them (moved to the account on request). */
const LEGACY_KEY = 'consort.savedReports.v1';
type LegacySaved = Omit<ReportDefinition, 'compareFrom'> & { name: string };

function loadLegacy(): LegacySaved[] {
  try {
    const raw = JSON.parse(localStorage.getItem(LEGACY_KEY) ?? '[]');
    return Array.isArray(raw) ? (raw as LegacySaved[]).filter((x) => typeof x?.name === 'string') : [];
  } catch {
    return [];
  }
}

const SAVED_TOOLTIP =
  'Saved to your account: group-by, columns, filters and the comparison. A named period (e.g. last 30 days) is recomputed when you open the report. Saving under an existing name replaces that report.';

const DEFAULT_COLUMNS: ReportColumn[] = [
  'clicks',
  'registrations',
  'ftds',
  'revenue',
  'click_to_registration_pct',
];

function ColumnPicker({ value, onChange }: { value: ReportColumn[]; onChange: (c: ReportColumn[]) => void }) {
  return (
    <Popover position="bottom-end" withArrow shadow="md" trapFocus>
      <Popover.Target>
        <Button variant="default" leftSection={<IconColumns size={16} aria-hidden />}>
          Columns ({value.length})
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Checkbox.Group
          label="Columns"
          value={value}
          onChange={(v) => onChange(REPORT_COLUMNS.filter((c) => v.includes(c)))}
        >
          <Stack gap={6} mt="xs">
            {REPORT_COLUMNS.map((c) => (
              <Checkbox key={c} value={c} label={COLUMN_LABELS[c] ?? c} />
            ))}
          </Stack>
        </Checkbox.Group>
      </Popover.Dropdown>
    </Popover>
  );
}

function ReportTable({
  report,
  compareTo,
  columns,
  groupBy,
}: {
  report: Breakdown;
  compareTo?: Breakdown | undefined;
  columns: ReportColumn[];
  groupBy: GroupBy;
}) {
  const currency = report.currency;
  const other = new Map(compareTo?.rows.map((r) => [r.key, r]) ?? []);
  // In a comparison, date-like groups do not line up by key: rows pair by position instead.
  const byPosition = groupBy === 'date' || groupBy === 'week' || groupBy === 'month';
  if (report.rows.length === 0 && (compareTo?.rows.length ?? 0) === 0)
    return <EmptyState title="No activity in this period">Try a longer period or fewer filters.</EmptyState>;
  const rows = compareTo && !byPosition ? mergeKeys(report, compareTo) : report.rows.map((r) => r.key);
  return (
    <ScrollArea type="auto">
      <Table striped highlightOnHover withTableBorder aria-label="Report" miw={400}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{GROUP_BY_LABELS[groupBy]}</Table.Th>
            {columns.map((c) =>
              compareTo ? (
                [
                  <Table.Th key={`${c}-a`} ta="right">
                    {COLUMN_LABELS[c]}
                  </Table.Th>,
                  <Table.Th key={`${c}-b`} ta="right">
                    {COLUMN_LABELS[c]} (B)
                  </Table.Th>,
                  <Table.Th key={`${c}-d`} ta="right">
                    Δ {COLUMN_LABELS[c]}
                  </Table.Th>,
                ]
              ) : (
                <Table.Th key={c} ta="right">
                  {COLUMN_LABELS[c]}
                </Table.Th>
              ),
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((key, i) => {
            const a = report.rows.find((r) => r.key === key);
            const b = compareTo ? (byPosition ? compareTo.rows[i] : other.get(key)) : undefined;
            const label = a?.label || b?.label || key || '(none)';
            return (
              <Table.Tr key={key || '(none)'}>
                <Table.Th scope="row" fw={500}>
                  {label}
                  {byPosition && b ? (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      vs {b.label || b.key}
                    </Text>
                  ) : null}
                </Table.Th>
                {columns.map((c) => {
                  const unit = columnUnit(c);
                  const va = a ? (a.values[c] ?? null) : emptyValue(c);
                  if (!compareTo)
                    return (
                      <Table.Td key={c} ta="right">
                        {formatValue(va, unit, currency)}
                      </Table.Td>
                    );
                  const vb = b ? (b.values[c] ?? null) : emptyValue(c);
                  return [
                    <Table.Td key={`${c}-a`} ta="right">
                      {formatValue(va, unit, currency)}
                    </Table.Td>,
                    <Table.Td key={`${c}-b`} ta="right">
                      {formatValue(vb, unit, currency)}
                    </Table.Td>,
                    <Table.Td key={`${c}-d`} ta="right">
                      {formatChange(difference(va, vb, c), unit, currency) ?? '—'}
                    </Table.Td>,
                  ];
                })}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

/** A group without a row in a period had no activity: zero counts and amounts, no rates. */
function emptyValue(column: string): number | string | null {
  if (column === 'epc' || columnUnit(column) === 'percent') return null;
  return columnUnit(column) === 'money' ? '0' : 0;
}

function mergeKeys(a: Breakdown, b: Breakdown): string[] {
  const keys = a.rows.map((r) => r.key);
  for (const r of b.rows) if (!keys.includes(r.key)) keys.push(r.key);
  return keys;
}

export function ReportsPage() {
  const [filters, setFilters] = useState<ReportFilterState>(() => defaultFilters('30'));
  const [groupBy, setGroupBy] = useState<GroupBy>('date');
  const [columns, setColumns] = useState<ReportColumn[]>(DEFAULT_COLUMNS);
  const [compare, setCompare] = useState(false);
  const len = Math.max(1, daysBetween(filters.from, filters.to));
  const [compareFrom, setCompareFrom] = useState<string | null>(null);
  const bFrom = compareFrom ?? addDays(filters.from, -len);
  const bTo = addDays(bFrom, len);
  const [name, setName] = useState('');
  const [toDelete, setToDelete] = useState<SavedReport | null>(null);
  const [legacy, setLegacy] = useState<LegacySaved[]>(loadLegacy);
  const qc = useQueryClient();
  const saved = useQuery({ queryKey: ['saved-reports'], queryFn: listSavedReports, select: (r) => r.items });

  const query: BreakdownQuery = { ...filterQuery(filters), groupBy, columns: columns.join(',') };
  const queryB: BreakdownQuery = { ...query, from: bFrom, to: bTo };
  const a = useQuery({
    queryKey: ['reports', 'breakdown', query],
    queryFn: () => getBreakdown(query),
    enabled: columns.length > 0,
  });
  const b = useQuery({
    queryKey: ['reports', 'breakdown', queryB],
    queryFn: () => getBreakdown(queryB),
    enabled: compare && columns.length > 0,
  });
  const exportCsv = useMutation({
    mutationFn: () => exportBreakdownCsv(query),
    onSuccess: (file) => saveFile(file),
    onError: (e) => notifications.show({ color: 'red', title: 'Export failed', message: describeError(e) }),
  });

  const save = useMutation({
    mutationFn: (n: string) =>
      saveReport({ name: n, definition: { groupBy, columns, filters, compare, compareFrom } }),
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: ['saved-reports'] });
      setName('');
      notifications.show({ color: 'green', message: `Saved "${r.name}".` });
    },
  });
  const nameError =
    save.error instanceof ApiError
      ? (save.error.fieldErrors.name ??
        (Object.keys(save.error.fieldErrors).length > 0
          ? `Not saved: ${Object.values(save.error.fieldErrors)[0]}`
          : describeError(save.error)))
      : save.error
        ? describeError(save.error)
        : undefined;
  const remove = useMutation({
    mutationFn: (r: SavedReport) => deleteSavedReport(r.id),
    onSuccess: (_, r) => {
      qc.invalidateQueries({ queryKey: ['saved-reports'] });
      setToDelete(null);
      notifications.show({ color: 'green', message: `Deleted "${r.name}".` });
    },
  });
  const moveLegacy = useMutation({
    mutationFn: async () => {
      for (const l of legacy)
        await saveReport({
          name: l.name,
          definition: {
            groupBy: l.groupBy,
            columns: l.columns,
            filters: { ...l.filters, preset: l.filters.preset ?? 'custom' },
            compare: Boolean(l.compare),
            compareFrom: null,
          },
        });
    },
    onSuccess: () => {
      localStorage.removeItem(LEGACY_KEY);
      setLegacy([]);
      qc.invalidateQueries({ queryKey: ['saved-reports'] });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ['saved-reports'] }),
  });
  const open = (s: SavedReport) => {
    const d = s.definition;
    setGroupBy(d.groupBy);
    setColumns(d.columns);
    setFilters(
      d.filters.preset === 'custom' ? d.filters : { ...d.filters, ...presetPeriod(d.filters.preset) },
    );
    setCompare(d.compare);
    setCompareFrom(d.compareFrom);
  };
  const savedItems = saved.data ?? [];

  return (
    <>
      <PageHeader
        title="Reports"
        description="Partner activity grouped your way, in the reporting currency, from the daily rollups."
        actions={
          <Group gap="xs">
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default" loading={saved.isPending} disabled={savedItems.length === 0}>
                  {saved.isError ? 'Saved reports (unavailable)' : `Saved reports (${savedItems.length})`}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>Open</Menu.Label>
                {savedItems.map((s) => (
                  <Menu.Item key={s.id} onClick={() => open(s)}>
                    {s.name}
                  </Menu.Item>
                ))}
                <Menu.Divider />
                <Menu.Label>Delete</Menu.Label>
                {savedItems.map((s) => (
                  <Menu.Item
                    key={`delete-${s.id}`}
                    color="red"
                    leftSection={<IconTrash size={14} aria-hidden />}
                    aria-label={`Delete saved report ${s.name}`}
                    onClick={() => {
                      remove.reset();
                      setToDelete(s);
                    }}
                  >
                    {s.name}…
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <Button
              leftSection={<IconDownload size={16} aria-hidden />}
              loading={exportCsv.isPending}
              disabled={columns.length === 0}
              onClick={() => exportCsv.mutate()}
            >
              Export CSV
            </Button>
          </Group>
        }
      />
      <ReportFilters value={filters} onChange={setFilters} />
      <Paper withBorder p="sm" radius="md" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="Group by"
            w={180}
            allowDeselect={false}
            value={groupBy}
            data={GROUP_BYS.map((g) => ({ value: g, label: GROUP_BY_LABELS[g] ?? g }))}
            onChange={(v) => v && setGroupBy(v as GroupBy)}
          />
          <ColumnPicker value={columns} onChange={setColumns} />
          <Switch
            label="Compare with another period"
            checked={compare}
            onChange={(e) => setCompare(e.currentTarget.checked)}
            mb={8}
          />
          {compare && (
            <TextInput
              type="date"
              label={`Period B from (${len} days)`}
              w={190}
              value={bFrom}
              onChange={(e) => setCompareFrom(e.currentTarget.value || null)}
            />
          )}
          <Group gap={4} align="flex-end" ml="auto">
            <TextInput
              label="Save as"
              placeholder="Report name"
              w={180}
              value={name}
              error={nameError}
              onChange={(e) => {
                setName(e.currentTarget.value);
                save.reset();
              }}
              onKeyDown={(e) => e.key === 'Enter' && name.trim() && save.mutate(name.trim())}
            />
            <Tooltip
              label={SAVED_TOOLTIP}
              multiline
              w={280}
              withArrow
              events={{ hover: true, focus: true, touch: true }}
            >
              <Button
                variant="default"
                leftSection={<IconDeviceFloppy size={16} aria-hidden />}
                disabled={!name.trim() || columns.length === 0}
                loading={save.isPending}
                onClick={() => save.mutate(name.trim())}
              >
                Save report
              </Button>
            </Tooltip>
          </Group>
        </Group>
        <Text size="xs" c="dimmed" mt={6}>
          Period A {filters.from} – {addDays(filters.to, -1)}
          {compare ? ` · period B ${bFrom} – ${addDays(bTo, -1)} · Δ = A − B` : ''}. Saved reports are kept in
          your account.
        </Text>
        {saved.isError && (
          <Text size="xs" c="red" mt={4}>
            Saved reports could not be loaded: {describeError(saved.error)}
          </Text>
        )}
      </Paper>
      {legacy.length > 0 && (
        <Alert color="blue" mb="md" title="Reports saved in this browser">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Text size="sm">
              {legacy.length} report{legacy.length === 1 ? '' : 's'} saved here before reports were kept in
              your account: {legacy.map((l) => l.name).join(', ')}.
            </Text>
            <Button size="xs" loading={moveLegacy.isPending} onClick={() => moveLegacy.mutate()}>
              Move to my account
            </Button>
          </Group>
          {moveLegacy.isError && (
            <Text size="xs" c="red" mt={4}>
              Not all were moved: {describeError(moveLegacy.error)}
            </Text>
          )}
        </Alert>
      )}
      <ConfirmDialog
        opened={toDelete !== null}
        title="Delete saved report"
        confirmLabel="Delete"
        loading={remove.isPending}
        error={remove.error}
        onClose={() => setToDelete(null)}
        onConfirm={() => toDelete && remove.mutate(toDelete)}
      >
        Delete the saved report "{toDelete?.name}"? The report definition is removed from your account; the
        data is not affected.
      </ConfirmDialog>
      {columns.length === 0 ? (
        <Alert color="yellow">Choose at least one column.</Alert>
      ) : a.isError ? (
        <ErrorState error={a.error} retry={() => a.refetch()} />
      ) : b.isError ? (
        <ErrorState error={b.error} retry={() => b.refetch()} />
      ) : a.isPending || (compare && b.isPending) ? (
        <LoadingState label="Loading the report…" />
      ) : (
        <>
          {[...new Set([...a.data.missingRates, ...(b.data?.missingRates ?? [])])].length > 0 && (
            <Alert color="yellow" mb="sm" title="Some amounts are left out">
              No usable FX rate to {a.data.currency} for{' '}
              {[...new Set([...a.data.missingRates, ...(b.data?.missingRates ?? [])])].join(', ')}.
            </Alert>
          )}
          <SimpleGrid cols={1}>
            <ReportTable
              report={a.data}
              compareTo={compare ? b.data : undefined}
              columns={columns}
              groupBy={groupBy}
            />
          </SimpleGrid>
        </>
      )}
    </>
  );
}
