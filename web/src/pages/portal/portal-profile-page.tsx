import { Badge, Group, Paper, SimpleGrid, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { getPortalProfile } from '../../api/endpoints';
import { ErrorState, LoadingState, PageHeader } from '../../components/states';
import { formatDate, label, SEGMENT_LABELS, STATUS_LABELS, statusColor } from '../../format';

function Fact({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {name}
      </Text>
      <Text size="sm" mt={2} component="div">
        {children}
      </Text>
    </div>
  );
}

export function PortalProfilePage() {
  const profile = useQuery({ queryKey: ['portal', 'profile'], queryFn: getPortalProfile });
  if (profile.isPending) return <LoadingState />;
  if (profile.isError) return <ErrorState error={profile.error} retry={() => profile.refetch()} />;
  const p = profile.data;
  return (
    <>
      <PageHeader
        title="Profile"
        description="How the operator knows you. Ask your partner manager to correct anything here."
      />
      <Paper withBorder p="md" radius="md">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="lg">
          <Fact name="Name">{p.displayName}</Fact>
          <Fact name="E-mail">{p.email ?? '—'}</Fact>
          <Fact name="Country">{p.country ?? '—'}</Fact>
          <Fact name="Status">
            <Badge color={statusColor(p.status)} variant="light">
              {label(STATUS_LABELS, p.status)}
            </Badge>
          </Fact>
          <Fact name="Segments">
            <Group gap={4}>
              {p.segments.map((s) => (
                <Badge key={s} variant="outline" color="gray">
                  {label(SEGMENT_LABELS, s)}
                </Badge>
              ))}
            </Group>
          </Fact>
          <Fact name="Partner since">{formatDate(p.createdAt)}</Fact>
        </SimpleGrid>
      </Paper>
    </>
  );
}
