import { Button, Group, Paper, Select, Table, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError, saveFile } from '../../api/client';
import {
  exportPortalBreakdownCsv,
  exportPortalCountriesCsv,
  exportPortalIbVolumeCsv,
  getPortalBreakdown,
  getPortalCountries,
  getPortalIbVolume,
  getPortalProfile,
  type PortalGroupBy,
} from '../../api/endpoints';
import type { DownloadedFile } from '../../api/client';
import { PeriodSelect, type PeriodPreset, presetPeriod } from '../../components/period-select';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '../../components/states';
import { formatMinor } from '../../reporting';

const GROUPS: Array<{ value: PortalGroupBy; label: string }> = [
  { value: 'date', label: 'Date' },
  { value: 'month', label: 'Month' },
  { value: 'link', label: 'Link' },
  { value: 'sub_id', label: 'Sub-id (sub1)' },
  { value: 'brand', label: 'Brand' },
  { value: 'segment', label: 'Segment' },
];
const TRAFFIC_COLUMNS = [
  'clicks',
  'unique_clicks',
  'registrations',
  'ftds',
  'ftd_amount',
  'revenue',
] as const;
const COLUMN_NAMES: Record<string, string> = {
  clicks: 'Clicks',
  unique_clicks: 'Unique clicks',
  registrations: 'Registrations',
  ftds: 'FTDs',
  ftd_amount: 'FTD amount',
  revenue: 'Revenue',
};

function ExportButton({ run }: { run: () => Promise<DownloadedFile> }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      variant="default"
      leftSection={<IconDownload size={16} />}
      loading={busy}
      onClick={async () => {
        setBusy(true);
        try {
          saveFile(await run());
        } catch (err) {
          notifications.show({ color: 'red', title: 'Export failed', message: describeError(err) });
        } finally {
          setBusy(false);
        }
      }}
    >
      Export CSV
    </Button>
  );
}

