import {
  Alert,
  Button,
  Grid,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { importFxRates, listFxRates, lookupFxRate } from '../../api/endpoints';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { useSession } from '../../session';

function Lookup() {
  const [from, setFrom] = useState('USD');
  const [to, setTo] = useState('EUR');
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10));
  const m = useMutation({
    mutationFn: () => lookupFxRate({ from: from.toUpperCase(), to: to.toUpperCase(), date, maxAgeDays: 7 }),
  });
  const fe = m.error instanceof ApiError ? m.error.fieldErrors : {};
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="xs">
        Look up a rate
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <Group align="flex-start" wrap="wrap">
          <TextInput
            label="From"
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
            error={fe.from}
            w={90}
            maxLength={3}
          />
          <TextInput
            label="To"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            error={fe.to}
            w={90}
            maxLength={3}
          />
          <TextInput
            label="On date"
            type="date"
            value={date}
            onChange={(e) => setDate(e.currentTarget.value)}
            error={fe.date}
          />
          <Button type="submit" mt={25} loading={m.isPending}>
            Look up
          </Button>
        </Group>
      </form>
      {m.data && (
        <Alert color="blue" mt="sm" role="status" title={`1 ${m.data.from} = ${m.data.rate} ${m.data.to}`}>
          Published {m.data.date} by {m.data.source}
          {m.data.derived ? ' (cross rate through EUR)' : ''}.
        </Alert>
      )}
      <FormError error={fe.from || fe.to || fe.date ? null : m.error} />
    </Paper>
  );
}

function Import() {
  const qc = useQueryClient();
  const [csv, setCsv] = useState('');
  const m = useMutation({
    mutationFn: () => importFxRates(csv),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['fx-rates'] }),
  });
  const rowErrors =
    m.error instanceof ApiError && Array.isArray(m.error.details.fields)
      ? (m.error.details.fields as { path: string; message: string }[])
      : [];
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="xs">
        Import rates (CSV)
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <Stack gap="xs">
          <Textarea
            label="CSV"
            description="The ECB reference-rate file as published, or date,from,to,rate[,source]. Any bad row rejects the file."
            placeholder={'date,from,to,rate,source\n2026-01-05,EUR,USD,1.0850,ecb'}
            value={csv}
            onChange={(e) => setCsv(e.currentTarget.value)}
            autosize
            minRows={4}
            maxRows={12}
            ff="monospace"
            error={rowErrors.length ? rowErrors.map((r) => `${r.path}: ${r.message}`).join('; ') : undefined}
          />
          <Group>
            <Button type="submit" loading={m.isPending} disabled={!csv.trim()}>
              Import
            </Button>
            <Text size="sm">
              or choose a file:{' '}
              <input
                type="file"
                accept=".csv,text/csv"
                aria-label="Rates CSV file"
                onChange={async (e) => {
                  const f = e.currentTarget.files?.[0];
                  if (f) setCsv(await f.text());
                }}
              />
            </Text>
          </Group>
          {m.data && (
            <Alert color="green" role="status">
              {m.data.rows} rows ({m.data.format}): {m.data.inserted} added, {m.data.updated} corrected,{' '}
              {m.data.unchanged} unchanged, {m.data.skipped} skipped
              {m.data.firstDate ? `, ${m.data.firstDate} to ${m.data.lastDate}` : ''}.
            </Alert>
          )}
          <FormError error={rowErrors.length ? null : m.error} />
        </Stack>
      </form>
    </Paper>
  );
}

export function FxPage() {
  const role = useSession().user.role;
  const [base, setBase] = useState('');
  const [quote, setQuote] = useState('');
  const ok = (s: string) => s === '' || /^[A-Z]{3}$/.test(s);
  const q = useQuery({
    queryKey: ['fx-rates', base, quote],
    queryFn: () => listFxRates({ base: base || undefined, quote: quote || undefined, limit: 200 }),
    enabled: ok(base) && ok(quote),
  });
  return (
    <>
      <PageHeader
        title="FX rates"
        description="The rates the close and payouts convert with: the last published on or before the date."
      />
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="md" radius="md">
            <Group mb="sm" align="flex-start">
              <TextInput
                label="Base"
                value={base}
                onChange={(e) => setBase(e.currentTarget.value.toUpperCase())}
                error={ok(base) ? undefined : 'Three letters'}
                w={90}
              />
              <TextInput
                label="Quote"
                value={quote}
                onChange={(e) => setQuote(e.currentTarget.value.toUpperCase())}
                error={ok(quote) ? undefined : 'Three letters'}
                w={90}
              />
            </Group>
            {q.isPending ? (
              <LoadingState />
            ) : q.isError ? (
              <ErrorState error={q.error} retry={() => q.refetch()} />
            ) : q.data.items.length === 0 ? (
              <EmptyState title="No rates">Import the ECB file or a CSV of rates.</EmptyState>
            ) : (
              <Table.ScrollContainer minWidth={400}>
                <Table striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Date</Table.Th>
                      <Table.Th>Pair</Table.Th>
                      <Table.Th ta="right">Rate</Table.Th>
                      <Table.Th>Source</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {q.data.items.map((r) => (
                      <Table.Tr key={`${r.date}-${r.base}-${r.quote}`}>
                        <Table.Td>{r.date}</Table.Td>
                        <Table.Td>
                          {r.base}/{r.quote}
                        </Table.Td>
                        <Table.Td ta="right" ff="monospace">
                          {r.rate}
                        </Table.Td>
                        <Table.Td>{r.source}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Lookup />
            {(role === 'admin' || role === 'finance') && <Import />}
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}
