import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  getUnreadNotificationCount,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from '../api/endpoints';
import type { AppNotification } from '../api/types';
import { formatDateTime } from '../format';
import { ErrorState, LoadingState } from './states';

export const NOTIFICATIONS_KEY = ['notifications'] as const;

/** The bell in the header: the unread count (refreshed every 30 s) and a list with mark-read. */
export function NotificationBell() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const count = useQuery({
    queryKey: [...NOTIFICATIONS_KEY, 'count'],
    queryFn: getUnreadNotificationCount,
    refetchInterval: 30_000,
  });
  const list = useQuery({
    queryKey: [...NOTIFICATIONS_KEY, 'list'],
    queryFn: () => listNotifications({ limit: 20 }),
    enabled: opened,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
  const markOne = useMutation({ mutationFn: markNotificationRead, onSuccess: refresh });
  const markAll = useMutation({ mutationFn: markAllNotificationsRead, onSuccess: refresh });
  const unread = count.data?.unread ?? 0;

  const open = (n: AppNotification) => {
    if (!n.readAt) markOne.mutate(n.id);
    if (n.link) {
      setOpened(false);
      navigate(n.link);
    }
  };

  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      position="bottom-end"
      width={360}
      shadow="md"
      withinPortal
      trapFocus
    >
      <Popover.Target>
        <ActionIcon
          variant="subtle"
          color="gray"
          size="lg"
          aria-label={unread ? `Notifications: ${unread} unread` : 'Notifications'}
          onClick={() => {
            setOpened((o) => !o);
            if (!opened) refresh();
          }}
        >
          <Indicator
            label={unread > 99 ? '99+' : unread}
            size={16}
            color="red"
            disabled={unread === 0}
            offset={2}
          >
            <IconBell size={20} aria-hidden />
          </Indicator>
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown p="xs">
        <Group justify="space-between" mb="xs" px={4}>
          <Text fw={600} size="sm" id="notifications-title">
            Notifications
          </Text>
          <Button
            size="compact-xs"
            variant="subtle"
            disabled={unread === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate()}
          >
            Mark all read
          </Button>
        </Group>
        {list.isPending ? (
          <LoadingState />
        ) : list.isError ? (
          <ErrorState error={list.error} retry={() => list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Text size="sm" c="dimmed" ta="center" py="md">
            No notifications yet.
          </Text>
        ) : (
          <ScrollArea.Autosize mah={420}>
            <Stack
              gap={4}
              component="ul"
              aria-labelledby="notifications-title"
              style={{ listStyle: 'none', margin: 0, padding: 0 }}
            >
              {list.data.items.map((n) => (
                <li key={n.id}>
                  <Group gap={6} wrap="nowrap" align="flex-start">
                    <UnstyledButton
                      onClick={() => open(n)}
                      p={6}
                      style={{ flex: 1, borderRadius: 4 }}
                      className="notification-item"
                    >
                      <Group gap={6} wrap="nowrap" align="baseline">
                        {!n.readAt && (
                          <Badge size="xs" color="indigo" variant="filled" style={{ flexShrink: 0 }}>
                            new
                          </Badge>
                        )}
                        <Text size="sm" fw={n.readAt ? 400 : 600} lineClamp={2}>
                          {n.title}
                        </Text>
                      </Group>
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {n.body}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {formatDateTime(n.createdAt)}
                      </Text>
                    </UnstyledButton>
                    {!n.readAt && (
                      <Button
                        size="compact-xs"
                        variant="light"
                        onClick={() => markOne.mutate(n.id)}
                        aria-label={`Mark read: ${n.title}`}
                      >
                        Read
                      </Button>
                    )}
                  </Group>
                </li>
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
