import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Input,
  Modal,
  Paper,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCircleCheck, IconUpload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import {
  acceptPortalContract,
  getPortalContracts,
  getPortalDocuments,
  getPaymentMethod,
  getPortalProfile,
  portalDocumentContentUrl,
  uploadPortalDocument,
} from '../../api/endpoints';
import type { Contract } from '../../api/types';
import { PayoutMethod } from '../../components/payout-method';
import { ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { DOC_TYPE_LABELS, DOCUMENT_TYPES, VettingChecklist } from '../../components/vetting-checklist';
import { formatDate, formatDateTime, label, SEGMENT_LABELS } from '../../format';

/** SHA-256 (hex) of the exact contract text shown, computed in the browser and sent with the acceptance. */
async function sha256Hex(text: string): Promise<string> {
  if (!crypto?.subtle) throw new Error('Accepting a contract needs a secure (https) connection.');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function UploadForm() {
  const qc = useQueryClient();
  const [type, setType] = useState<string | null>(null);
  const [expiresOn, setExpiresOn] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [resetKey, setResetKey] = useState(0);
  const mutation = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.append('type', type ?? '');
      if (expiresOn) form.append('expiresOn', expiresOn);
      if (file) form.append('file', file, file.name);
      return uploadPortalDocument(form);
    },
    onSuccess: (d) => {
      void qc.invalidateQueries({ queryKey: ['portal', 'documents'] });
      notifications.show({ color: 'green', message: `${d.fileName} uploaded; compliance reviews it next.` });
      setType(null);
      setExpiresOn('');
      setFile(null);
      setResetKey((k) => k + 1);
    },
  });
  const fields = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        mutation.mutate();
      }}
      noValidate
    >
      <Stack gap="sm">
        <Select
          label="Document type"
          required
          data={DOCUMENT_TYPES.map((t) => ({ value: t, label: label(DOC_TYPE_LABELS, t) }))}
          value={type}
          onChange={setType}
          error={fields.type}
        />
        <Input.Wrapper
          label="File"
          description="PDF, PNG, JPEG or WebP, up to the size the server allows"
          required
          error={fields.file}
          id="document-file"
        >
          <input
            id="document-file"
            type="file"
            accept="application/pdf,image/png,image/jpeg,image/webp"
            aria-describedby="document-file-description"
            key={resetKey}
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            style={{ display: 'block', marginTop: 4 }}
          />
        </Input.Wrapper>
        <TextInput
          label="Valid until"
          type="date"
          description="If the document expires"
          value={expiresOn}
          onChange={(e) => setExpiresOn(e.currentTarget.value)}
          error={fields.expiresOn}
        />
        <FormError error={Object.keys(fields).length ? null : mutation.error} />
        <Group>
          <Button
            type="submit"
            leftSection={<IconUpload size={16} />}
            loading={mutation.isPending}
            disabled={!type || !file}
          >
            Upload
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AcceptContractModal({ contract, onClose }: { contract: Contract; onClose: () => void }) {
  const qc = useQueryClient();
  const [agreed, setAgreed] = useState(false);
  const mutation = useMutation({
    mutationFn: async () => acceptPortalContract(contract.id, await sha256Hex(contract.renderedText)),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['portal'] });
      notifications.show({ color: 'green', message: `Contract version ${contract.version} accepted.` });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Contract version ${contract.version}`} size="xl" centered>
      <Stack>
        <ScrollArea.Autosize
          mah={420}
          type="auto"
          viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'Contract text' }}
        >
          <Paper withBorder p="md" bg="gray.0">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="contract-text">
              {contract.renderedText}
            </Text>
          </Paper>
        </ScrollArea.Autosize>
        <Text size="xs" c="dimmed">
          Accepting records the time, your IP address and browser, and the SHA-256 of exactly this text. The
          version then never changes; new terms come as a new version.
        </Text>
        <Checkbox
          label="I have read and accept these terms"
          checked={agreed}
          onChange={(e) => setAgreed(e.currentTarget.checked)}
        />
        <FormError error={mutation.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Not now
          </Button>
          <Button disabled={!agreed} loading={mutation.isPending} onClick={() => mutation.mutate()}>
            Accept contract
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function PortalOnboardingPage() {
  const profile = useQuery({ queryKey: ['portal', 'profile'], queryFn: getPortalProfile });
  const docs = useQuery({ queryKey: ['portal', 'documents'], queryFn: getPortalDocuments });
  const contracts = useQuery({ queryKey: ['portal', 'contracts'], queryFn: getPortalContracts });
  const [reading, setReading] = useState<Contract | null>(null);
  const partnerId = profile.data?.id;
  const method = useQuery({
    queryKey: ['portal', 'payment-method', partnerId],
    queryFn: () => getPaymentMethod(partnerId!),
    enabled: Boolean(partnerId),
  });

  if (profile.isPending || docs.isPending || contracts.isPending) return <LoadingState />;
  const failed = profile.error ?? docs.error ?? contracts.error;
  if (failed || !profile.data || !docs.data || !contracts.data)
    return <ErrorState error={failed} retry={() => docs.refetch()} />;

  const p = profile.data;
  const docsDone = docs.data.checklist.every((i) => i.state === 'ok' || i.state === 'expiring');
  const open = contracts.data.items.filter((c) => !c.acceptedAt);
  const steps = [
    { label: 'Profile', done: Boolean(p.email && (p.legalName || p.companyName || p.displayName)) },
    { label: 'Documents approved', done: docsDone },
    { label: 'Payout method', done: Boolean(method.data?.method) },
    { label: 'Tax form', done: p.taxFormStatus !== 'missing' },
    { label: 'Contract accepted', done: contracts.data.items.some((c) => c.acceptedAt) },
  ];

  return (
    <>
      <PageHeader title="Onboarding" description="What is left before you start earning." />
      <Paper withBorder p="md" radius="md" mb="md">
        <Group
          gap="lg"
          wrap="wrap"
          component="ol"
          style={{ listStyle: 'none', margin: 0, padding: 0 }}
          aria-label="Onboarding checklist"
        >
          {steps.map((s) => (
            <Group key={s.label} gap={6} component="li">
              <IconCircleCheck
                size={20}
                color={s.done ? 'var(--mantine-color-green-7)' : 'var(--mantine-color-gray-5)'}
                aria-hidden
              />
              <Text size="sm" fw={s.done ? 400 : 600}>
                {s.label}
              </Text>
              <span className="visually-hidden">{s.done ? '(done)' : '(to do)'}</span>
            </Group>
          ))}
        </Group>
        {p.taxFormStatus === 'missing' && (
          <Text size="xs" c="dimmed" mt="sm">
            Upload your tax form (W-9, W-8BEN or W-8BEN-E) as a document; finance records its type.
          </Text>
        )}
      </Paper>

      {open.length > 0 && (
        <Alert color="indigo" mb="md" title="A contract is waiting for you">
          <Group justify="space-between" wrap="wrap">
            <Text size="sm">
              Version {open[0]!.version} for{' '}
              {open[0]!.segments.map((s) => label(SEGMENT_LABELS, s)).join(', ')}, issued{' '}
              {formatDate(open[0]!.issuedAt)}.
            </Text>
            <Button onClick={() => setReading(open[0]!)}>Read and accept</Button>
          </Group>
        </Alert>
      )}

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="sm">
            Required documents
          </Title>
          <VettingChecklist items={docs.data.checklist} />
          <Title order={3} size="h5" mt="lg" mb="xs">
            Upload a document
          </Title>
          <UploadForm />
        </Paper>
        <Stack>
          <Paper withBorder p="md" radius="md">
            <Title order={2} size="h4" mb="sm">
              Your documents
            </Title>
            {docs.data.items.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing uploaded yet.
              </Text>
            ) : (
              <Table verticalSpacing="xs" aria-label="Your documents">
                <Table.Tbody>
                  {docs.data.items.map((d) => (
                    <Table.Tr key={d.id}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {label(DOC_TYPE_LABELS, d.type)}
                        </Text>
                        <Anchor
                          size="xs"
                          href={portalDocumentContentUrl(d.id)}
                          target="_blank"
                          rel="noopener"
                        >
                          {d.fileName}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Badge
                          variant="light"
                          color={
                            d.reviewStatus === 'approved'
                              ? 'green'
                              : d.reviewStatus === 'rejected'
                                ? 'red'
                                : 'yellow'
                          }
                        >
                          {d.reviewStatus === 'pending' ? 'in review' : d.reviewStatus}
                        </Badge>
                        {d.reviewNote && (
                          <Text size="xs" c="dimmed">
                            {d.reviewNote}
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
          <Paper withBorder p="md" radius="md">
            <Title order={2} size="h4" mb="sm">
              Payout method
            </Title>
            <PayoutMethod partnerId={p.id} />
          </Paper>
          <Paper withBorder p="md" radius="md">
            <Title order={2} size="h4" mb="sm">
              Contracts
            </Title>
            {contracts.data.items.length === 0 ? (
              <Text size="sm" c="dimmed">
                Your partner manager issues your contract once your application is approved.
              </Text>
            ) : (
              <Stack gap="xs">
                {contracts.data.items.map((c) => (
                  <Group key={c.id} justify="space-between" wrap="nowrap">
                    <Text size="sm">
                      Version {c.version} · {c.segments.map((s) => label(SEGMENT_LABELS, s)).join(', ')}
                    </Text>
                    {c.acceptedAt ? (
                      <Badge variant="light" color="green">
                        accepted {formatDateTime(c.acceptedAt)}
                      </Badge>
                    ) : (
                      <Button size="compact-sm" onClick={() => setReading(c)}>
                        Read and accept
                      </Button>
                    )}
                  </Group>
                ))}
              </Stack>
            )}
          </Paper>
        </Stack>
      </SimpleGrid>
      {reading && <AcceptContractModal contract={reading} onClose={() => setReading(null)} />}
    </>
  );
}
