import {
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import {
  listNotificationTemplates,
  previewNotificationTemplate,
  resetNotificationTemplate,
  saveNotificationTemplate,
} from '../../api/endpoints';
import type { NotificationEvent, NotificationTemplate } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { formatDateTime } from '../../format';

const KEY = ['notification-templates'] as const;

function TemplateEditor({ t }: { t: NotificationTemplate }) {
  const qc = useQueryClient();
  const [subject, setSubject] = useState(t.subject);
  const [body, setBody] = useState(t.body);
  const [confirmReset, setConfirmReset] = useState(false);
  useEffect(() => {
    setSubject(t.subject);
    setBody(t.body);
  }, [t]);
  const preview = useMutation({
    mutationFn: () => previewNotificationTemplate(t.event, { subject, body }),
  });
  const save = useMutation({
    mutationFn: () => saveNotificationTemplate(t.event, { subject, body }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: KEY });
      notifications.show({ color: 'green', message: `Template “${t.label}” saved.` });
    },
  });
  const reset = useMutation({
    mutationFn: () => resetNotificationTemplate(t.event),
    onSuccess: async () => {
      setConfirmReset(false);
      await qc.invalidateQueries({ queryKey: KEY });
      notifications.show({ color: 'yellow', message: `Template “${t.label}” is the default again.` });
    },
  });
  const err = save.error ?? preview.error;
  const fields = err instanceof ApiError ? err.fieldErrors : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    preview.reset();
    save.mutate();
  };

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Paper
        withBorder
        p="md"
        radius="md"
        component="form"
        onSubmit={submit}
        noValidate
        aria-labelledby="tpl-title"
      >
        <Group justify="space-between" mb="xs" wrap="wrap">
          <Title order={2} size="h4" id="tpl-title">
            {t.label}
          </Title>
          <Badge variant="light" color={t.overridden ? 'indigo' : 'gray'}>
            {t.overridden ? `customised ${formatDateTime(t.updatedAt)}` : 'default'}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed" mb="sm">
          {t.description}
        </Text>
        <Stack gap="sm">
          <Text size="sm">
            Placeholders:{' '}
            {t.placeholders.map((p) => (
              <Code key={p} mr={4}>{`{${p}}`}</Code>
            ))}
          </Text>
          <TextInput
            label="Subject (also the in-app title)"
            required
            maxLength={200}
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={fields.subject}
          />
          <Textarea
            label="Body"
            required
            autosize
            minRows={5}
            maxRows={16}
            maxLength={5000}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            error={fields.body}
          />
          <FormError error={Object.keys(fields).length ? null : err} />
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save template
            </Button>
            <Button
              variant="light"
              loading={preview.isPending}
              onClick={() => {
                save.reset();
                preview.mutate();
              }}
            >
              Preview
            </Button>
            <Button
              variant="subtle"
              color="red"
              disabled={!t.overridden}
              onClick={() => setConfirmReset(true)}
            >
              Reset to default
            </Button>
          </Group>
        </Stack>
      </Paper>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="preview-title">
        <Title order={2} size="h4" id="preview-title" mb="sm">
          Preview
        </Title>
        {preview.data ? (
          <Stack gap="xs">
            <Text size="sm" fw={600}>
              {preview.data.subject}
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {preview.data.body}
            </Text>
            <Text size="xs" c="dimmed">
              With sample values; e-mails add a link into Consort and where to change preferences.
            </Text>
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            Press Preview to see the text with sample values.
          </Text>
        )}
      </Paper>
      <ConfirmDialog
        opened={confirmReset}
        title="Reset this template?"
        confirmLabel="Reset to default"
        onClose={() => setConfirmReset(false)}
        onConfirm={() => reset.mutate()}
        loading={reset.isPending}
        error={reset.error}
      >
        Your text for “{t.label}” is discarded and the default shipped with Consort applies again.
      </ConfirmDialog>
    </SimpleGrid>
  );
}

/** Settings → Notification templates (admin): one template per event, validated placeholders, preview. */
export function NotificationTemplatesPage() {
  const templates = useQuery({ queryKey: KEY, queryFn: listNotificationTemplates });
  const [event, setEvent] = useState<NotificationEvent>('application_decision');
  const current = templates.data?.items.find((t) => t.event === event);
  return (
    <>
      <PageHeader
        title="Notification templates"
        description="The text of in-app notifications and e-mails per event. Unknown placeholders are refused."
      />
      {templates.isPending ? (
        <LoadingState />
      ) : templates.isError ? (
        <ErrorState error={templates.error} retry={() => templates.refetch()} />
      ) : !current ? (
        <EmptyState title="No templates" />
      ) : (
        <Stack>
          <Select
            label="Event"
            maw={360}
            allowDeselect={false}
            value={event}
            onChange={(v) => v && setEvent(v as NotificationEvent)}
            data={templates.data.items.map((t) => ({
              value: t.event,
              label: t.overridden ? `${t.label} (customised)` : t.label,
            }))}
          />
          <TemplateEditor key={current.event} t={current} />
        </Stack>
      )}
    </>
  );
}
