import { Alert, Anchor, Button, Group, Table, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { listPortalBrands, listStatements, statementUrl, verifyStatement } from '../api/endpoints';
import type { StatementSummary } from '../api/types';
import { formatDateTime } from '../format';
import { useBrands } from './money';
import { EmptyState, ErrorState, FormError, LoadingState } from './states';

function VerifyButton({ s }: { s: StatementSummary }) {
  const v = useMutation({ mutationFn: () => verifyStatement(s.id) });
  return (
    <>
      <Button size="compact-xs" variant="light" onClick={() => v.mutate()} loading={v.isPending}>
        Verify seal
      </Button>
      {v.data && (
        <Alert mt={4} p="xs" color={v.data.ok ? 'green' : 'red'} role="status">
          {v.data.ok ? 'Seal verified: ' : 'Seal broken: '}
          {v.data.message}
        </Alert>
      )}
      <FormError error={v.error} />
    </>
  );
}

/** Sealed statements of one partner (the partner's own when `partnerId` is omitted in the portal). */
export function StatementsList({ partnerId }: { partnerId?: string }) {
  const staffBrands = useBrands(partnerId !== undefined);
  // a partner cannot list brands: its own programs name them
  const portalBrands = useQuery({
    queryKey: ['portal', 'brands'],
    queryFn: listPortalBrands,
    enabled: partnerId === undefined,
  });
  const brandNames = new Map<string, string>(
    (partnerId !== undefined ? (staffBrands.data ?? []) : (portalBrands.data?.items ?? [])).map((b) => [
      b.id,
      b.name,
    ]),
  );
  const q = useQuery({
    queryKey: ['statements', partnerId ?? 'own'],
    queryFn: () => listStatements(partnerId),
  });
  if (q.isPending) return <LoadingState />;
  if (q.isError) return <ErrorState error={q.error} retry={() => q.refetch()} />;
  if (q.data.items.length === 0)
    return (
      <EmptyState title="No statements yet">
        A statement is issued and sealed by finance after a period closes.
      </EmptyState>
    );
  return (
    <Table.ScrollContainer minWidth={600}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Period</Table.Th>
            <Table.Th>Brand</Table.Th>
            <Table.Th>Issued</Table.Th>
            <Table.Th>Download</Table.Th>
            <Table.Th>Seal</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {q.data.items.map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>{s.period}</Table.Td>
              <Table.Td>{brandNames.get(s.brandId) ?? s.brandId.slice(0, 8)}</Table.Td>
              <Table.Td>{formatDateTime(s.issuedAt)}</Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <Anchor href={statementUrl(s.id, 'html')} target="_blank" rel="noopener">
                    HTML
                  </Anchor>
                  <Anchor href={statementUrl(s.id, 'csv')} download>
                    CSV
                  </Anchor>
                  <Anchor href={statementUrl(s.id, 'pdf')} target="_blank" rel="noopener">
                    PDF
                  </Anchor>
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace" title={s.sha256}>
                  {s.sha256.slice(0, 12)}…
                </Text>
                <VerifyButton s={s} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
