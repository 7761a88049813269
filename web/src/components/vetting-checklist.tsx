import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import type { VettingItem } from '../api/types';
import { formatDate, label } from '../format';

const STATE: Record<VettingItem['state'], { text: string; color: string }> = {
  ok: { text: 'approved', color: 'green' },
  missing: { text: 'missing', color: 'red' },
  unreviewed: { text: 'waiting for review', color: 'yellow' },
  expired: { text: 'expired', color: 'red' },
  rejected: { text: 'rejected', color: 'red' },
  expiring: { text: 'expiring soon', color: 'orange' },
};

export const DOC_TYPE_LABELS: Record<string, string> = {
  identity: 'Identity document',
  proof_of_address: 'Proof of address',
  company_registration: 'Company registration',
  bank_proof: 'Bank account proof',
  tax_form: 'Tax form',
  marketing_approval: 'Marketing approval',
  other: 'Other',
};

export const DOCUMENT_TYPES = Object.keys(DOC_TYPE_LABELS);

/** The vetting checklist: each required document type and where it stands. */
export function VettingChecklist({ items }: { items: VettingItem[] }) {
  if (items.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No documents are required for these segments and jurisdictions.
      </Text>
    );
  }
  return (
    <Stack
      gap={6}
      component="ul"
      style={{ listStyle: 'none', padding: 0, margin: 0 }}
      aria-label="Vetting checklist"
    >
      {items.map((i) => (
        <Paper component="li" key={i.documentType} withBorder p="xs" radius="sm">
          <Group justify="space-between" wrap="nowrap">
            <div>
              <Text size="sm" fw={600}>
                {label(DOC_TYPE_LABELS, i.documentType)}
              </Text>
              <Text size="xs" c="dimmed">
                {i.note || `Required for ${i.requiredFor.join(', ')}`}
                {i.expiresOn ? ` · expires ${formatDate(i.expiresOn)}` : ''}
              </Text>
            </div>
            <Badge variant="light" color={STATE[i.state].color}>
              {STATE[i.state].text}
            </Badge>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
