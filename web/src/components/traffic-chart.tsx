import { AreaChart } from '@mantine/charts';
import { Group, Paper, SegmentedControl, Skeleton, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { getTraffic } from '../api/endpoints';
import { ErrorState } from './states';

const METRICS = [
  { value: 'clicks', label: 'Clicks' },
  { value: 'registrations', label: 'Registrations' },
  { value: 'ftds', label: 'FTDs' },
  { value: 'purchases', label: 'Purchases' },
] as const;
type Metric = (typeof METRICS)[number]['value'];

const PERIODS = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
];

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Daily traffic from the rollups (GET /reports/traffic): one metric at a time, every day of the period shown
 * (days without rows are zero). Counts only: amounts are per currency and wait for the reporting API.
 */
export function TrafficChart({ partnerId, title = 'Traffic' }: { partnerId?: string; title?: string }) {
  const [metric, setMetric] = useState<Metric>('clicks');
  const [days, setDays] = useState('30');
  const to = new Date();
  to.setUTCDate(to.getUTCDate() + 1);
  const from = new Date(to);
  from.setUTCDate(from.getUTCDate() - Number(days));
  const q = useQuery({
    queryKey: ['reports', 'traffic', days, partnerId ?? 'all'],
    queryFn: () =>
      getTraffic({ from: isoDay(from), to: isoDay(to), grain: 'day', ...(partnerId ? { partnerId } : {}) }),
  });

  const byDay = new Map<string, Record<Metric, number>>();
  for (let d = new Date(from); d < to; d.setUTCDate(d.getUTCDate() + 1)) {
    byDay.set(isoDay(d), { clicks: 0, registrations: 0, ftds: 0, purchases: 0 });
  }
  for (const r of q.data?.items ?? []) {
    const day = byDay.get(String(r.bucket).slice(0, 10));
    if (!day) continue;
    for (const m of METRICS) day[m.value] += Number(r[m.value] ?? 0);
  }
  const data = [...byDay].map(([day, v]) => ({ day: day.slice(5), ...v }));
  const total = data.reduce((sum, d) => sum + d[metric], 0);

  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" mb="sm" wrap="wrap" gap="xs">
        <Title order={2} size="h4">
          {title}
        </Title>
        <Group gap="xs" wrap="wrap">
          <SegmentedControl
            size="xs"
            aria-label="Metric"
            value={metric}
            onChange={(v) => setMetric(v as Metric)}
            data={[...METRICS]}
          />
          <SegmentedControl size="xs" aria-label="Period" value={days} onChange={setDays} data={PERIODS} />
        </Group>
      </Group>
      {q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.isPending ? (
        <Skeleton h={200} />
      ) : (
        <>
          <Text size="sm" c="dimmed" mb="xs">
            {total.toLocaleString()} {METRICS.find((m) => m.value === metric)?.label.toLowerCase()} in the
            last {days} days
          </Text>
          <figure aria-label={`Daily ${metric} over the last ${days} days`} style={{ margin: 0 }}>
            <AreaChart
              h={200}
              data={data}
              dataKey="day"
              series={[
                { name: metric, label: METRICS.find((m) => m.value === metric)?.label, color: 'indigo.6' },
              ]}
              curveType="monotone"
              withDots={false}
              gridAxis="y"
              yAxisProps={{ allowDecimals: false }}
            />
          </figure>
        </>
      )}
    </Paper>
  );
}
