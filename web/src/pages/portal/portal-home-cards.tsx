import { Button, Card, Group, SimpleGrid, Stack, Table, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { answerPortalNps, getPortalBalance, listPortalNps } from '../../api/endpoints';
import type { NpsItem } from '../../api/portal-pages-types';
import { ErrorState, FormError, LoadingState } from '../../components/states';
import { formatDate } from '../../format';
import { formatMinor } from '../../reporting';

/** Pending, approved, payable and in-payout commission per currency; threshold and next payout per brand. */
export function BalanceCard() {
  const q = useQuery({ queryKey: ['portal', 'balance'], queryFn: getPortalBalance });
  return (
    <Card withBorder radius="md" padding="md">
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={6}>
        Balance
      </Text>
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : (
        <Stack gap="sm">
          {q.data.balances.length === 0 ? (
            <Text size="sm">No commission yet: it appears after the first period closes.</Text>
          ) : (
            <Table verticalSpacing={4} aria-label="Balance">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Currency</Table.Th>
                  <Table.Th ta="right">Pending</Table.Th>
                  <Table.Th ta="right">Approved</Table.Th>
                  <Table.Th ta="right">Payable</Table.Th>
                  <Table.Th ta="right">In payout</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.balances.map((b) => (
                  <Table.Tr key={b.currency}>
                    <Table.Td>{b.currency}</Table.Td>
                    <Table.Td ta="right">{formatMinor(b.pendingMinor, b.currency)}</Table.Td>
                    <Table.Td ta="right">{formatMinor(b.approvedMinor, b.currency)}</Table.Td>
                    <Table.Td ta="right" fw={600}>
                      {formatMinor(b.payableMinor, b.currency)}
                    </Table.Td>
                    <Table.Td ta="right">{formatMinor(b.inPayoutMinor, b.currency)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {q.data.payouts.map((p) => (
            <Text key={p.brandId} size="sm">
              <strong>{p.brandName}</strong>: next payout from {formatDate(p.nextPayoutDate)} (
              {p.schedule === 'net' ? `NET-${p.netDays}` : 'monthly'}), paid when the payable balance reaches{' '}
              {formatMinor(p.thresholdMinor, p.currency)}.
            </Text>
          ))}
          <Text size="xs" c="dimmed">
            Pending: booked at the period close, awaiting approval. Approved: held until the hold ends.
            Payable: goes into the next payout.
          </Text>
        </Stack>
      )}
    </Card>
  );
}

const SCORES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

function Survey({ s }: { s: NpsItem }) {
  const qc = useQueryClient();
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const answer = useMutation({
    mutationFn: () => answerPortalNps(s.id, score ?? -1, comment.trim() || undefined),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['portal', 'nps'] });
      notifications.show({ color: 'green', message: 'Thank you for your answer.' });
    },
  });
  const fields = answer.error instanceof ApiError ? answer.error.fieldErrors : {};
  if (s.answered)
    return (
      <Text size="sm">
        {s.question} — you answered <strong>{s.score}</strong>. Thank you.
      </Text>
    );
  return (
    <Stack gap="xs">
      <Text size="sm" fw={600} id={`nps-${s.id}`}>
        {s.question}
      </Text>
      <Group gap={4} role="radiogroup" aria-labelledby={`nps-${s.id}`}>
        {SCORES.map((i) => (
          <Button
            key={i}
            size="compact-sm"
            variant={score === i ? 'filled' : 'default'}
            role="radio"
            aria-checked={score === i}
            aria-label={`Score ${i}`}
            onClick={() => setScore(i)}
          >
            {i}
          </Button>
        ))}
      </Group>
      <Text size="xs" c="dimmed">
        0 = not at all likely, 10 = extremely likely
      </Text>
      <Textarea
        label="Anything to add? (optional)"
        autosize
        minRows={1}
        value={comment}
        onChange={(e) => setComment(e.currentTarget.value)}
        error={fields.comment}
      />
      <FormError error={Object.keys(fields).length ? null : answer.error} />
      <Group>
        <Button
          size="sm"
          disabled={score === null}
          loading={answer.isPending}
          onClick={() => answer.mutate()}
        >
          Send answer
        </Button>
      </Group>
    </Stack>
  );
}

/** Open NPS surveys: answer once, 0–10. Hidden when there is none. */
export function NpsCard() {
  const q = useQuery({ queryKey: ['portal', 'nps'], queryFn: listPortalNps });
  if (q.isPending || q.isError || q.data.items.length === 0) return null;
  return (
    <Card withBorder radius="md" padding="md">
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={6}>
        Partner survey
      </Text>
      <SimpleGrid cols={1} spacing="md">
        {q.data.items.map((s) => (
          <Survey key={s.id} s={s} />
        ))}
      </SimpleGrid>
    </Card>
  );
}
