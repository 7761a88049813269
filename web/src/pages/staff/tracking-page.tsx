import {
  Anchor,
  Badge,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  listStaffDeliveries,
  listStaffPostbacks,
  listTrackingAssets,
  listTrackingOverlaps,
} from '../../api/endpoints';
import { can } from '../../access';
import { PauseAssetAction } from '../../components/pause-asset';
import { PostbackDeliveryTable } from '../../components/postback-delivery-table';
import { PeriodSelect, type PeriodPreset, presetPeriod } from '../../components/period-select';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '../../components/states';
import { amounts } from '../../components/sub-partner-totals';
import { formatDate, formatDateTime, label, SEGMENT_LABELS } from '../../format';
import { useSession } from '../../session';

function Assets() {
  const mayPause = can(useSession().user.role, 'pauseTracking');
  const [kind, setKind] = useState<'all' | 'link' | 'code'>('all');
  const [status, setStatus] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 300);
  const query = {
    ...(kind === 'all' ? {} : { kind }),
    ...(status ? { status: status as 'active' | 'paused' } : {}),
    ...(q ? { q } : {}),
    limit: 200,
  };
  const list = useQuery({
    queryKey: ['tracking', 'assets', query],
    queryFn: () => listTrackingAssets(query),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <Group align="flex-end" mb="sm" wrap="wrap">
        <SegmentedControl
          aria-label="Kind"
          value={kind}
          onChange={(v) => setKind(v as typeof kind)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'link', label: 'Links' },
            { value: 'code', label: 'Promo codes' },
          ]}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          w={160}
          data={[
            { value: 'active', label: 'Active' },
            { value: 'paused', label: 'Paused' },
          ]}
          value={status}
          onChange={setStatus}
        />
        <TextInput
          label="Code or name"
          w={220}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
      </Group>
      {list.isPending ? (
        <LoadingState />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No links or codes match" />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={860}>
            <Table striped verticalSpacing="xs" aria-label="Links and codes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Code</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Partner</Table.Th>
                  <Table.Th>Brand</Table.Th>
                  <Table.Th>Segment</Table.Th>
                  <Table.Th>Sub-ids</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Created</Table.Th>
                  {mayPause && (
                    <Table.Th>
                      <span className="visually-hidden">Actions</span>
                    </Table.Th>
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((a) => (
                  <Table.Tr key={`${a.kind}-${a.id}`}>
                    <Table.Td className="mono">{a.kind === 'link' ? `/r/${a.code}` : a.code}</Table.Td>
                    <Table.Td>{a.kind === 'code' ? 'Promo code' : a.name || a.linkKind}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/partners/${a.partnerId}`} size="sm">
                        {a.partnerName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{a.brandName}</Table.Td>
                    <Table.Td>{label(SEGMENT_LABELS, a.segment)}</Table.Td>
                    <Table.Td className="mono">
                      {Object.entries(a.subIds)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(' ') || '—'}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={a.status === 'active' ? 'green' : 'gray'}>
                        {a.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDate(a.createdAt)}</Table.Td>
                    {mayPause && (
                      <Table.Td>
                        <PauseAssetAction asset={a} who="staff" />
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="sm" c="dimmed" p="sm">
            {list.data.total} in total
            {list.data.total > list.data.items.length ? `, first ${list.data.items.length} shown` : ''}
          </Text>
        </Paper>
      )}
    </>
  );
}

function Postbacks() {
  const [failing, setFailing] = useState(false);
  const list = useQuery({
    queryKey: ['tracking', 'postbacks', failing],
    queryFn: () => listStaffPostbacks(failing),
  });
  return (
    <>
      <Switch
        mb="sm"
        label="Failing or disabled only"
        checked={failing}
        onChange={(e) => setFailing(e.currentTarget.checked)}
      />
      {list.isPending ? (
        <LoadingState />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title={failing ? 'No failing postbacks' : 'No postbacks configured'} />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={860}>
            <Table verticalSpacing="xs" aria-label="Postback configurations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Partner</Table.Th>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>URL</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Deliveries</Table.Th>
                  <Table.Th ta="right">Failed</Table.Th>
                  <Table.Th>Last delivery</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/partners/${p.partnerId}`} size="sm">
                        {p.partnerName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{p.eventType}</Table.Td>
                    <Table.Td>
                      <Text size="xs" className="mono" style={{ wordBreak: 'break-all' }}>
                        {p.url}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge
                        variant="light"
                        color={!p.enabled ? 'red' : p.consecutiveFailures > 0 ? 'yellow' : 'green'}
                      >
                        {!p.enabled
                          ? 'disabled'
                          : p.consecutiveFailures > 0
                            ? `failing (${p.consecutiveFailures})`
                            : 'enabled'}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">{p.deliveries}</Table.Td>
                    <Table.Td ta="right">{p.failedDeliveries}</Table.Td>
                    <Table.Td>{p.lastDeliveryAt ? formatDateTime(p.lastDeliveryAt) : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </>
  );
}

function Deliveries() {
  const [status, setStatus] = useState<string | null>('failed');
  const list = useQuery({
    queryKey: ['tracking', 'deliveries', status],
    queryFn: () => listStaffDeliveries(status ?? undefined),
  });
  return (
    <>
      <Select
        mb="sm"
        label="Delivery status"
        placeholder="Any status"
        clearable
        w={200}
        data={['failed', 'pending', 'delivered', 'skipped']}
        value={status}
        onChange={setStatus}
      />
      {list.isPending ? (
        <LoadingState />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No deliveries" />
      ) : (
        <PostbackDeliveryTable rows={list.data.items} showPartner />
      )}
    </>
  );
}

function Overlaps() {
  const [preset, setPreset] = useState<PeriodPreset>('90');
  const period = presetPeriod(preset);
  const list = useQuery({
    queryKey: ['tracking', 'overlaps', period],
    queryFn: () => listTrackingOverlaps(period),
  });
  return (
    <>
      <Group align="flex-end" justify="space-between" mb="sm">
        <PeriodSelect value={preset} onChange={setPreset} label="Detected in" />
        {list.data && (
          <Text size="sm">
            {list.data.totals.claims} competing claim{list.data.totals.claims === 1 ? '' : 's'} on{' '}
            {list.data.totals.customers} customer{list.data.totals.customers === 1 ? '' : 's'}; paying twice
            would have cost <strong>{amounts(list.data.totals.wouldHaveCost)}</strong>
          </Text>
        )}
      </Group>
      {list.isPending ? (
        <LoadingState />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No overlaps in this period">
          An overlap is a second partner's click or code on a customer already owned by another partner.
        </EmptyState>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={860}>
            <Table verticalSpacing="xs" aria-label="Overlaps">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Detected</Table.Th>
                  <Table.Th>Customer</Table.Th>
                  <Table.Th>Brand</Table.Th>
                  <Table.Th>Owner (paid)</Table.Th>
                  <Table.Th>Competing claim</Table.Th>
                  <Table.Th ta="right">Paying twice would have cost</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((o) => (
                  <Table.Tr key={o.id}>
                    <Table.Td>{formatDateTime(o.detectedAt)}</Table.Td>
                    <Table.Td className="mono">{o.customerPublicId}</Table.Td>
                    <Table.Td>{o.brandName}</Table.Td>
                    <Table.Td>
                      {o.ownerPartnerName ?? '—'}{' '}
                      {o.ownerSegment ? `(${label(SEGMENT_LABELS, o.ownerSegment)})` : ''}
                    </Table.Td>
                    <Table.Td>
                      {o.competingPartnerName} ({label(SEGMENT_LABELS, o.competingSegment)}, {o.source})
                    </Table.Td>
                    <Table.Td ta="right">{amounts(o.wouldHaveCost)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </>
  );
}

export function TrackingPage() {
  return (
    <>
      <PageHeader
        title="Tracking"
        description="Links and promo codes across partners, partners' postbacks and their delivery log, and cross-partner overlaps."
      />
      <Tabs defaultValue="assets" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="assets">Links and codes</Tabs.Tab>
          <Tabs.Tab value="postbacks">Postbacks</Tabs.Tab>
          <Tabs.Tab value="deliveries">Delivery log</Tabs.Tab>
          <Tabs.Tab value="overlaps">Overlaps</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="assets">
          <Assets />
        </Tabs.Panel>
        <Tabs.Panel value="postbacks">
          <Postbacks />
        </Tabs.Panel>
        <Tabs.Panel value="deliveries">
          <Deliveries />
        </Tabs.Panel>
        <Tabs.Panel value="overlaps">
          <Overlaps />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
