import { Select } from '@mantine/core';
import { PERIOD_PRESETS, type PeriodPreset, presetPeriod } from '../reporting';

/** A period preset picker; the period is [from, to) of UTC days. */
export function PeriodSelect({
  value,
  onChange,
  label = 'Period',
}: {
  value: PeriodPreset;
  onChange: (v: PeriodPreset) => void;
  label?: string;
}) {
  return (
    <Select
      label={label}
      w={180}
      allowDeselect={false}
      data={PERIOD_PRESETS.map((p) => ({ value: p.value, label: p.label }))}
      value={value}
      onChange={(v) => v && onChange(v as PeriodPreset)}
    />
  );
}

export { presetPeriod };
export type { PeriodPreset };
