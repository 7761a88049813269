import {
  Alert,
  Button,
  Grid,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { backtestPartner, findPartners } from '../../api/endpoints';
import { money, useBrands } from '../../components/money';
import { FormError } from '../../components/states';
import { ERROR_STYLES, pathErrors } from './deal-errors';

/** The field errors under a prefix as one message, or undefined. */
function fieldErrors(err: unknown, prefix: string): string | undefined {
  const list = pathErrors(err, prefix);
  return list.length ? list.join('\n') : undefined;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function lastMonths(n: number): { from: string; to: string } {
  const d = new Date();
  const to = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - (n - 1), 1));
  return { from: from.toISOString().slice(0, 7), to: to.toISOString().slice(0, 7) };
}

/**
 * Back-test a draft deal on one partner's past activity (their own customers on one brand), side by side with
 * the deal the partner has today. Nothing is stored.
 */
export function BacktestPanel({
  draftText,
  onDraftChange,
}: {
  draftText: string;
  onDraftChange: (v: string) => void;
}) {
  const brands = useBrands();
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search, 250);
  const partners = useQuery({
    queryKey: ['partners', 'find', query],
    queryFn: () => findPartners(query),
    enabled: query.trim().length > 0,
  });
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const [brand, setBrand] = useState<string | null>(null);
  const initial = lastMonths(3);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  let parsed: unknown = null;
  let jsonError: string | undefined;
  try {
    parsed = JSON.parse(draftText);
  } catch (e) {
    jsonError = `Not valid JSON: ${(e as Error).message}`;
  }
  const run = useMutation({
    mutationFn: () => backtestPartner(partnerId!, { brand: brand!, from, to, deal: parsed }),
  });
  const ready = partnerId && brand && MONTH.test(from) && MONTH.test(to) && !jsonError;
  const options = (partners.data?.items ?? []).map((p) => ({ value: p.id, label: p.displayName }));
  return (
    <Stack>
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Textarea
            label="Draft deal (JSON)"
            value={draftText}
            onChange={(e) => onDraftChange(e.currentTarget.value)}
            autosize
            minRows={10}
            maxRows={20}
            ff="monospace"
            error={jsonError ?? fieldErrors(run.error, '/deal')}
            styles={ERROR_STYLES}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="sm">
            <Select
              label="Partner"
              placeholder="Type a name or e-mail"
              searchable
              searchValue={search}
              onSearchChange={setSearch}
              data={options}
              value={partnerId}
              onChange={setPartnerId}
              nothingFoundMessage={query ? 'No partner found' : 'Type to search'}
              required
            />
            <Select
              label="Brand"
              data={(brands.data ?? []).map((b) => ({ value: b.code, label: b.name }))}
              value={brand}
              onChange={setBrand}
              required
            />
            <Group grow>
              <TextInput
                label="From month"
                placeholder="YYYY-MM"
                value={from}
                onChange={(e) => setFrom(e.currentTarget.value)}
                error={!MONTH.test(from) ? 'YYYY-MM' : fieldErrors(run.error, '/from')}
              />
              <TextInput
                label="To month"
                placeholder="YYYY-MM"
                value={to}
                onChange={(e) => setTo(e.currentTarget.value)}
                error={!MONTH.test(to) ? 'YYYY-MM' : fieldErrors(run.error, '/to')}
              />
            </Group>
            <Text size="xs" c="dimmed">
              The partner's own customers on this brand, month by month (at most 13 months); nothing carried
              in from before the first month; sub-partner overrides are not included.
            </Text>
          </Stack>
        </Grid.Col>
      </Grid>
      <Group>
        <Button onClick={() => run.mutate()} loading={run.isPending} disabled={!ready}>
          Run back-test
        </Button>
      </Group>
      <FormError
        error={
          fieldErrors(run.error, '/deal') || fieldErrors(run.error, '/from') || fieldErrors(run.error, '/to')
            ? null
            : run.error
        }
      />
      {run.data && (
        <Paper withBorder p="md" radius="md">
          <Text size="sm" mb="xs">
            {run.data.customers} customer(s), {run.data.activityRows} activity row(s).{' '}
            {run.data.current
              ? `Current deal: ${run.data.current.name} (version ${run.data.current.version}).`
              : 'The partner has no deal in force on this brand.'}
          </Text>
          {run.data.activityRows === 0 && (
            <Alert color="gray" mb="xs">
              No activity of this partner's customers in these months.
            </Alert>
          )}
          <Table.ScrollContainer minWidth={560}>
            <Table striped aria-label="Back-test comparison">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Month</Table.Th>
                  <Table.Th ta="right">Draft deal</Table.Th>
                  <Table.Th ta="right">Current deal</Table.Th>
                  <Table.Th ta="right">Difference</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {run.data.comparison.map((m) => (
                  <Table.Tr key={`${m.periodId}-${m.currency}`}>
                    <Table.Td>{m.periodId}</Table.Td>
                    <Table.Td ta="right">
                      {money(m.draft, m.currency)}{' '}
                      <Text span size="xs" c="dimmed">
                        ({m.draftLines})
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      {money(m.current, m.currency)}{' '}
                      <Text span size="xs" c="dimmed">
                        ({m.currentLines})
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">{money(m.difference, m.currency)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </Stack>
  );
}
