import { BarChart } from '@mantine/charts';
import {
  Alert,
  Anchor,
  Badge,
  Card,
  Group,
  List,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconChartBar, IconCircleCheck, IconInfoCircle, IconShieldX } from '@tabler/icons-react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { can } from '../../access';
import { listAuditVerifications, listPartners } from '../../api/endpoints';
import { SEGMENTS } from '../../api/types';
import { ErrorState, PageHeader } from '../../components/states';
import { TrafficChart } from '../../components/traffic-chart';
import { formatDateTime, ROLE_LABELS, SEGMENT_LABELS } from '../../format';
import { useSession } from '../../session';

/** The partner-manager KPIs of DOMAIN.md, with their definitions (shown on hover and focus). */
export const KPI_DEFINITIONS: Array<{ key: string; title: string; definition: string }> = [
  {
    key: 'onboardings',
    title: 'Onboardings (tier-weighted)',
    definition:
      'Partners who accepted their first contract this quarter, weighted by tier (1 for the lowest tier, one more per tier above).',
  },
  {
    key: 'onboardedToActive',
    title: 'Onboarded → active in 90 days',
    definition:
      'Share of the partners onboarded in a cohort who had a revenue event (FTD, closed trade or purchase) within 90 days.',
  },
  {
    key: 'mixBreadth',
    title: 'Partner-mix breadth',
    definition: 'Share of partner-attributed revenue from segments other than the dominant one.',
  },
  {
    key: 'revenue',
    title: 'Partner-attributed revenue',
    definition:
      'NGR (iGaming), spread and commission charged (Forex), purchases less refunds (Prop), in the reporting currency.',
  },
  {
    key: 'ltv',
    title: 'Customer LTV',
    definition: 'Revenue to date per partner-attributed customer, by registration cohort.',
  },
  {
    key: 'activeBySegment',
    title: 'Active partners by segment',
    definition: 'Partners with at least one revenue event from their customers in the period, per segment.',
  },
  {
    key: 'topRetention',
    title: 'Top-partner retention',
    definition: 'Partners over the revenue threshold this period who stay over it the next period.',
  },
  {
    key: 'overlaps',
    title: 'Cross-segment overlaps',
    definition:
      'Customers with competing claims from several partner segments, and what paying every claim would have cost.',
  },
  {
    key: 'auditReadiness',
    title: 'Audit readiness',
    definition:
      "Share of the period's commission lines whose every input (events, ownership, deal version, approvals) has an audit record, with the chain verified.",
  },
  {
    key: 'nps',
    title: 'Partner NPS',
    definition: 'Promoters % − detractors % from 0–10 partner surveys.',
  },
];

function KpiCard({ title, definition }: { title: string; definition: string }) {
  return (
    <Card withBorder padding="md" radius="md">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap={6}>
        <Text size="sm" fw={600}>
          {title}
        </Text>
        <Tooltip
          label={definition}
          multiline
          w={280}
          withArrow
          events={{ hover: true, focus: true, touch: true }}
        >
          <ThemeIcon
            variant="subtle"
            color="gray"
            size="sm"
            tabIndex={0}
            role="img"
            aria-label={`Definition: ${definition}`}
          >
            <IconInfoCircle size={16} />
          </ThemeIcon>
        </Tooltip>
      </Group>
      <Text size="xl" fw={700} mt="xs" aria-label="No value yet">
        —
      </Text>
      <Text size="xs" c="dimmed">
        No reporting data yet
      </Text>
    </Card>
  );
}

function PartnerCounts() {
  const total = useQuery({
    queryKey: ['partners', 'count', 'all'],
    queryFn: () => listPartners({ limit: 1 }),
  });
  const bySegment = useQueries({
    queries: SEGMENTS.map((segment) => ({
      queryKey: ['partners', 'count', 'segment', segment],
      queryFn: () => listPartners({ segment, limit: 1 }),
    })),
  });
  const loading = total.isPending || bySegment.some((q) => q.isPending);
  const failed = total.error ?? bySegment.find((q) => q.error)?.error;
  const data = SEGMENTS.map((s, i) => ({
    segment: SEGMENT_LABELS[s] ?? s,
    partners: bySegment[i]?.data?.total ?? 0,
  }));

  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Partners by segment
        </Title>
        {total.data && (
          <Text size="sm" c="dimmed">
            {total.data.total} partner records
          </Text>
        )}
      </Group>
      {failed ? (
        <ErrorState error={failed} retry={() => total.refetch()} />
      ) : loading ? (
        <Skeleton h={220} />
      ) : total.data?.total === 0 ? (
        <Text c="dimmed" size="sm">
          No partners yet.
        </Text>
      ) : (
        <>
          <figure aria-label="Bar chart of partner records per segment" style={{ margin: 0 }}>
            <BarChart
              h={220}
              data={data}
              dataKey="segment"
              series={[{ name: 'partners', label: 'Partners', color: 'indigo.6' }]}
              tickLine="y"
              gridAxis="y"
              yAxisProps={{ allowDecimals: false }}
            />
          </figure>
          <Text size="xs" c="dimmed" mt="xs">
            All statuses; a partner active in several segments counts once in each.
          </Text>
        </>
      )}
    </Paper>
  );
}