function TrafficReport({ period }: { period: { from: string; to: string } }) {
  const [groupBy, setGroupBy] = useState<PortalGroupBy>('date');
  const q = { ...period, groupBy, columns: TRAFFIC_COLUMNS.join(',') };
  const report = useQuery({ queryKey: ['portal', 'breakdown', q], queryFn: () => getPortalBreakdown(q) });
  return (
    <>
      <Group align="flex-end" mb="sm">
        <Select
          label="Group by"
          w={200}
          allowDeselect={false}
          data={GROUPS}
          value={groupBy}
          onChange={(v) => v && setGroupBy(v as PortalGroupBy)}
        />
        <ExportButton run={() => exportPortalBreakdownCsv(q)} />
      </Group>
      {report.isPending ? (
        <LoadingState />
      ) : report.isError ? (
        <ErrorState error={report.error} retry={() => report.refetch()} />
      ) : report.data.rows.length === 0 ? (
        <EmptyState title="No traffic in this period">
          Share your links: clicks appear here within the hour.
        </EmptyState>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing="xs" aria-label="Traffic report">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{GROUPS.find((g) => g.value === groupBy)?.label}</Table.Th>
                  {TRAFFIC_COLUMNS.map((c) => (
                    <Table.Th key={c} ta="right">
                      {COLUMN_NAMES[c]}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.data.rows.map((r) => (
                  <Table.Tr key={r.key}>
                    <Table.Td>{r.label || '(none)'}</Table.Td>
                    {TRAFFIC_COLUMNS.map((c) => (
                      <Table.Td key={c} ta="right">
                        {c === 'revenue' || c === 'ftd_amount'
                          ? formatMinor(r.values[c] as string | null, report.data.currency)
                          : (r.values[c] ?? 0)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </>
  );
}

function CountryReport({ period }: { period: { from: string; to: string } }) {
  const report = useQuery({
    queryKey: ['portal', 'countries', period],
    queryFn: () => getPortalCountries(period),
  });
  return (
    <>
      <Group align="flex-end" justify="space-between" mb="sm">
        <Text size="sm" c="dimmed">
          Customers who registered in the period, by their country. Clicks are not split by country.
        </Text>
        <ExportButton run={() => exportPortalCountriesCsv(period)} />
      </Group>
      {report.isPending ? (
        <LoadingState />
      ) : report.isError ? (
        <ErrorState error={report.error} retry={() => report.refetch()} />
      ) : report.data.rows.length === 0 ? (
        <EmptyState title="No registrations in this period" />
      ) : (
        <Paper withBorder radius="md">
          <Table verticalSpacing="xs" aria-label="Report by country">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Country</Table.Th>
                <Table.Th ta="right">Registrations</Table.Th>
                <Table.Th ta="right">FTDs</Table.Th>
                <Table.Th ta="right">First deposits</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.data.rows.map((r) => (
                <Table.Tr key={r.country}>
                  <Table.Td>{r.country || 'Unknown'}</Table.Td>
                  <Table.Td ta="right">{r.registrations}</Table.Td>
                  <Table.Td ta="right">{r.ftds}</Table.Td>
                  <Table.Td ta="right">
                    {r.firstDeposits.map((a) => formatMinor(a.amountMinor, a.currency)).join(', ') || '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </>
  );
}

function IbReport({ period }: { period: { from: string; to: string } }) {
  const [groupBy, setGroupBy] = useState<'date' | 'month' | 'sub_ib'>('date');
  const q = { ...period, groupBy };
  const report = useQuery({ queryKey: ['portal', 'ib-volume', q], queryFn: () => getPortalIbVolume(q) });
  return (
    <>
      <Group align="flex-end" mb="sm">
        <Select
          label="Group by"
          w={200}
          allowDeselect={false}
          data={[
            { value: 'date', label: 'Date' },
            { value: 'month', label: 'Month' },
            { value: 'sub_ib', label: 'Sub-IB' },
          ]}
          value={groupBy}
          onChange={(v) => v && setGroupBy(v as typeof groupBy)}
        />
        <ExportButton run={() => exportPortalIbVolumeCsv(q)} />
      </Group>
      {report.isPending ? (
        <LoadingState />
      ) : report.isError ? (
        <ErrorState error={report.error} retry={() => report.refetch()} />
      ) : report.data.rows.length === 0 ? (
        <EmptyState title="No trades closed in this period" />
      ) : (
        <Paper withBorder radius="md">
          <Table verticalSpacing="xs" aria-label="IB volume">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>
                  {groupBy === 'sub_ib' ? 'Sub-IB' : groupBy === 'month' ? 'Month' : 'Date'}
                </Table.Th>
                <Table.Th ta="right">Lots (own clients)</Table.Th>
                <Table.Th ta="right">Trades</Table.Th>
                <Table.Th ta="right">Sub-IB lots</Table.Th>
                <Table.Th ta="right">Sub-IB trades</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.data.rows.map((r) => (
                <Table.Tr key={r.key}>
                  <Table.Td>{r.label}</Table.Td>
                  <Table.Td ta="right">{r.lots}</Table.Td>
                  <Table.Td ta="right">{r.trades}</Table.Td>
                  <Table.Td ta="right">{r.subIbLots}</Table.Td>
                  <Table.Td ta="right">{r.subIbTrades}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </>
  );
}

export function PortalReportsPage() {
  const [preset, setPreset] = useState<PeriodPreset>('30');
  const period = presetPeriod(preset);
  const profile = useQuery({ queryKey: ['portal', 'profile'], queryFn: getPortalProfile });
  const isIb = profile.data?.segments.includes('ib') ?? false;
  return (
    <>
      <PageHeader
        title="Reports"
        description="Your traffic and conversions by date, link, sub-id or country; lots and volume for IBs. Export any view as CSV."
        actions={<PeriodSelect value={preset} onChange={setPreset} />}
      />
      <Tabs defaultValue="traffic" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="traffic">Traffic and conversions</Tabs.Tab>
          <Tabs.Tab value="country">By country</Tabs.Tab>
          {isIb && <Tabs.Tab value="ib">IB volume</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="traffic">
          <TrafficReport period={period} />
        </Tabs.Panel>
        <Tabs.Panel value="country">
          <CountryReport period={period} />
        </Tabs.Panel>
        {isIb && (
          <Tabs.Panel value="ib">
            <IbReport period={period} />
          </Tabs.Panel>
        )}
      </Tabs>
    </>
  );
}
