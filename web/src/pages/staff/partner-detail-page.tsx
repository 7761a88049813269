import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { can } from '../../access';
import { ApiError } from '../../api/client';
import { getPartner, listUsers } from '../../api/endpoints';
import { AuditTable } from '../../components/audit-table';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { formatDateTime, label, SEGMENT_LABELS, STATUS_LABELS, statusColor } from '../../format';
import { useSession } from '../../session';

function Fact({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {name}
      </Text>
      <Text size="sm" mt={2}>
        {children}
      </Text>
    </div>
  );
}

export function PartnerDetailPage() {
  const { id = '' } = useParams();
  const { user } = useSession();
  const partner = useQuery({ queryKey: ['partners', 'one', id], queryFn: () => getPartner(id) });
  const managers = useQuery({
    queryKey: ['users', 'partner_manager'],
    queryFn: () => listUsers('partner_manager'),
    enabled: user.role === 'admin',
  });

  const back = (
    <Anchor component={Link} to="/partners" size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden /> Partners
      </Group>
    </Anchor>
  );

  if (partner.isPending) return <LoadingState label="Loading partner…" />;
  if (partner.isError) {
    if (partner.error instanceof ApiError && partner.error.status === 404) {
      return (
        <Stack>
          {back}
          <EmptyState title="Partner not found">
            It does not exist, or it is outside your portfolio.
          </EmptyState>
        </Stack>
      );
    }
    return <ErrorState error={partner.error} retry={() => partner.refetch()} />;
  }
  const p = partner.data;
  const manager =
    p.managerUserId === null
      ? 'Unassigned'
      : p.managerUserId === user.id
        ? 'You'
        : (managers.data?.items.find((u) => u.id === p.managerUserId)?.displayName ?? 'Assigned');

  return (
    <Stack gap="md">
      {back}
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            {p.displayName}
          </Title>
          <Group gap={6} mt={6}>
            <Badge color={statusColor(p.status)} variant="light">
              {label(STATUS_LABELS, p.status)}
            </Badge>
            {p.segments.map((s) => (
              <Badge key={s} variant="outline" color="gray">
                {label(SEGMENT_LABELS, s)}
              </Badge>
            ))}
          </Group>
        </div>
      </Group>
      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          {can(user.role, 'audit') && <Tabs.Tab value="history">History</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Paper withBorder p="md" radius="md">
            <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="lg">
              <Fact name="E-mail">{p.email ?? '—'}</Fact>
              <Fact name="Country">{p.country ?? '—'}</Fact>
              <Fact name="Partner manager">{manager}</Fact>
              <Fact name="Created">{formatDateTime(p.createdAt)}</Fact>
              <Fact name="Partner id">
                <span className="mono">{p.id}</span>
              </Fact>
            </SimpleGrid>
          </Paper>
        </Tabs.Panel>
        {can(user.role, 'audit') && (
          <Tabs.Panel value="history" pt="md">
            <AuditTable
              query={{ entityType: 'partner', entityId: p.id }}
              emptyText="No recorded changes to this partner yet."
            />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
