import {
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { createUser, listPartners, listUsers, updateUser } from '../../api/endpoints';
import { LOGIN_ROLES, type LoginRole, STAFF_ROLES, type User } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState, ErrorState, FormError, LoadingState, PageHeader } from '../../components/states';
import { formatDate, ROLE_LABELS } from '../../format';
import { useSession } from '../../session';

function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<LoginRole>('analyst');
  const [password, setPassword] = useState('');
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const partners = useQuery({
    queryKey: ['partners', 'picker'],
    queryFn: () => listPartners({ limit: 500 }),
    enabled: opened && role === 'partner',
  });
  const mutation = useMutation({
    mutationFn: () =>
      createUser({
        email: email.trim(),
        password,
        role,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        ...(role === 'partner' && partnerId ? { partnerId } : {}),
      }),
    onSuccess: (u) => {
      void qc.invalidateQueries({ queryKey: ['users'] });
      notifications.show({ color: 'green', message: `${u.email} can now sign in.` });
      onClose();
    },
  });
  const fields = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};
  const formError = Object.keys(fields).length > 0 ? null : mutation.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New login" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="E-mail"
            type="email"
            required
            data-autofocus
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fields.email}
          />
          <TextInput
            label="Display name"
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            error={fields.displayName}
          />
          <Select
            label="Role"
            required
            allowDeselect={false}
            data={LOGIN_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
            value={role}
            onChange={(v) => v && setRole(v as LoginRole)}
            error={fields.role}
          />
          {role === 'partner' && (
            <Select
              label="Partner"
              description="The partner record this login belongs to"
              required
              searchable
              placeholder={partners.isPending ? 'Loading…' : 'Choose a partner'}
              data={(partners.data?.items ?? []).map((p) => ({ value: p.id, label: p.displayName }))}
              value={partnerId}
              onChange={setPartnerId}
              error={fields.partnerId}
            />
          )}
          <PasswordInput
            label="Initial password"
            description="At least 10 characters; share it safely. The user can change it, or reset it by e-mail."
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fields.password}
          />
          <FormError error={formError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              Create login
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EditUserModal({ user, onClose }: { user: User; onClose: () => void }) {
  const qc = useQueryClient();
  const me = useSession().user;
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<LoginRole>(user.role);
  const [confirm, setConfirm] = useState(false);
  const save = useMutation({
    mutationFn: (body: { displayName?: string; role?: LoginRole; disabled?: boolean }) =>
      updateUser(user.id, body),
    onSuccess: (u) => {
      void qc.invalidateQueries({ queryKey: ['users'] });
      notifications.show({ color: 'green', message: `${u.email} saved.` });
      onClose();
    },
  });
  const fields = save.error instanceof ApiError ? save.error.fieldErrors : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      ...(displayName !== user.displayName ? { displayName } : {}),
      ...(role !== user.role ? { role } : {}),
    });
  };
  const isSelf = user.id === me.id;
  return (
    <Modal opened onClose={onClose} title={`Edit ${user.email}`} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Display name"
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            error={fields.displayName}
          />
          {user.role === 'partner' ? (
            <Text size="sm" c="dimmed">
              Partner logins keep the partner role.
            </Text>
          ) : (
            <Select
              label="Role"
              allowDeselect={false}
              data={STAFF_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
              value={role}
              onChange={(v) => v && setRole(v as LoginRole)}
              error={fields.role}
            />
          )}
          <FormError error={Object.keys(fields).length ? null : save.error} />
          <Group justify="space-between">
            {user.disabled ? (
              <Button variant="light" color="green" onClick={() => save.mutate({ disabled: false })}>
                Enable login
              </Button>
            ) : (
              <Button variant="light" color="red" disabled={isSelf} onClick={() => setConfirm(true)}>
                Disable login
              </Button>
            )}
            <Group gap="xs">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button
                type="submit"
                loading={save.isPending}
                disabled={displayName === user.displayName && role === user.role}
              >
                Save
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
      <ConfirmDialog
        opened={confirm}
        title="Disable this login?"
        confirmLabel="Disable login"
        onClose={() => setConfirm(false)}
        onConfirm={() => save.mutate({ disabled: true })}
        loading={save.isPending}
        error={save.error}
      >
        {user.email} is signed out everywhere at once and cannot sign in until enabled again.
      </ConfirmDialog>
    </Modal>
  );
}

export function UsersPage() {
  const [role, setRole] = useState<LoginRole | null>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const users = useQuery({ queryKey: ['users', role ?? 'all'], queryFn: () => listUsers(role ?? undefined) });

  return (
    <>
      <PageHeader
        title="Users and roles"
        description="Staff and partner logins. Roles decide what each login reaches (see the roles guide)."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New login
          </Button>
        }
      />
      <Group mb="md">
        <Select
          label="Role"
          placeholder="All roles"
          clearable
          w={220}
          data={LOGIN_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          value={role}
          onChange={(v) => setRole(v as LoginRole | null)}
        />
      </Group>
      {users.isPending ? (
        <LoadingState />
      ) : users.isError ? (
        <ErrorState error={users.error} retry={() => users.refetch()} />
      ) : users.data.items.length === 0 ? (
        <EmptyState title="No logins with this role" />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" striped aria-label="Logins">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Login</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Two-factor</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.items.map((u) => (
                  <Table.Tr key={u.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {u.displayName}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {u.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>{ROLE_LABELS[u.role] ?? u.role}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={u.totpEnabled ? 'green' : 'gray'}>
                        {u.totpEnabled ? 'on' : 'off'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={u.disabled ? 'red' : 'green'}>
                        {u.disabled ? 'disabled' : 'active'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDate(u.createdAt)}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        onClick={() => setEditing(u)}
                        aria-label={`Edit ${u.email}`}
                      >
                        Edit
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {creating && <CreateUserModal opened onClose={() => setCreating(false)} />}
      {editing && <EditUserModal key={editing.id} user={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
