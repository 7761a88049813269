import { AreaChart, BarChart } from '@mantine/charts';
import {
  Alert,
  Anchor,
  Badge,
  Card,
  Group,
  Paper,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconArrowDownRight, IconArrowUpRight, IconInfoCircle, IconMinus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { getFunnel, getKpis, getSegmentMix, getTasks, getTimeSeries } from '../../api/endpoints';
import type { Kpi, ReportMetric, TaskGroup } from '../../api/types';
import {
  defaultFilters,
  filterQuery,
  ReportFilters,
  type ReportFilterState,
} from '../../components/report-filters';
import { ErrorState, PageHeader } from '../../components/states';
import { formatDate, formatDateTime, ROLE_LABELS, SEGMENT_LABELS } from '../../format';
import { addDays, direction, formatChange, formatMinor, formatValue } from '../../reporting';
import { useSession } from '../../session';

function KpiCard({ kpi, currency, previousLabel }: { kpi: Kpi; currency: string; previousLabel: string }) {
  const dir = direction(kpi.change);
  const change = formatChange(kpi.change, kpi.unit, currency);
  const TrendIcon = dir > 0 ? IconArrowUpRight : dir < 0 ? IconArrowDownRight : IconMinus;
  const value = formatValue(kpi.value, kpi.unit, currency);
  return (
    <Card withBorder padding="md" radius="md" data-kpi={kpi.key} aria-label={kpi.label} component="article">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap={6}>
        <Text size="sm" fw={600} component="h3" m={0}>
          {kpi.label}
        </Text>
        <Tooltip
          label={kpi.definition}
          multiline
          w={280}
          withArrow
          events={{ hover: true, focus: true, touch: true }}
        >
          <ThemeIcon
            variant="subtle"
            color="gray"
            size="sm"
            tabIndex={0}
            role="img"
            aria-label={`Definition: ${kpi.definition}`}
          >
            <IconInfoCircle size={16} />
          </ThemeIcon>
        </Tooltip>
      </Group>
      <Text size="xl" fw={700} mt="xs" data-testid="kpi-value">
        {value}
      </Text>
      {kpi.value === null ? (
        <Text size="xs" c="dimmed">
          No data in this period
        </Text>
      ) : (
        <Stack gap={2} align="flex-start">
          {change !== null ? (
            <Badge
              variant="light"
              color={dir > 0 ? 'teal' : dir < 0 ? 'red' : 'gray'}
              leftSection={<TrendIcon size={12} aria-hidden />}
              data-testid="kpi-change"
              style={{ flexShrink: 0, maxWidth: 'none' }}
              aria-label={`Change ${previousLabel}: ${change}`}
            >
              {change}
            </Badge>
          ) : null}
          <Text size="xs" c="dimmed">
            {kpi.previous === null
              ? 'No data in the previous period'
              : `Previous period: ${formatValue(kpi.previous, kpi.unit, currency)}`}
          </Text>
        </Stack>
      )}
    </Card>
  );
}

function Kpis({ filters }: { filters: ReportFilterState }) {
  const q = useQuery({
    queryKey: ['reports', 'kpis', filterQuery(filters)],
    queryFn: () => getKpis(filterQuery(filters)),
  });
  if (q.isError) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  if (q.isPending)
    return (
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 5 }} spacing="md">
        {Array.from({ length: 10 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholders
          <Skeleton key={i} h={118} radius="md" />
        ))}
      </SimpleGrid>
    );
  const r = q.data;
  const previousLabel = `against ${formatDate(r.previousFrom)} – ${formatDate(addDays(r.from, -1))}`;
  return (
    <>
      {r.missingRates.length > 0 && (
        <Alert color="yellow" mb="sm" title="Some amounts are left out">
          No usable FX rate to {r.currency} for {r.missingRates.join(', ')}: amounts in those currencies are
          not in the money KPIs.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 5 }} spacing="md">
        {r.kpis.map((k) => (
          <KpiCard key={k.key} kpi={k} currency={r.currency} previousLabel={previousLabel} />
        ))}
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt="xs">
        Trends compare with the {formatDate(r.previousFrom)} – {formatDate(addDays(r.from, -1))} period of the
        same length. Customer LTV is read from an aggregate{' '}
        {r.ltvRefreshedAt
          ? `last rebuilt ${formatDateTime(r.ltvRefreshedAt)}`
          : 'that has not been built yet (an admin or analyst rebuilds it)'}
        .
      </Text>
    </>
  );
}

