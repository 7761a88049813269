import {
  ActionIcon,
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
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError, saveFile } from '../../api/client';
import { type BreakdownQuery, exportBreakdownCsv, getBreakdown } from '../../api/endpoints';
import { type Breakdown, GROUP_BYS, type GroupBy, REPORT_COLUMNS, type ReportColumn } from '../../api/types';
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
} from '../../reporting';

/** A saved report: kept in this browser's localStorage (the server has no API for saved reports). */
interface SavedReport {
  name: string;
  groupBy: GroupBy;
  columns: ReportColumn[];
  filters: ReportFilterState;
  compare: boolean;
}

const STORAGE_KEY = 'consort.savedReports.v1';
const SAVED_TOOLTIP =
  'Saved in this browser only (localStorage): the server has no API for saved reports yet, so they are not shared with colleagues or other devices.';

function loadSaved(): SavedReport[] {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(raw) ? (raw as SavedReport[]) : [];
  } catch {
    return [];
  }
}

function storeSaved(list: SavedReport[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(list));
}

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
  const [saved, setSaved] = useState<SavedReport[]>(loadSaved);
  const [name, setName] = useState('');

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

  const save = () => {
    const n = name.trim();
    if (!n) return;
    const next = [...saved.filter((s) => s.name !== n), { name: n, groupBy, columns, filters, compare }];
    storeSaved(next);
    setSaved(next);
    setName('');
    notifications.show({ color: 'green', message: `Saved "${n}" in this browser.` });
  };
  const open = (s: SavedReport) => {
    setGroupBy(s.groupBy);
    setColumns(s.columns);
    setFilters(s.filters);
    setCompare(s.compare);
  };
  const remove = (n: string) => {
    const next = saved.filter((s) => s.name !== n);
    storeSaved(next);
    setSaved(next);
  };

  return (
    <>
      <PageHeader
        title="Reports"
        description="Partner activity grouped your way, in the reporting currency, from the daily rollups."
        actions={
          <Group gap="xs">
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default" disabled={saved.length === 0}>
                  Saved reports ({saved.length})
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {saved.map((s) => (
                  <Group key={s.name} gap={2} wrap="nowrap">
                    <Menu.Item onClick={() => open(s)}>{s.name}</Menu.Item>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Delete saved report ${s.name}`}
                      onClick={() => remove(s.name)}
                    >
                      <IconTrash size={14} aria-hidden />
                    </ActionIcon>
                  </Group>
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
              onChange={(e) => setName(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Enter' && save()}
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
                disabled={!name.trim()}
                onClick={save}
              >
                Save report
              </Button>
            </Tooltip>
          </Group>
        </Group>
        <Text size="xs" c="dimmed" mt={6}>
          Period A {filters.from} – {addDays(filters.to, -1)}
          {compare ? ` · period B ${bFrom} – ${addDays(bTo, -1)} · Δ = A − B` : ''}. Saved reports stay in
          this browser only (no server API for them yet).
        </Text>
      </Paper>
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
