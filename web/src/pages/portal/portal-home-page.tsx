import { Alert, Anchor, Badge, Card, Group, SimpleGrid, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { getPortalProfile, getPortalTracking, listApiKeys } from '../../api/endpoints';
import { ErrorState, LoadingState, PageHeader } from '../../components/states';
import { TrafficChart } from '../../components/traffic-chart';
import { BalanceCard, NpsCard } from './portal-home-cards';
import { Copy, linkUrl } from './portal-links-page';
import { label, SEGMENT_LABELS, STATUS_LABELS, statusColor } from '../../format';
import { useSession } from '../../session';

export function PortalHomePage() {
  const { user } = useSession();
  const profile = useQuery({ queryKey: ['portal', 'profile'], queryFn: getPortalProfile });
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: listApiKeys });
  const tracking = useQuery({ queryKey: ['portal', 'tracking'], queryFn: getPortalTracking });

  if (profile.isPending) return <LoadingState />;
  if (profile.isError) return <ErrorState error={profile.error} retry={() => profile.refetch()} />;
  const p = profile.data;
  const activeKeys = keys.data?.items.filter((k) => !k.revokedAt).length ?? 0;
  const mainLink = tracking.data?.links.find((l) => l.status === 'active');

  return (
    <>
      <PageHeader title={`Welcome, ${p.displayName}`} description="Your partner portal" />
      {p.status !== 'active' && (
        <Alert
          color="yellow"
          mb="md"
          title={`Your account is ${label(STATUS_LABELS, p.status).toLowerCase()}`}
        >
          Your partner manager is in touch about the next steps. Earnings start once your account is active.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md" mb="md">
        <Card withBorder radius="md" padding="md">
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            Status
          </Text>
          <Badge mt={6} color={statusColor(p.status)} variant="light" size="lg">
            {label(STATUS_LABELS, p.status)}
          </Badge>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" mt="md">
            Segments
          </Text>
          <Group gap={4} mt={6}>
            {p.segments.map((s) => (
              <Badge key={s} variant="outline" color="gray">
                {label(SEGMENT_LABELS, s)}
              </Badge>
            ))}
          </Group>
        </Card>
        <Card withBorder radius="md" padding="md">
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            Security
          </Text>
          <Text size="sm" mt={6}>
            Two-factor authentication is <strong>{user.totpEnabled ? 'on' : 'off'}</strong>.
          </Text>
          <Anchor component={Link} to="/account" size="sm">
            Account and security
          </Anchor>
        </Card>
        <Card withBorder radius="md" padding="md">
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            API keys
          </Text>
          <Text size="sm" mt={6}>
            {keys.isPending ? 'Loading…' : `${activeKeys} active key${activeKeys === 1 ? '' : 's'}`}
          </Text>
          <Anchor component={Link} to="/portal/api-keys" size="sm">
            Manage API keys
          </Anchor>
        </Card>
      </SimpleGrid>
      <Card withBorder radius="md" padding="md" mb="md">
        <Text size="xs" c="dimmed" fw={600} tt="uppercase">
          Your main link
        </Text>
        {mainLink ? (
          <Group gap={4} wrap="nowrap" mt={6}>
            <Text className="mono" size="sm">
              {linkUrl(mainLink)}
            </Text>
            <Copy value={linkUrl(mainLink)} what="main link" />
          </Group>
        ) : (
          <Text size="sm" mt={6}>
            No link yet.{' '}
            <Anchor component={Link} to="/portal/links">
              Create one
            </Anchor>
          </Text>
        )}
      </Card>
      <div style={{ marginBottom: 'var(--mantine-spacing-md)' }}>
        <TrafficChart title="Your traffic" />
      </div>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <BalanceCard />
        <NpsCard />
      </SimpleGrid>
    </>
  );
}