const METRICS: Array<{ value: ReportMetric; label: string }> = [
  { value: 'clicks', label: 'Clicks' },
  { value: 'registrations', label: 'Registrations' },
  { value: 'ftds', label: 'FTDs' },
  { value: 'revenue', label: 'Revenue' },
  { value: 'commission', label: 'Commission' },
];
type Grain = 'day' | 'week' | 'month';

function Trend({ filters }: { filters: ReportFilterState }) {
  const [metric, setMetric] = useState<ReportMetric>('clicks');
  const [grain, setGrain] = useState<Grain>('day');
  const q = useQuery({
    queryKey: ['reports', 'timeseries', metric, grain, filterQuery(filters)],
    queryFn: () => getTimeSeries({ ...filterQuery(filters), metric, grain }),
  });
  const label = METRICS.find((m) => m.value === metric)?.label ?? metric;
  const money = q.data?.unit === 'money';
  const currency = q.data?.currency ?? filters.currency;
  // Every day of the period is shown for daily counts (buckets without rows are zero).
  const points = new Map<string, number>();
  if (q.data && grain === 'day' && metric !== 'commission') {
    for (let d = filters.from; d < filters.to; d = addDays(d, 1)) points.set(d, 0);
  }
  // Money is plotted in minor units (integers) and formatted back from them: no float amounts.
  for (const p of q.data?.points ?? []) points.set(String(p.bucket).slice(0, 10), Number(p.value));
  const data = [...points]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([bucket, value]) => ({ bucket, value }));
  const fmt = (v: number) => (money ? formatMinor(String(Math.round(v)), currency) : v.toLocaleString('en'));
  const total = q.data?.points.reduce(
    (t, p) => (money ? t + BigInt(String(p.value)) : t + BigInt(Math.round(Number(p.value)))),
    0n,
  );

  return (
    <Paper withBorder p="md" radius="md" h="100%">
      <Group justify="space-between" mb="sm" wrap="wrap" gap="xs">
        <Title order={2} size="h4">
          Over time
        </Title>
        <Group gap="xs" wrap="wrap" maw="100%" miw={0}>
          {/* Scrolls sideways on a phone instead of widening the page. */}
          <div style={{ maxWidth: '100%', overflowX: 'auto' }}>
            <SegmentedControl
              size="xs"
              aria-label="Metric"
              value={metric}
              onChange={(v) => setMetric(v as ReportMetric)}
              data={METRICS}
            />
          </div>
          <SegmentedControl
            size="xs"
            aria-label="Grain"
            value={metric === 'commission' ? 'month' : grain}
            disabled={metric === 'commission'}
            onChange={(v) => setGrain(v as Grain)}
            data={[
              { value: 'day', label: 'Day' },
              { value: 'week', label: 'Week' },
              { value: 'month', label: 'Month' },
            ]}
          />
        </Group>
      </Group>
      {q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.isPending ? (
        <Skeleton h={220} />
      ) : (
        <>
          <Text size="sm" c="dimmed" mb="xs" data-testid="timeseries-total">
            {total === undefined
              ? ''
              : money
                ? formatMinor(total.toString(), currency)
                : total.toLocaleString('en')}{' '}
            {money ? `${label.toLowerCase()} in ${currency}` : label.toLowerCase()} in the period
            {metric === 'commission' ? ' (by source month)' : ''}
          </Text>
          {data.length === 0 ? (
            <Text size="sm" c="dimmed">
              No {label.toLowerCase()} in this period.
            </Text>
          ) : (
            <figure aria-label={`${label} per ${q.data.grain} in the period`} style={{ margin: 0 }}>
              <AreaChart
                h={220}
                data={data}
                dataKey="bucket"
                series={[{ name: 'value', label, color: 'indigo.6' }]}
                curveType="monotone"
                withDots={data.length < 40}
                gridAxis="y"
                valueFormatter={fmt}
                yAxisProps={{ allowDecimals: false, width: money ? 90 : 50 }}
              />
            </figure>
          )}
        </>
      )}
    </Paper>
  );
}