function TaskQueue() {
  const role = useSession().user.role;
  const applied = useQuery({
    queryKey: ['partners', 'count', 'status', 'applied'],
    queryFn: () => listPartners({ status: 'applied', limit: 1 }),
  });
  const inReview = useQuery({
    queryKey: ['partners', 'count', 'status', 'in_review'],
    queryFn: () => listPartners({ status: 'in_review', limit: 1 }),
  });
  const showAudit = can(role, 'audit');
  const verifications = useQuery({
    queryKey: ['audit', 'verifications'],
    queryFn: listAuditVerifications,
    enabled: showAudit,
  });
  const lastRun = verifications.data?.items[0];

  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        Task queue
      </Title>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Anchor component={Link} to="/partners?status=applied" size="sm">
            New applications
          </Anchor>
          <Badge color={applied.data?.total ? 'yellow' : 'gray'} variant="light" aria-live="polite">
            {applied.isPending ? '…' : applied.isError ? 'error' : applied.data.total}
          </Badge>
        </Group>
        <Group justify="space-between" wrap="nowrap">
          <Anchor component={Link} to="/partners?status=in_review" size="sm">
            Applications in review
          </Anchor>
          <Badge color={inReview.data?.total ? 'yellow' : 'gray'} variant="light">
            {inReview.isPending ? '…' : inReview.isError ? 'error' : inReview.data.total}
          </Badge>
        </Group>
        {showAudit && (
          <Group justify="space-between" wrap="nowrap">
            <Anchor component={Link} to="/audit" size="sm">
              Audit chain
            </Anchor>
            {verifications.isPending ? (
              <Badge variant="light" color="gray">
                …
              </Badge>
            ) : lastRun ? (
              <Tooltip label={`Last verified ${formatDateTime(lastRun.verifiedAt)} (${lastRun.trigger})`}>
                <Badge
                  variant="light"
                  color={lastRun.ok ? 'green' : 'red'}
                  leftSection={lastRun.ok ? <IconCircleCheck size={12} /> : <IconShieldX size={12} />}
                >
                  {lastRun.ok ? 'intact' : 'broken'}
                </Badge>
              </Tooltip>
            ) : (
              <Badge variant="light" color="gray">
                not verified yet
              </Badge>
            )}
          </Group>
        )}
        <Text size="xs" c="dimmed" mt="xs">
          Not connected yet: documents to review, held commissions, payout approvals, failing postbacks and
          open claims join this queue when this server offers them.
        </Text>
      </Stack>
    </Paper>
  );
}

export function OverviewPage() {
  const { user } = useSession();
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Signed in as ${user.displayName} · ${ROLE_LABELS[user.role]}`}
      />
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md" mb="lg">
        <div className="overview-wide">
          <PartnerCounts />
        </div>
        <TaskQueue />
      </SimpleGrid>
      <div style={{ marginBottom: 'var(--mantine-spacing-lg)' }}>
        <TrafficChart title="Traffic from partner links" />
      </div>
      <Group justify="space-between" align="baseline" mb="xs">
        <Title order={2} size="h4">
          Partner-manager KPIs
        </Title>
      </Group>
      <Alert color="gray" icon={<IconChartBar aria-hidden />} mb="md" variant="light">
        <Text size="sm">
          This server has no KPI reporting API yet, so the KPIs show no values rather than estimates. Their
          definitions are under each{' '}
          <IconInfoCircle size={14} aria-label="information" style={{ verticalAlign: 'middle' }} />.
        </Text>
        <List size="sm" mt={4}>
          <List.Item>
            Filters by brand, segment, partner manager and period, and the trend charts, come with it.
          </List.Item>
        </List>
      </Alert>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 5 }} spacing="md">
        {KPI_DEFINITIONS.map((k) => (
          <KpiCard key={k.key} title={k.title} definition={k.definition} />
        ))}
      </SimpleGrid>
    </>
  );
}
