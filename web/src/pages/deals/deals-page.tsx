import {
  Alert,
  Badge,
  Button,
  Grid,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { listDealTemplates, saveDealTemplate, simulate } from '../../api/endpoints';
import { SEGMENTS, type Segment, type SimulationResult } from '../../api/types';
import { brandName, ExplanationView, money, useBrands } from '../../components/money';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { SEGMENT_LABELS } from '../../format';
import { useSession } from '../../session';
import { BacktestPanel } from './backtest-panel';
import { ERROR_STYLES, pathErrors } from './deal-errors';

const SAMPLE_DEAL = JSON.stringify(
  {
    schemaVersion: 1,
    name: 'Casino revenue share 30%',
    currency: 'EUR',
    segments: ['affiliate'],
    components: [
      {
        id: 'rs',
        kind: 'igaming_revshare',
        ngr: { deductions: [{ kind: 'bonuses', method: 'reported' }] },
        rate: '30',
        carryover: { enabled: true, scope: 'per_brand' },
      },
    ],
  },
  null,
  2,
);
const SAMPLE_ACTIVITY = `type,brandId,customerId,date,currency,stakes,wins,bonuses
igaming_day,casino,c1,2025-01-05,EUR,25000,15000,1500
igaming_day,casino,c1,2025-02-05,EUR,100,5100,0
igaming_day,casino,c1,2025-03-05,EUR,9000,0,0`;

function parseJson(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: 'Must be a JSON object' };
    return { ok: true, value: v as Record<string, unknown> };
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${(e as Error).message}` };
  }
}

function Templates() {
  const role = useSession().user.role;
  const qc = useQueryClient();
  const brands = useBrands();
  const list = useQuery({ queryKey: ['deal-templates'], queryFn: () => listDealTemplates() });
  const [brandId, setBrandId] = useState<string | null>(null);
  const [segment, setSegment] = useState<Segment>('affiliate');
  const [tier, setTier] = useState('*');
  const [name, setName] = useState('');
  const [terms, setTerms] = useState(SAMPLE_DEAL);
  const [legal, setLegal] = useState('Commission terms for {{partner.name}}.');
  const parsed = parseJson(terms);
  const save = useMutation({
    mutationFn: () => {
      if (!parsed.ok) throw new Error(parsed.error);
      return saveDealTemplate({
        brandId: brandId ?? '',
        segment,
        tier,
        name,
        terms: parsed.value,
        legalText: legal,
      });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['deal-templates'] }),
  });
  const fe = save.error instanceof ApiError ? save.error.fieldErrors : {};
  const termErrors = pathErrors(save.error, '/terms');
  const edit = (t: {
    brandId: string;
    segment: Segment;
    tier: string;
    name: string;
    terms: unknown;
    legalText: string;
  }) => {
    setBrandId(t.brandId);
    setSegment(t.segment);
    setTier(t.tier);
    setName(t.name);
    setTerms(JSON.stringify(t.terms, null, 2));
    setLegal(t.legalText);
    save.reset();
  };
  return (
    <Grid>
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="sm">
            Templates
          </Title>
          {list.isPending ? (
            <LoadingState />
          ) : list.isError ? (
            <ErrorState error={list.error} retry={() => list.refetch()} />
          ) : list.data.items.length === 0 ? (
            <EmptyState title="No deal templates">
              Contracts are rendered from the latest template per brand, segment and tier.
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={380}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Brand / segment / tier</Table.Th>
                    <Table.Th>Version</Table.Th>
                    <Table.Th>
                      <span className="visually-hidden">Edit</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.data.items.map((t) => (
                    <Table.Tr key={t.id}>
                      <Table.Td>{t.name}</Table.Td>
                      <Table.Td>
                        {brandName(brands.data, t.brandId)} · {SEGMENT_LABELS[t.segment]} · {t.tier}
                      </Table.Td>
                      <Table.Td>v{t.version}</Table.Td>
                      <Table.Td>
                        <Button size="compact-xs" variant="subtle" onClick={() => edit(t)}>
                          {role === 'admin' ? 'Edit' : 'View'}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="sm">
            {role === 'admin' ? 'Template editor' : 'Template'}
          </Title>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate();
            }}
          >
            <Stack gap="sm">
              <Group grow align="flex-start" wrap="wrap">
                <Select
                  label="Brand"
                  required
                  data={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
                  value={brandId}
                  onChange={setBrandId}
                  error={fe.brandId}
                />
                <Select
                  label="Segment"
                  data={SEGMENTS.map((s) => ({ value: s, label: SEGMENT_LABELS[s] ?? s }))}
                  value={segment}
                  onChange={(v) => v && setSegment(v as Segment)}
                  allowDeselect={false}
                  error={fe.segment}
                />
                <TextInput
                  label="Tier"
                  description="* for every tier"
                  value={tier}
                  onChange={(e) => setTier(e.currentTarget.value)}
                  error={fe.tier}
                />
              </Group>
              <TextInput
                label="Name"
                required
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={fe.name}
              />
              <Textarea
                label="Deal terms (JSON)"
                description="Validated by the commission engine; errors name the field path."
                value={terms}
                onChange={(e) => setTerms(e.currentTarget.value)}
                autosize
                minRows={8}
                maxRows={20}
                ff="monospace"
                error={!parsed.ok ? parsed.error : termErrors.length ? termErrors.join('\n') : fe.terms}
                styles={ERROR_STYLES}
              />
              <Textarea
                label="Legal text"
                required
                value={legal}
                onChange={(e) => setLegal(e.currentTarget.value)}
                error={fe.legalText}
                autosize
                minRows={3}
              />
              <FormError error={Object.keys(fe).length || termErrors.length ? null : save.error} />
              {save.isSuccess && (
                <Alert color="green" role="status">
                  Saved as version {save.data.version}.
                </Alert>
              )}
              {role === 'admin' && (
                <Group justify="flex-end">
                  <Button type="submit" loading={save.isPending} disabled={!parsed.ok}>
                    Save new version
                  </Button>
                </Group>
              )}
            </Stack>
          </form>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

function Totals({ title, result }: { title: string; result: SimulationResult }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={3} size="h5" mb="xs">
        {title}
      </Title>
      {result.totals.length === 0 ? (
        <Text size="sm" c="dimmed">
          No commission.
        </Text>
      ) : (
        result.totals.map((t) => (
          <Text key={`${t.partnerId}-${t.currency}-${String(t.segment)}`} fw={700} size="lg">
            {money(String(t.amount ?? '0'), t.currency)}
          </Text>
        ))
      )}
      <Text size="xs" c="dimmed">
        {result.lines.length} line(s)
        {result.issues.length > 0
          ? ` · ${result.issues.length} issue(s): ${result.issues.map((i) => i.kind).join(', ')}`
          : ''}
      </Text>
    </Paper>
  );
}

function Simulator() {
  const templates = useQuery({ queryKey: ['deal-templates'], queryFn: () => listDealTemplates() });
  const [draft, setDraft] = useState(SAMPLE_DEAL);
  const [current, setCurrent] = useState<string | null>(null);
  const [activity, setActivity] = useState(SAMPLE_ACTIVITY);
  const [open, setOpen] = useState<number | null>(null);
  const parsed = parseJson(draft);
  const run = useMutation({
    mutationFn: async () => {
      if (!parsed.ok) throw new Error(parsed.error);
      const cur = templates.data?.items.find((t) => t.id === current);
      const [a, b] = await Promise.all([
        simulate({ deal: parsed.value, activity }),
        cur ? simulate({ deal: cur.terms, activity }) : Promise.resolve(null),
      ]);
      return { draft: a, current: b, currentName: cur ? `${cur.name} v${cur.version}` : null };
    },
  });
  const dealErrors = pathErrors(run.error, '/deal');
  const activityErrors = pathErrors(run.error, '/activity');
  return (
    <Stack>
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Textarea
            label="Draft deal (JSON)"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            autosize
            minRows={10}
            maxRows={20}
            ff="monospace"
            error={!parsed.ok ? parsed.error : dealErrors.length ? dealErrors.join('\n') : undefined}
            styles={ERROR_STYLES}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="sm">
            <Select
              label="Compare with the current deal"
              placeholder="No comparison"
              clearable
              data={(templates.data?.items ?? []).map((t) => ({
                value: t.id,
                label: `${t.name} v${t.version}`,
              }))}
              value={current}
              onChange={setCurrent}
            />
            <Textarea
              label="Activity (CSV or JSON)"
              description="A header row naming the fields; type igaming_day, trade, prop_purchase, prop_refund, prop_payout or deliverable."
              value={activity}
              onChange={(e) => setActivity(e.currentTarget.value)}
              autosize
              minRows={6}
              maxRows={16}
              ff="monospace"
              error={activityErrors.length ? activityErrors.join('\n') : undefined}
              styles={ERROR_STYLES}
            />
          </Stack>
        </Grid.Col>
      </Grid>
      <Group>
        <Button onClick={() => run.mutate()} loading={run.isPending} disabled={!parsed.ok}>
          Run simulation
        </Button>
      </Group>
      <FormError error={dealErrors.length || activityErrors.length ? null : run.error} />
      {run.data && (
        <>
          <Grid>
            <Grid.Col span={{ base: 12, sm: run.data.current ? 6 : 12 }}>
              <Totals title="Draft deal" result={run.data.draft} />
            </Grid.Col>
            {run.data.current && (
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <Totals title={`Current deal: ${run.data.currentName}`} result={run.data.current} />
              </Grid.Col>
            )}
          </Grid>
          <Table.ScrollContainer minWidth={600}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Period</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th>Formula</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {run.data.draft.lines.map((l, i) => (
                  <Table.Tr key={`${String(l.id ?? i)}`}>
                    <Table.Td>{String(l.periodId ?? '')}</Table.Td>
                    <Table.Td>{l.kind}</Table.Td>
                    <Table.Td>{l.customerId ?? '—'}</Table.Td>
                    <Table.Td ta="right">{money(l.amount, l.currency)}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        onClick={() => setOpen(open === i ? null : i)}
                        aria-expanded={open === i}
                      >
                        {l.explanation?.formula ?? 'Explain'}
                      </Button>
                      {open === i && <ExplanationView explanation={l.explanation} />}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {run.data.draft.issues.length > 0 && (
            <Alert color="yellow" title="Rows the engine could not pay">
              {run.data.draft.issues.map((i) => (
                <Badge key={JSON.stringify(i)} mr={4} variant="light">
                  {i.kind}
                </Badge>
              ))}
            </Alert>
          )}
        </>
      )}
    </Stack>
  );
}

export function DealsPage() {
  const [tab, setTab] = useState<string | null>('templates');
  const [backtestDraft, setBacktestDraft] = useState(SAMPLE_DEAL);
  return (
    <>
      <PageHeader
        title="Deals"
        description="Deal templates (validated by the commission engine) and the simulator to back-test a draft deal."
      />
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List mb="md">
          <Tabs.Tab value="templates">Templates</Tabs.Tab>
          <Tabs.Tab value="simulator">Simulator</Tabs.Tab>
          <Tabs.Tab value="backtest">Back-test on a partner</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="templates">
          <Templates />
        </Tabs.Panel>
        <Tabs.Panel value="simulator">
          <Simulator />
        </Tabs.Panel>
        <Tabs.Panel value="backtest">
          <BacktestPanel draftText={backtestDraft} onDraftChange={setBacktestDraft} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
