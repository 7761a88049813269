import { Badge, Code, Drawer, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { listBrands } from '../api/endpoints';
import type { Brand, CommissionLine, Explanation } from '../api/types';

/** Line states in plain words (docs/ledger.md, "Line states"). */
export const LINE_STATES: Record<string, { label: string; color: string; plain: string }> = {
  pending: {
    label: 'Pending',
    color: 'gray',
    plain: 'Calculated at the period close; waiting for finance to approve it.',
  },
  approved: {
    label: 'Approved',
    color: 'blue',
    plain: 'Approved by finance; it becomes payable when its hold period ends.',
  },
  payable: { label: 'Payable', color: 'teal', plain: 'Ready to be paid in the next payout batch.' },
  paid: { label: 'Paid', color: 'green', plain: 'Paid out to you.' },
  rejected: {
    label: 'Rejected',
    color: 'red',
    plain: 'Not paid: finance rejected it (the reason is shown).',
  },
  reversed: {
    label: 'Reversed',
    color: 'orange',
    plain: 'Taken back after it was payable (the reason is shown).',
  },
  written_off: {
    label: 'Written off',
    color: 'grape',
    plain:
      'Netted into a negative balance that the deal says to write off: the balance was reset to zero (see the write-off line).',
  },
};

export function LineStateBadge({ state }: { state: string }) {
  const s = LINE_STATES[state] ?? { label: state, color: 'gray', plain: state };
  return (
    <Tooltip label={s.plain} multiline w={260} withArrow>
      <Badge color={s.color} variant="light" tabIndex={0}>
        {s.label}
      </Badge>
    </Tooltip>
  );
}

export function money(amount: string, currency: string): string {
  const n = Number(amount);
  if (!Number.isFinite(n)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(n);
  } catch {
    return `${amount} ${currency}`;
  }
}

export const KIND_LABELS: Record<string, string> = {
  cpa: 'CPA',
  revshare: 'Revenue share',
  clawback: 'Clawback',
  clawback_release: 'Clawback released (refund booked)',
  write_off: 'Negative balance written off',
  adjustment: 'Adjustment',
  manual_adjustment: 'Manual adjustment',
};

/** Brands for filters and names (staff only: partners cannot list brands). */
export function useBrands(enabled = true) {
  return useQuery({ queryKey: ['brands'], queryFn: listBrands, select: (p) => p.items, enabled });
}

export function brandName(brands: Brand[] | undefined, id: string): string {
  return brands?.find((b) => b.id === id)?.name ?? id.slice(0, 8);
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Title order={3} size="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

/** How a line was computed: formula, inputs, tier and rate, deductions and the line it derives from. */
export function ExplanationView({ explanation }: { explanation: Explanation | undefined }) {
  if (!explanation) return <Text c="dimmed">No explanation recorded.</Text>;
  const inputs = Object.entries(explanation.inputs ?? {});
  return (
    <Stack gap="md">
      <Section title="Formula">
        <Code block>{explanation.formula}</Code>
      </Section>
      {inputs.length > 0 && (
        <Section title="Inputs">
          <Table withRowBorders={false} verticalSpacing={2}>
            <Table.Tbody>
              {inputs.map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Th scope="row" fw={500}>
                    {k}
                  </Table.Th>
                  <Table.Td ta="right">{v}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Section>
      )}
      {explanation.tier && (
        <Section
          title={`Tier (${explanation.tier.mode}, on ${explanation.tier.basis} ${explanation.tier.value})`}
        >
          <Table verticalSpacing={2}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Band</Table.Th>
                <Table.Th>Rate</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {explanation.tier.bands.map((b, i) => (
                <Table.Tr
                  key={`${b.from}-${b.to}`}
                  fw={i + 1 === explanation.tier?.reached ? 700 : undefined}
                >
                  <Table.Td>
                    {b.from} – {b.to ?? '∞'}
                    {i + 1 === explanation.tier?.reached ? ' (reached)' : ''}
                  </Table.Td>
                  <Table.Td>{b.rate}%</Table.Td>
                  <Table.Td ta="right">{b.amount ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Section>
      )}
      {explanation.deductions && explanation.deductions.length > 0 && (
        <Section title="Deductions">
          <Table verticalSpacing={2}>
            <Table.Tbody>
              {explanation.deductions.map((d) => (
                <Table.Tr key={d.kind}>
                  <Table.Td>{d.kind.replace(/_/g, ' ')}</Table.Td>
                  <Table.Td>
                    {d.method}
                    {d.rate ? ` ${d.rate}%` : ''}
                    {d.base ? ` of ${d.base}` : ''}
                  </Table.Td>
                  <Table.Td ta="right">{d.amount}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Section>
      )}
    </Stack>
  );
}

export function LineDrawer({
  line,
  onClose,
  actions,
}: {
  line: CommissionLine | null;
  onClose: () => void;
  actions?: ReactNode;
}) {
  return (
    <Drawer
      opened={line !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title="How this line was calculated"
    >
      {line && (
        <Stack gap="md">
          <Group justify="space-between">
            <Text fw={700} size="xl">
              {money(line.amount, line.currency)}
            </Text>
            <LineStateBadge state={line.state} />
          </Group>
          <Text size="sm" c="dimmed">
            {LINE_STATES[line.state]?.plain}
            {line.stateReason ? ` Reason: ${line.stateReason}` : ''}
          </Text>
          <Table withRowBorders={false} verticalSpacing={2}>
            <Table.Tbody>
              <Row k="Kind" v={KIND_LABELS[line.kind] ?? line.kind} />
              <Row k="Period" v={line.sourcePeriod} />
              <Row k="Segment" v={line.segment} />
              <Row k="Customer" v={line.customerId ?? 'all customers (aggregate)'} />
              <Row k="Deal" v={`${line.componentId} · version ${line.dealVersion}`} />
              <Row k="Held until" v={line.holdUntil ?? '—'} />
              <Row k="Derived from line" v={line.derivedFrom ?? '—'} />
              <Row k="Corrects line" v={line.correctsLineId ?? '—'} />
            </Table.Tbody>
          </Table>
          <ExplanationView explanation={line.explanation} />
          {actions}
        </Stack>
      )}
    </Drawer>
  );
}

function Row({ k, v }: { k: string; v: string }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" fw={500} w={160}>
        {k}
      </Table.Th>
      <Table.Td style={{ wordBreak: 'break-all' }}>{v}</Table.Td>
    </Table.Tr>
  );
}