function FunnelCard({ filters }: { filters: ReportFilterState }) {
  const q = useQuery({
    queryKey: ['reports', 'funnel', filterQuery(filters)],
    queryFn: () => getFunnel(filterQuery(filters)),
  });
  const pct = (v: number | null) => (v === null ? '—' : `${v.toLocaleString('en')} %`);
  return (
    <Paper withBorder p="md" radius="md" h="100%" component="section" aria-labelledby="funnel-title">
      <Title order={2} size="h4" mb="sm" id="funnel-title">
        Funnel
      </Title>
      {q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.isPending ? (
        <Skeleton h={200} />
      ) : (
        <Stack gap="sm">
          {[
            { label: 'Clicks', value: q.data.clicks, rate: null as string | null },
            { label: 'Registrations', value: q.data.registrations, rate: pct(q.data.clickToRegistrationPct) },
            { label: 'FTDs', value: q.data.ftds, rate: pct(q.data.registrationToFtdPct) },
          ].map((step) => (
            <div key={step.label} data-testid={`funnel-${step.label.toLowerCase()}`}>
              <Group justify="space-between" gap="xs">
                <Text size="sm" fw={600}>
                  {step.label}
                </Text>
                <Text size="sm">
                  {step.value.toLocaleString('en')}
                  {step.rate !== null && (
                    <Text span c="dimmed" size="xs">
                      {' '}
                      ({step.rate} of the step before)
                    </Text>
                  )}
                </Text>
              </Group>
              <Progress
                value={q.data.clicks > 0 ? (100 * step.value) / q.data.clicks : 0}
                aria-label={`${step.label}: ${step.value}`}
                color="indigo"
                size="lg"
                radius="sm"
              />
            </div>
          ))}
          <Text size="xs" c="dimmed">
            Click → FTD {pct(q.data.clickToFtdPct)} · {q.data.uniqueClicks.toLocaleString('en')} unique clicks
          </Text>
        </Stack>
      )}
    </Paper>
  );
}

