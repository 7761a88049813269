import { Badge, Button, Grid, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import {
  getPortalProfile,
  listPortalBrands,
  listPortalDeliverables,
  submitDeliverable,
} from '../../api/endpoints';
import type { Deliverable, Segment } from '../../api/types';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { formatDate, SEGMENT_LABELS } from '../../format';

const STATUS_COLOUR: Record<Deliverable['status'], string> = {
  submitted: 'blue',
  approved: 'green',
  rejected: 'red',
};
const STATUS_TEXT: Record<Deliverable['status'], string> = {
  submitted: 'Waiting for review',
  approved: 'Approved: paid with the close of its month',
  rejected: 'Rejected',
};

/** Videos, posts and appearances the partner's deal pays a flat fee for: submit one, follow its review. */
export function PortalDeliverablesPage() {
  const qc = useQueryClient();
  const profile = useQuery({ queryKey: ['portal', 'profile'], queryFn: getPortalProfile });
  const list = useQuery({ queryKey: ['portal', 'deliverables'], queryFn: listPortalDeliverables });
  const brands = useQuery({ queryKey: ['portal', 'brands'], queryFn: listPortalBrands });
  const [brand, setBrand] = useState<string | null>(null);
  const [segment, setSegment] = useState<string | null>(null);
  const [type, setType] = useState('');
  const [externalRef, setExternalRef] = useState('');
  const [title, setTitle] = useState('');
  const [url, setUrl] = useState('');
  const [deliveredOn, setDeliveredOn] = useState(new Date().toISOString().slice(0, 10));
  const submit = useMutation({
    mutationFn: () =>
      submitDeliverable({
        brand: brand ?? '',
        segment: (segment ?? '') as Segment,
        type: type.trim(),
        externalRef: externalRef.trim(),
        title: title.trim(),
        ...(url.trim() ? { url: url.trim() } : {}),
        deliveredOn,
      }),
    onSuccess: (d) => {
      void qc.invalidateQueries({ queryKey: ['portal', 'deliverables'] });
      notifications.show({
        color: 'green',
        message: d.duplicate ? `“${d.title}” was already submitted.` : `“${d.title}” submitted for review.`,
      });
      setExternalRef('');
      setTitle('');
      setUrl('');
    },
  });
  const fields = submit.error instanceof ApiError ? submit.error.fieldErrors : {};
  if (profile.isPending || list.isPending || brands.isPending) return <LoadingState />;
  if (profile.isError || list.isError || brands.isError)
    return <ErrorState error={profile.error ?? list.error ?? brands.error} retry={() => list.refetch()} />;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate();
  };
  return (
    <>
      <PageHeader
        title="Deliverables"
        description="Content your deal pays a flat fee for: submit each piece, your partner manager reviews it, and approved ones are paid with the close of the month they were delivered in."
      />
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="md" radius="md" component="form" onSubmit={onSubmit}>
            <Stack gap="sm">
              <Title order={2} size="h4">
                Submit a deliverable
              </Title>
              <Select
                label="Brand"
                data={brands.data.items.map((b) => ({ value: b.code, label: b.name }))}
                value={brand}
                onChange={setBrand}
                error={fields.brand}
                placeholder={brands.data.items.length ? 'Choose a brand' : 'No brand program yet'}
                required
              />
              <Select
                label="Segment"
                data={profile.data.segments.map((s) => ({ value: s, label: SEGMENT_LABELS[s] ?? s }))}
                value={segment}
                onChange={setSegment}
                error={fields.segment}
                required
              />
              <TextInput
                label="Type"
                description="As named in your deal, e.g. youtube_video, tiktok_post"
                value={type}
                onChange={(e) => setType(e.currentTarget.value)}
                error={fields.type}
                required
              />
              <TextInput
                label="Your reference"
                description="Unique per piece; submitting the same reference again changes nothing"
                value={externalRef}
                onChange={(e) => setExternalRef(e.currentTarget.value)}
                error={fields.externalRef}
                required
              />
              <TextInput
                label="Title"
                value={title}
                onChange={(e) => setTitle(e.currentTarget.value)}
                error={fields.title}
                required
              />
              <TextInput
                label="Link (optional)"
                type="url"
                value={url}
                onChange={(e) => setUrl(e.currentTarget.value)}
                error={fields.url}
              />
              <TextInput
                label="Delivered on"
                type="date"
                value={deliveredOn}
                onChange={(e) => setDeliveredOn(e.currentTarget.value)}
                error={fields.deliveredOn}
                required
              />
              <FormError error={Object.keys(fields).length ? null : submit.error} />
              <Button type="submit" loading={submit.isPending} disabled={!brand || !segment}>
                Submit for review
              </Button>
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          {list.data.items.length === 0 ? (
            <EmptyState title="No deliverables yet">
              Submitted pieces appear here with their review.
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={520}>
              <Table striped aria-label="Your deliverables">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Delivered</Table.Th>
                    <Table.Th>Title</Table.Th>
                    <Table.Th>Type</Table.Th>
                    <Table.Th>Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.data.items.map((d) => (
                    <Table.Tr key={d.id}>
                      <Table.Td>{formatDate(d.deliveredOn)}</Table.Td>
                      <Table.Td>
                        {d.url ? (
                          <a href={d.url} target="_blank" rel="noreferrer noopener">
                            {d.title}
                          </a>
                        ) : (
                          d.title
                        )}
                        <Text size="xs" c="dimmed">
                          {d.externalRef} · {d.brand}
                        </Text>
                      </Table.Td>
                      <Table.Td>{d.type}</Table.Td>
                      <Table.Td>
                        <Badge color={STATUS_COLOUR[d.status]} variant="light">
                          {d.status}
                        </Badge>
                        <Text size="xs">{STATUS_TEXT[d.status]}</Text>
                        {d.decisionReason && <Text size="xs">“{d.decisionReason}”</Text>}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Grid.Col>
      </Grid>
    </>
  );
}
