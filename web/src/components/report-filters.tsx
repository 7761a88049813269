import { Group, Paper, Select, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { getBreakdown, listUsers } from '../api/endpoints';
import { SEGMENTS, type Segment } from '../api/types';
import { SEGMENT_LABELS } from '../format';
import { PERIOD_PRESETS, type PeriodPreset, presetPeriod } from '../reporting';
import { useSession } from '../session';
import { useBrands } from './money';

/** The filters of the reporting API shared by the Overview and the Reports page. */
export interface ReportFilterState {
  preset: PeriodPreset | 'custom';
  from: string;
  to: string;
  brandId: string | null;
  segment: Segment | null;
  managerId: string | null;
  currency: string;
}

export function defaultFilters(preset: PeriodPreset = '30'): ReportFilterState {
  return {
    preset,
    ...presetPeriod(preset),
    brandId: null,
    segment: null,
    managerId: null,
    currency: 'EUR',
  };
}

/** The API query of the filters (empty ones left out). */
export function filterQuery(f: ReportFilterState) {
  return {
    from: f.from,
    to: f.to,
    brandId: f.brandId ?? undefined,
    segment: f.segment ?? undefined,
    managerId: f.managerId ?? undefined,
    currency: f.currency,
  };
}

const CURRENCIES = ['EUR', 'USD', 'GBP'];

/**
 * Partner managers to filter by. An admin lists the users with that role; other staff roles cannot list users
 * (the API refuses it), so they choose among the managers with activity in the period (a report grouped by
 * manager). A partner manager is always held to their own portfolio by the API, so gets no choice.
 */
function useManagers(f: ReportFilterState, enabled: boolean) {
  const role = useSession().user.role;
  const users = useQuery({
    queryKey: ['users', 'partner_manager'],
    queryFn: () => listUsers('partner_manager'),
    enabled: enabled && role === 'admin',
    select: (p) => p.items.map((u) => ({ value: u.id, label: u.displayName || u.email })),
  });
  const active = useQuery({
    queryKey: ['reports', 'managers', f.from, f.to],
    queryFn: () => getBreakdown({ from: f.from, to: f.to, groupBy: 'manager', columns: 'clicks' }),
    enabled: enabled && role !== 'admin' && role !== 'partner_manager',
    select: (r) => r.rows.filter((x) => x.key).map((x) => ({ value: x.key, label: x.label || x.key })),
  });
  return role === 'admin' ? users : active;
}

export function ReportFilters({
  value,
  onChange,
  withPeriod = true,
}: {
  value: ReportFilterState;
  onChange: (f: ReportFilterState) => void;
  withPeriod?: boolean;
}) {
  const role = useSession().user.role;
  const brands = useBrands();
  const showManager = role !== 'partner_manager';
  const managers = useManagers(value, showManager);
  const currencies = [...new Set([...CURRENCIES, ...(brands.data?.map((b) => b.currency) ?? [])])].sort();
  const set = (patch: Partial<ReportFilterState>) => onChange({ ...value, ...patch });

  return (
    <Paper withBorder p="sm" radius="md" mb="md" component="section" aria-label="Report filters">
      <Group gap="sm" align="flex-end" wrap="wrap">
        {withPeriod && (
          <>
            <Select
              label="Period"
              w={170}
              allowDeselect={false}
              value={value.preset}
              data={[...PERIOD_PRESETS, { value: 'custom', label: 'Custom dates' }]}
              onChange={(v) => {
                if (!v) return;
                if (v === 'custom') set({ preset: 'custom' });
                else set({ preset: v as PeriodPreset, ...presetPeriod(v as PeriodPreset) });
              }}
            />
            <TextInput
              type="date"
              label="From"
              w={150}
              value={value.from}
              onChange={(e) =>
                e.currentTarget.value && set({ preset: 'custom', from: e.currentTarget.value })
              }
            />
            <TextInput
              type="date"
              label="To (exclusive)"
              w={150}
              value={value.to}
              onChange={(e) => e.currentTarget.value && set({ preset: 'custom', to: e.currentTarget.value })}
            />
          </>
        )}
        <Select
          label="Brand"
          placeholder="All brands"
          w={190}
          clearable
          value={value.brandId}
          data={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
          onChange={(v) => set({ brandId: v })}
        />
        <Select
          label="Segment"
          placeholder="All segments"
          w={160}
          clearable
          value={value.segment}
          data={SEGMENTS.map((s) => ({ value: s, label: SEGMENT_LABELS[s] ?? s }))}
          onChange={(v) => set({ segment: (v as Segment | null) ?? null })}
        />
        {showManager && (
          <Select
            label="Partner manager"
            placeholder="All managers"
            w={190}
            clearable
            searchable
            value={value.managerId}
            data={managers.data ?? []}
            nothingFoundMessage={role === 'admin' ? 'No partner managers' : 'No manager with activity'}
            onChange={(v) => set({ managerId: v })}
          />
        )}
        <Select
          label="Currency"
          w={110}
          allowDeselect={false}
          value={value.currency}
          data={currencies}
          onChange={(v) => v && set({ currency: v })}
        />
      </Group>
    </Paper>
  );
}
