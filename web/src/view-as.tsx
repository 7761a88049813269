import { Alert, Button, Group, Text } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { useNavigate } from 'react-router-dom';
import { setViewAsGrant } from './api/client';
import { endViewAs } from './api/endpoints';
import type { Session, ViewAsGrant } from './api/types';

/**
 * "View as partner": staff read a partner's portal under a banner. The marker from
 * `POST /partners/:id/view-as` is kept for this browser tab (sessionStorage) and sent with every API request;
 * the server answers as the partner and refuses every write.
 */
export type ViewAs = Pick<ViewAsGrant, 'grantId' | 'partnerId' | 'partnerName' | 'expiresAt'>;

const KEY = 'consort.viewAs';
const listeners = new Set<() => void>();

function read(): ViewAs | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as ViewAs) : null;
  } catch {
    return null;
  }
}

let current: ViewAs | null = read();
setViewAsGrant(current?.grantId ?? null);

export function setViewAs(v: ViewAs | null): void {
  current = v;
  setViewAsGrant(v?.grantId ?? null);
  try {
    if (v) sessionStorage.setItem(KEY, JSON.stringify(v));
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage unavailable: the view lasts until reload
  }
  for (const l of listeners) l();
}

export function useViewAs(): ViewAs | null {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => current,
  );
}

/** The session the pages see: while viewing as a partner, a partner session of that partner. */
export function effectiveSession(session: Session, viewAs: ViewAs | null): Session {
  if (!viewAs || session.user.role === 'partner') return session;
  return { ...session, user: { ...session.user, role: 'partner', partnerId: viewAs.partnerId } };
}

/** Whether the pages are read-only (viewing as a partner). */
export function useReadOnly(): boolean {
  return useViewAs() !== null;
}

/** Drops cached data (kept: the session) so the next pages load as the right identity. */
export function useSwitchIdentity() {
  const qc = useQueryClient();
  return () => qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
}

export function ViewAsBanner() {
  const viewAs = useViewAs();
  const navigate = useNavigate();
  const switchIdentity = useSwitchIdentity();
  const exit = useMutation({
    mutationFn: async (v: ViewAs) => {
      try {
        await endViewAs(v.grantId);
      } catch {
        // an expired or already ended marker: leaving works anyway
      }
      return v;
    },
    onSettled: (v) => {
      setViewAs(null);
      switchIdentity();
      navigate(v ? `/partners/${v.partnerId}` : '/', { replace: true });
    },
  });
  if (!viewAs) return null;
  return (
    <Alert
      color="orange"
      variant="light"
      mb="md"
      role="status"
      icon={<IconEye size={18} aria-hidden />}
      data-testid="view-as-banner"
    >
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text size="sm" fw={600}>
          Viewing as {viewAs.partnerName} — read-only
        </Text>
        <Button
          size="compact-sm"
          variant="filled"
          color="dark"
          loading={exit.isPending}
          onClick={() => exit.mutate(viewAs)}
        >
          Exit view
        </Button>
      </Group>
    </Alert>
  );
}
