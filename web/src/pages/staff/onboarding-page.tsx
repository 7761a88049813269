import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { documentsNeedingAttention, listPartners } from '../../api/endpoints';
import { DOC_TYPE_LABELS } from '../../components/vetting-checklist';
import { ErrorState, LoadingState, PageHeader } from '../../components/states';
import { formatDate, label, SEGMENT_LABELS, STATUS_LABELS, statusColor } from '../../format';

function Queue({ status, title }: { status: string; title: string }) {
  const q = useQuery({
    queryKey: ['partners', 'list', undefined, status, 'queue'],
    queryFn: () => listPartners({ status, limit: 100 }),
  });
  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {q.data && <Badge variant="light">{q.data.total}</Badge>}
      </Group>
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <ErrorState error={q.error} retry={() => q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing waiting.
        </Text>
      ) : (
        <Stack gap={6}>
          {q.data.items.map((p) => (
            <Group key={p.id} justify="space-between" wrap="nowrap">
              <Anchor component={Link} to={`/partners/${p.id}`} size="sm">
                {p.displayName}
              </Anchor>
              <Text size="xs" c="dimmed">
                {p.segments.map((s) => label(SEGMENT_LABELS, s)).join(', ')} · {formatDate(p.createdAt)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

export function OnboardingPage() {
  const attention = useQuery({
    queryKey: ['documents', 'attention'],
    queryFn: () => documentsNeedingAttention(30),
  });
  return (
    <>
      <PageHeader
        title="Onboarding"
        description="Applications to review, documents to check and contracts to issue."
      />
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md" mb="md">
        <Queue status="applied" title="New applications" />
        <Queue status="in_review" title="In review" />
        <Queue status="approved" title="Approved: issue a contract" />
      </SimpleGrid>
      <Paper withBorder radius="md" p="md">
        <Title order={2} size="h4" mb="sm">
          Documents needing attention
        </Title>
        {attention.isPending ? (
          <LoadingState />
        ) : attention.isError ? (
          <ErrorState error={attention.error} retry={() => attention.refetch()} />
        ) : attention.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            Every required document is present, reviewed and valid for the next 30 days.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs" aria-label="Documents needing attention">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Partner</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Documents</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {attention.data.items.map((a) => (
                  <Table.Tr key={a.partnerId}>
                    <Table.Td>
                      <Anchor component={Link} to={`/partners/${a.partnerId}`} size="sm">
                        {a.displayName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={statusColor(a.status)}>
                        {label(STATUS_LABELS, a.status)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {a.documents.map((d) => (
                          <Badge
                            key={d.documentType}
                            variant="light"
                            color={d.state === 'expiring' ? 'orange' : 'red'}
                          >
                            {label(DOC_TYPE_LABELS, d.documentType)}: {d.state}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </>
  );
}
