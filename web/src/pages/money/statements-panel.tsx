import { Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { issueStatement, listPartners } from '../../api/endpoints';
import { useBrands } from '../../components/money';
import { FormError } from '../../components/states';
import { StatementsList } from '../../components/statements-list';
import { useSession } from '../../session';

export function StatementsPanel() {
  const role = useSession().user.role;
  const qc = useQueryClient();
  const brands = useBrands();
  const partners = useQuery({
    queryKey: ['partners', 'all-for-select'],
    queryFn: () => listPartners({ limit: 200 }),
  });
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const [brandId, setBrandId] = useState<string | null>(null);
  const [period, setPeriod] = useState('');
  const issue = useMutation({
    mutationFn: () => issueStatement({ brandId: brandId ?? '', partnerId: partnerId ?? '', period }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['statements'] }),
  });
  const fe = issue.error instanceof ApiError ? issue.error.fieldErrors : {};
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="xs">
        Statements
      </Title>
      <Stack>
        <Select
          label="Partner"
          placeholder="Choose a partner"
          searchable
          data={(partners.data?.items ?? []).map((p) => ({ value: p.id, label: p.displayName }))}
          value={partnerId}
          onChange={setPartnerId}
          error={fe.partnerId}
          maw={360}
        />
        {role === 'finance' && partnerId && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              issue.mutate();
            }}
          >
            <Group align="flex-start" wrap="wrap">
              <Select
                label="Brand"
                required
                data={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
                value={brandId}
                onChange={setBrandId}
                error={fe.brandId}
                w={220}
              />
              <TextInput
                label="Closed period"
                placeholder="YYYY-MM"
                required
                value={period}
                onChange={(e) => setPeriod(e.currentTarget.value)}
                error={fe.period}
                w={140}
              />
              <Button type="submit" mt={25} loading={issue.isPending}>
                Issue and seal statement
              </Button>
            </Group>
            <FormError error={fe.brandId || fe.period || fe.partnerId ? null : issue.error} />
          </form>
        )}
        {partnerId ? (
          <StatementsList partnerId={partnerId} />
        ) : (
          <Text size="sm" c="dimmed">
            Choose a partner to see its sealed statements.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
