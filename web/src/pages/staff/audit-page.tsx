import { Alert, Badge, Button, Grid, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconSearch, IconShieldCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { listAuditVerifications, verifyAuditChain } from '../../api/endpoints';
import { AuditTable } from '../../components/audit-table';
import { ErrorState, FormError, PageHeader } from '../../components/states';
import { formatDateTime } from '../../format';

const KEYS = ['q', 'action', 'entityType', 'entityId', 'actorId', 'from', 'to'] as const;
type Key = (typeof KEYS)[number];

/** `datetime-local` values are local time; the API wants ISO 8601 instants. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function VerifyChain() {
  const qc = useQueryClient();
  const runs = useQuery({ queryKey: ['audit', 'verifications'], queryFn: listAuditVerifications });
  const verify = useMutation({
    mutationFn: verifyAuditChain,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['audit', 'verifications'] }),
  });
  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Hash chain
        </Title>
        <Button
          size="xs"
          leftSection={<IconShieldCheck size={14} />}
          onClick={() => verify.mutate()}
          loading={verify.isPending}
        >
          Verify chain now
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        Every record is linked to the previous one by SHA-256; verification recomputes the whole chain.
      </Text>
      {verify.data && (
        <Alert
          color={verify.data.ok ? 'green' : 'red'}
          role="status"
          mb="sm"
          title={verify.data.ok ? 'Chain intact' : 'Chain broken'}
        >
          {verify.data.message} ({verify.data.checked} records checked)
        </Alert>
      )}
      <FormError error={verify.error} />
      <Text size="sm" fw={600} mt="sm" mb={4}>
        Recent verifications
      </Text>
      {runs.isError ? (
        <ErrorState error={runs.error} retry={() => runs.refetch()} />
      ) : runs.isPending ? (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      ) : runs.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          None yet: the nightly job, `consort audit verify` and this button record one.
        </Text>
      ) : (
        <Stack gap={6}>
          {runs.data.items.slice(0, 8).map((r) => (
            <Group key={r.verifiedAt + r.trigger} justify="space-between" wrap="nowrap" gap="xs">
              <Text size="xs">{formatDateTime(r.verifiedAt)}</Text>
              <Text size="xs" c="dimmed">
                {r.trigger} · {r.checked}
              </Text>
              <Badge size="sm" variant="light" color={r.ok ? 'green' : 'red'}>
                {r.ok ? 'intact' : 'broken'}
              </Badge>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const current = Object.fromEntries(KEYS.map((k) => [k, params.get(k) ?? ''])) as Record<Key, string>;
  const [form, setForm] = useState(current);
  const paramString = params.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-sync the form when the URL changes (history links)
  useEffect(() => {
    setForm(Object.fromEntries(KEYS.map((k) => [k, params.get(k) ?? ''])) as Record<Key, string>);
  }, [paramString]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const k of KEYS) if (form[k].trim()) next.set(k, form[k].trim());
    setParams(next);
  };
  const field = (k: Key) => ({
    value: form[k],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.currentTarget.value }),
  });
  const entityHistory = current.entityType && current.entityId;

  return (
    <>
      <PageHeader
        title={entityHistory ? `History of ${current.entityType}` : 'Audit trail'}
        description={
          entityHistory ? (
            <span className="mono">{current.entityId}</span>
          ) : (
            'Who did what, when: every change to Consort, hash-chained and verifiable.'
          )
        }
      />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 9 }}>
          <Paper withBorder p="sm" radius="md" mb="md" component="form" onSubmit={submit} role="search">
            <Grid gap="xs" align="flex-end">
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput label="Search" placeholder="Text in action, entity or change" {...field('q')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput label="Action" placeholder="e.g. partner.created" {...field('action')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <TextInput label="Entity type" placeholder="e.g. partner" {...field('entityType')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 8 }}>
                <TextInput label="Entity id" {...field('entityId')} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <TextInput label="Actor id" {...field('actorId')} />
              </Grid.Col>
              <Grid.Col span={{ base: 6, sm: 4 }}>
                <TextInput label="From" type="datetime-local" {...field('from')} />
              </Grid.Col>
              <Grid.Col span={{ base: 6, sm: 4 }}>
                <TextInput label="To" type="datetime-local" {...field('to')} />
              </Grid.Col>
              <Grid.Col span={12}>
                <Group justify="flex-end" gap="xs">
                  <Button
                    variant="default"
                    onClick={() => {
                      setParams(new URLSearchParams());
                    }}
                  >
                    Clear
                  </Button>
                  <Button type="submit" leftSection={<IconSearch size={16} />}>
                    Search
                  </Button>
                </Group>
              </Grid.Col>
            </Grid>
          </Paper>
          <AuditTable
            query={{
              q: current.q || undefined,
              action: current.action || undefined,
              entityType: current.entityType || undefined,
              entityId: current.entityId || undefined,
              actorId: current.actorId || undefined,
              from: toIso(current.from),
              to: toIso(current.to),
            }}
            emptyText="Nothing matches this search. Widen the period or clear a field."
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 3 }}>
          <VerifyChain />
        </Grid.Col>
      </Grid>
    </>
  );
}