function SegmentMixCard({ filters }: { filters: ReportFilterState }) {
  const q = useQuery({
    queryKey: ['reports', 'segment-mix', filterQuery(filters)],
    queryFn: () => getSegmentMix(filterQuery(filters)),
  });
  return (
    <Paper withBorder p="md" radius="md" h="100%">
      <Title order={2} size="h4" mb="sm">
        Segment mix
      </Title>
      {q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.isPending ? (
        <Skeleton h={200} />
      ) : q.data.segments.length === 0 ? (
        <Text size="sm" c="dimmed">
          No partner-attributed revenue in this period.
        </Text>
      ) : (
        <>
          <figure aria-label="Bar chart of revenue share per segment" style={{ margin: 0 }}>
            <BarChart
              h={160}
              data={q.data.segments.map((s) => ({
                segment: SEGMENT_LABELS[s.segment] ?? s.segment,
                share: s.sharePct ?? 0,
              }))}
              dataKey="segment"
              series={[{ name: 'share', label: 'Revenue share %', color: 'indigo.6' }]}
              tickLine="y"
              gridAxis="y"
              valueFormatter={(v) => `${v} %`}
            />
          </figure>
          <Table mt="sm" verticalSpacing={4} aria-label="Segment mix">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Segment</Table.Th>
                <Table.Th ta="right">Revenue</Table.Th>
                <Table.Th ta="right">Share</Table.Th>
                <Table.Th ta="right">Active partners</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.segments.map((s) => (
                <Table.Tr key={s.segment}>
                  <Table.Td>{SEGMENT_LABELS[s.segment] ?? s.segment}</Table.Td>
                  <Table.Td ta="right">{formatMinor(s.revenue, q.data.currency)}</Table.Td>
                  <Table.Td ta="right">{s.sharePct === null ? '—' : `${s.sharePct} %`}</Table.Td>
                  <Table.Td ta="right">{s.activePartners}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Paper>
  );
}

const TASKS: Record<string, { label: string; to?: string }> = {
  applications: { label: 'Partner applications', to: '/partners?status=applied' },
  documents: { label: 'Documents to review', to: '/onboarding' },
  held_commissions: { label: 'Held commissions', to: '/money/commissions' },
  payout_approvals: { label: 'Payout approvals', to: '/money/payouts' },
  failing_postbacks: { label: 'Failing postbacks' },
  claims: { label: 'Open claims', to: '/money/claims' },
};

function TaskRow({ g }: { g: TaskGroup }) {
  const t = TASKS[g.kind] ?? { label: g.kind.replace(/_/g, ' ') };
  return (
    <div>
      <Group justify="space-between" wrap="nowrap">
        {t.to ? (
          <Anchor component={Link} to={t.to} size="sm">
            {t.label}
          </Anchor>
        ) : (
          <Text size="sm">{t.label}</Text>
        )}
        <Badge color={g.count ? 'yellow' : 'gray'} variant="light" aria-label={`${t.label}: ${g.count}`}>
          {g.count}
        </Badge>
      </Group>
      {g.items.slice(0, 3).map((i) => (
        <Text
          key={i.id}
          size="xs"
          c={i.overdue ? 'red.8' : 'dimmed'}
          fw={i.overdue ? 700 : undefined}
          truncate
        >
          {i.label}
          {i.at ? ` · ${g.kind === 'claims' ? 'due ' : ''}${formatDate(i.at)}` : ''}
        </Text>
      ))}
      {g.note && (
        <Text size="xs" c="dimmed">
          {g.note}
        </Text>
      )}
    </div>
  );
}

function TaskQueue({ brandId }: { brandId: string | null }) {
  const q = useQuery({
    queryKey: ['reports', 'tasks', brandId ?? 'all'],
    queryFn: () => getTasks(brandId ?? undefined),
  });
  return (
    <Paper withBorder p="md" radius="md" h="100%">
      <Title order={2} size="h4" mb="sm">
        Task queue
      </Title>
      {q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.isPending ? (
        <Skeleton h={200} />
      ) : (
        <Stack gap="sm">
          {q.data.groups.map((g) => (
            <TaskRow key={g.kind} g={g} />
          ))}
        </Stack>
      )}
    </Paper>
  );
}

export function OverviewPage() {
  const { user } = useSession();
  const [filters, setFilters] = useState<ReportFilterState>(() => defaultFilters('30'));
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Signed in as ${user.displayName} · ${ROLE_LABELS[user.role]}${
          user.role === 'partner_manager' ? ' · your portfolio' : ''
        }`}
      />
      <ReportFilters value={filters} onChange={setFilters} />
      <Title order={2} size="h4" mb="xs">
        Partner-manager KPIs
      </Title>
      <Kpis filters={filters} />
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md" mt="lg">
        <div className="overview-wide">
          <Trend filters={filters} />
        </div>
        <FunnelCard filters={filters} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md" mt="lg">
        <div className="overview-wide">
          <SegmentMixCard filters={filters} />
        </div>
        <TaskQueue brandId={filters.brandId} />
      </SimpleGrid>
    </>
  );
}
