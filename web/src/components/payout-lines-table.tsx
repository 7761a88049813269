import { Anchor, Badge, Button, Group, Table, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { statementUrl } from '../api/endpoints';
import { formatDate, formatDateTime } from '../format';
import { money } from './money';

/**
 * One payout line (a partner's payment in a batch) as a batch (GET /payout-batches/:id) and a partner's payout
 * history (GET /portal/payouts, GET /partners/:id/payouts) both answer it; each adds a few fields of its own.
 */
export interface PayoutLineRow {
  id: string;
  currency: string;
  amount: string;
  payCurrency: string;
  payAmount: string;
  fxRate: string | null;
  method: string;
  status: string;
  reference: string | null;
  failureReason: string | null;
  invoiceNumber: string | null;
  partnerId?: string;
  partnerName?: string;
  payDate?: string;
  paidAt?: string | null;
  statements?: { id: string; period: string }[];
}

/**
 * The columns a page shows, in order:
 * - `partner`, `method`, `amount`, `paidAs`, `status`, `referenceOrReason`: a batch's lines for finance (state
 *   names as stored, amounts side by side);
 * - `payDate`, `payment` (paid amount, the original and its rate when converted, method and invoice),
 *   `statusExplained` (the partner's words with an explanation, and the failure reason), `paidAt`, `reference`,
 *   `statements`: a partner's payout history.
 */
export type PayoutColumn =
  | 'partner'
  | 'payDate'
  | 'method'
  | 'amount'
  | 'paidAs'
  | 'payment'
  | 'status'
  | 'statusExplained'
  | 'paidAt'
  | 'reference'
  | 'referenceOrReason'
  | 'statements';

const EXPLAINED: Record<string, { label: string; color: string; plain: string }> = {
  pending: { label: 'On its way', color: 'blue', plain: 'In a payout batch; the payment is being made.' },
  paid: { label: 'Paid', color: 'green', plain: 'The payment was confirmed with the reference shown.' },
  failed: {
    label: 'Failed',
    color: 'red',
    plain: 'The payment did not go through; the amount is back in your balance for the next payout.',
  },
};

const statusColor = (status: string) => (status === 'paid' ? 'green' : status === 'failed' ? 'red' : 'gray');

const COLUMNS: Record<
  PayoutColumn,
  { header: string; align?: 'right'; cell: (l: PayoutLineRow) => ReactNode; mono?: boolean }
> = {
  partner: {
    header: 'Partner',
    // the name when the API gives it (uuidv7 ids made together share their first digits)
    cell: (l) => l.partnerName || l.partnerId?.slice(0, 8) || '—',
  },
  payDate: { header: 'Pay date', cell: (l) => formatDate(l.payDate) },
  method: { header: 'Method', cell: (l) => l.method },
  amount: { header: 'Amount', align: 'right', cell: (l) => money(l.amount, l.currency) },
  paidAs: { header: 'Paid as', align: 'right', cell: (l) => money(l.payAmount, l.payCurrency) },
  payment: {
    header: 'Amount',
    align: 'right',
    cell: (l) => (
      <>
        <Text fw={600}>{money(l.payAmount, l.payCurrency)}</Text>
        {l.payCurrency !== l.currency && (
          <Text size="xs" c="dimmed">
            {money(l.amount, l.currency)} at {l.fxRate}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          by {l.method}
          {l.invoiceNumber ? ` · invoice ${l.invoiceNumber}` : ''}
        </Text>
      </>
    ),
  },
  status: {
    header: 'Status',
    cell: (l) => (
      <Badge variant="light" color={statusColor(l.status)}>
        {l.status}
      </Badge>
    ),
  },
  statusExplained: {
    header: 'Status',
    cell: (l) => {
      const s = EXPLAINED[l.status] ?? { label: l.status, color: 'gray', plain: l.status };
      return (
        <>
          <Tooltip label={s.plain} multiline w={260} withArrow>
            <Badge color={s.color} variant="light" tabIndex={0}>
              {s.label}
            </Badge>
          </Tooltip>
          {l.failureReason && (
            <Text size="xs" c="red.9">
              {l.failureReason}
            </Text>
          )}
        </>
      );
    },
  },
  paidAt: { header: 'Paid', cell: (l) => (l.paidAt ? formatDateTime(l.paidAt) : '—') },
  reference: {
    header: 'Reference',
    cell: (l) => (
      <Text size="sm" ff="monospace">
        {l.reference ?? '—'}
      </Text>
    ),
  },
  referenceOrReason: { header: 'Reference / reason', cell: (l) => l.reference ?? l.failureReason ?? '—' },
  statements: {
    header: 'Statements',
    cell: (l) =>
      !l.statements || l.statements.length === 0 ? (
        <Text size="sm" c="dimmed">
          —
        </Text>
      ) : (
        <Group gap="xs">
          {l.statements.map((s) => (
            <Anchor key={s.id} href={statementUrl(s.id, 'html')} target="_blank" rel="noopener">
              {s.period}
            </Anchor>
          ))}
        </Group>
      ),
  },
};

/**
 * Payout lines as a table: a batch's lines on the staff Payouts page and a partner's payout history in the
 * portal and on the staff partner page. `action` adds a last column (finance's Settle).
 */
export function PayoutLinesTable<T extends PayoutLineRow>({
  lines,
  columns,
  label,
  action,
  striped = false,
  minWidth = 760,
}: {
  lines: readonly T[];
  columns: readonly PayoutColumn[];
  label: string;
  action?: (line: T) => ReactNode;
  striped?: boolean;
  minWidth?: number;
}) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped={striped} aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c} ta={COLUMNS[c].align}>
                {COLUMNS[c].header}
              </Table.Th>
            ))}
            {action && (
              <Table.Th>
                <span className="visually-hidden">Actions</span>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((l) => (
            <Table.Tr key={l.id}>
              {columns.map((c) => (
                <Table.Td key={c} ta={COLUMNS[c].align} ff={COLUMNS[c].mono ? 'monospace' : undefined}>
                  {COLUMNS[c].cell(l)}
                </Table.Td>
              ))}
              {action && <Table.Td>{action(l)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** "21–40 of 57" with Newer / Older, for lists paged newest first; nothing when everything fits on a page. */
export function Pager({
  offset,
  pageSize,
  total,
  onChange,
}: {
  offset: number;
  pageSize: number;
  total: number;
  onChange: (offset: number) => void;
}) {
  if (total <= pageSize) return null;
  return (
    <Group justify="space-between">
      <Text size="sm" c="dimmed">
        {offset + 1}–{Math.min(offset + pageSize, total)} of {total}
      </Text>
      <Group gap="xs">
        <Button
          size="xs"
          variant="default"
          disabled={offset === 0}
          onClick={() => onChange(Math.max(0, offset - pageSize))}
        >
          Newer
        </Button>
        <Button
          size="xs"
          variant="default"
          disabled={offset + pageSize >= total}
          onClick={() => onChange(offset + pageSize)}
        >
          Older
        </Button>
      </Group>
    </Group>
  );
}
