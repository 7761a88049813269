import { Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import type { Message, MessageThread as Thread } from '../api/types';
import { formatDateTime } from '../format';
import { NOTIFICATIONS_KEY } from './notification-bell';
import { EmptyState, ErrorState, FormError, LoadingState } from './states';

/**
 * One partner's thread with its partner manager, for either side: the messages (oldest first), a box to
 * write, and the other side's messages marked read once shown.
 */
export function MessageThread({
  queryKey,
  load,
  send,
  markRead,
  emptyText,
  otherSide,
}: {
  queryKey: readonly unknown[];
  load: () => Promise<Thread>;
  send: (body: string) => Promise<Message>;
  markRead: () => Promise<{ marked: number }>;
  emptyText: string;
  otherSide: string;
}) {
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const thread = useQuery({ queryKey, queryFn: load, refetchInterval: 30_000 });
  const read = useMutation({
    mutationFn: markRead,
    onSuccess: () => qc.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });
  const unread = thread.data?.unread ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: mark read when unread messages appear
  useEffect(() => {
    if (unread > 0 && !read.isPending) read.mutate();
  }, [unread]);
  const post = useMutation({
    mutationFn: () => send(text),
    onSuccess: async () => {
      setText('');
      await qc.invalidateQueries({ queryKey });
    },
  });
  const fields = post.error instanceof ApiError ? post.error.fieldErrors : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    post.mutate();
  };

  return (
    <Stack>
      {thread.isPending ? (
        <LoadingState />
      ) : thread.isError ? (
        <ErrorState error={thread.error} retry={() => thread.refetch()} />
      ) : thread.data.items.length === 0 ? (
        <EmptyState title="No messages yet">{emptyText}</EmptyState>
      ) : (
        <Stack
          gap="xs"
          component="ol"
          aria-label="Messages"
          style={{ listStyle: 'none', margin: 0, padding: 0 }}
        >
          {thread.data.items.map((m) => (
            <Paper
              component="li"
              key={m.id}
              withBorder
              p="sm"
              radius="md"
              bg={m.mine ? 'indigo.0' : undefined}
              ml={m.mine ? 'xl' : 0}
              mr={m.mine ? 0 : 'xl'}
            >
              <Group justify="space-between" wrap="wrap" gap={4}>
                <Text size="xs" fw={600}>
                  {m.mine ? 'You' : m.senderName}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(m.createdAt)}
                  {m.mine && (m.readAt ? ' · read' : ' · not read yet')}
                </Text>
              </Group>
              <Text size="sm" mt={4} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {m.body}
              </Text>
            </Paper>
          ))}
        </Stack>
      )}
      <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Textarea
            label={`Message to ${otherSide}`}
            autosize
            minRows={2}
            maxRows={10}
            maxLength={5000}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={fields.body}
          />
          <FormError error={Object.keys(fields).length ? null : post.error} />
          <Group>
            <Button type="submit" loading={post.isPending} disabled={!text.trim()}>
              Send
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
