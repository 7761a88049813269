import { Badge, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, type FieldError } from '../api/client';
import { getPaymentMethod, setPaymentMethod } from '../api/endpoints';
import { formatDateTime } from '../format';
import { ErrorState, FormError, LoadingState } from './states';

type Kind = 'bank' | 'crypto' | 'ewallet';

const DETAIL_FIELDS: Record<Kind, Array<{ key: string; label: string; description?: string }>> = {
  bank: [
    { key: 'holder', label: 'Account holder' },
    { key: 'iban', label: 'IBAN' },
    { key: 'bic', label: 'BIC', description: 'Optional' },
  ],
  crypto: [
    { key: 'network', label: 'Network', description: 'e.g. USDT-TRC20' },
    { key: 'address', label: 'Wallet address' },
  ],
  ewallet: [
    { key: 'provider', label: 'Provider' },
    { key: 'account', label: 'Account' },
  ],
};

/** The API's field errors under `/details/<key>` by key. */
function detailErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || !Array.isArray(err.details.fields)) return {};
  const out: Record<string, string> = {};
  for (const f of err.details.fields as FieldError[]) {
    const m = /^\/details\/([^/]+)/.exec(f.path);
    if (m) out[m[1]!] ??= f.message.charAt(0).toUpperCase() + f.message.slice(1);
  }
  return out;
}

/**
 * A partner's payout method (PUT /partners/:id/payment-method): the current one, masked, and a form to set
 * or change it. A change is paid only after the brand's cooling-off period; the partner is e-mailed.
 */
export function PayoutMethod({ partnerId }: { partnerId: string }) {
  const qc = useQueryClient();
  const current = useQuery({
    queryKey: ['portal', 'payment-method', partnerId],
    queryFn: () => getPaymentMethod(partnerId),
  });
  const [kind, setKind] = useState<Kind>('bank');
  const [currency, setCurrency] = useState('EUR');
  const [details, setDetails] = useState<Record<string, string>>({});
  const [editing, setEditing] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      setPaymentMethod(partnerId, {
        kind,
        currency: currency.trim().toUpperCase(),
        details: Object.fromEntries(Object.entries(details).filter(([, v]) => v.trim() !== '')),
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['portal', 'payment-method', partnerId] });
      notifications.show({ color: 'green', message: 'Payout method saved; we e-mailed you about it.' });
      setDetails({});
      setEditing(false);
    },
  });
  if (current.isPending) return <LoadingState />;
  if (current.isError) return <ErrorState error={current.error} retry={() => current.refetch()} />;
  const m = current.data.method;
  const de = detailErrors(save.error);
  const fe = save.error instanceof ApiError ? save.error.fieldErrors : {};

  if (m && !editing) {
    return (
      <Stack gap="xs" data-testid="payout-method">
        <Group gap="xs">
          <Badge variant="light">{m.kind}</Badge>
          <Text size="sm">
            {m.currency} · {Object.values(m.details).join(' · ')}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          Paid to from {formatDateTime(m.usableFrom)}.
        </Text>
        <Group>
          <Button size="compact-sm" variant="default" onClick={() => setEditing(true)}>
            Change payout method
          </Button>
        </Group>
      </Stack>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Payout method">
      <Stack gap="sm">
        {m && (
          <Text size="xs" c="dimmed">
            A changed method is paid to only after the cooling-off period.
          </Text>
        )}
        <Group grow align="flex-start">
          <Select
            label="Method"
            allowDeselect={false}
            data={[
              { value: 'bank', label: 'Bank transfer' },
              { value: 'crypto', label: 'Crypto wallet' },
              { value: 'ewallet', label: 'E-wallet' },
            ]}
            value={kind}
            onChange={(v) => {
              if (v) setKind(v as Kind);
              setDetails({});
            }}
            error={fe.kind}
          />
          <TextInput
            label="Currency"
            required
            maxLength={3}
            value={currency}
            onChange={(e) => setCurrency(e.currentTarget.value)}
            error={fe.currency}
          />
        </Group>
        {DETAIL_FIELDS[kind].map((f) => (
          <TextInput
            key={`${kind}-${f.key}`}
            label={f.label}
            description={f.description}
            required={f.description !== 'Optional'}
            value={details[f.key] ?? ''}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setDetails((d) => ({ ...d, [f.key]: v }));
            }}
            error={de[f.key]}
          />
        ))}
        <FormError error={Object.keys(de).length || fe.kind || fe.currency ? null : save.error} />
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save payout method
          </Button>
          {m && (
            <Button variant="default" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
