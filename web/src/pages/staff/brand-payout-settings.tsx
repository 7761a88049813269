import {
  ActionIcon,
  Button,
  Fieldset,
  Group,
  Input,
  Modal,
  NumberInput,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client';
import { getLedgerSettings, updateLedgerSettings } from '../../api/endpoints';
import type { ApproverRole, Brand, LedgerSettings } from '../../api/types';
import { ErrorState, FormError, LoadingState } from '../../components/states';
import { ROLE_LABELS } from '../../format';
import { decimalToMinor, minorDigits, minorToDecimal } from '../../reporting';

const APPROVERS: ApproverRole[] = ['finance', 'compliance', 'admin', 'partner_manager'];
const MAX_STEPS = 5;

/**
 * A brand's payout rules for finance and admins (PUT /brands/:id/ledger-settings): who approves a payout batch
 * and in which order, the minimum payout (below it the balance rolls over) and how long a changed payment
 * method waits before it is paid. The API's field errors show on their fields.
 */
export function PayoutSettingsModal({ brand, onClose }: { brand: Brand; onClose: () => void }) {
  const settings = useQuery({
    queryKey: ['ledger-settings', brand.id],
    queryFn: () => getLedgerSettings(brand.id),
  });
  return (
    <Modal opened onClose={onClose} title={`Payout settings of ${brand.name}`} size="lg" centered>
      {settings.isPending ? (
        <LoadingState />
      ) : settings.isError ? (
        <ErrorState error={settings.error} retry={() => settings.refetch()} />
      ) : (
        <PayoutSettingsForm brand={brand} settings={settings.data} onClose={onClose} />
      )}
    </Modal>
  );
}

function PayoutSettingsForm({
  brand,
  settings,
  onClose,
}: {
  brand: Brand;
  settings: LedgerSettings;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const digits = minorDigits(settings.currency);
  const [steps, setSteps] = useState<ApproverRole[]>(settings.approvalSteps);
  const [minPayout, setMinPayout] = useState(minorToDecimal(settings.minPayout, digits));
  const [coolingOff, setCoolingOff] = useState<string | number>(settings.coolingOffHours);
  const [local, setLocal] = useState<Record<string, string>>({});
  const mutation = useMutation({
    mutationFn: (minPayoutMinor: string) =>
      updateLedgerSettings(brand.id, {
        approvalSteps: steps,
        minPayoutMinor,
        coolingOffHours: Number(coolingOff),
      }),
    onSuccess: (saved) => {
      qc.setQueryData(['ledger-settings', brand.id], saved);
      notifications.show({ color: 'green', message: `Payout settings of ${brand.name} saved.` });
      onClose();
    },
  });
  const api = mutation.error instanceof ApiError ? mutation.error.fieldErrors : {};
  const fields = {
    approvalSteps: local.approvalSteps ?? api.approvalSteps,
    minPayout: local.minPayout ?? api.minPayoutMinor,
    coolingOffHours: local.coolingOffHours ?? api.coolingOffHours,
  };
  const formError = Object.keys(api).length > 0 && !api._ ? null : mutation.error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    const amount = decimalToMinor(minPayout, digits);
    if (amount.kind === 'too_precise')
      errors.minPayout = `Has more decimals than ${settings.currency} allows`;
    else if (amount.kind === 'invalid') errors.minPayout = 'Enter an amount such as 50.00 (0 for none)';
    if (coolingOff === '') errors.coolingOffHours = 'Enter a number of hours (0 for none)';
    setLocal(errors);
    if (Object.keys(errors).length > 0 || amount.kind !== 'ok') return;
    mutation.mutate(amount.minor);
  };
  const setStep = (i: number, role: ApproverRole) => setSteps(steps.map((s, j) => (j === i ? role : s)));

  return (
    <form onSubmit={submit} noValidate aria-label={`Payout settings of ${brand.name}`}>
      <Stack>
        <Fieldset legend="Approval steps" variant="unstyled">
          <Stack gap="xs">
            <Text size="sm" c="dimmed" id="approval-steps-help">
              Who approves a payout batch before it can be exported, in this order; each step needs a
              different person.
            </Text>
            {steps.map((role, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a step is its position in the list
              <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
                <Select
                  label={`Step ${i + 1}`}
                  data={APPROVERS.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
                  value={role}
                  onChange={(v) => v && setStep(i, v as ApproverRole)}
                  allowDeselect={false}
                  style={{ flex: 1 }}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="lg"
                  onClick={() => setSteps(steps.filter((_, j) => j !== i))}
                  disabled={steps.length === 1}
                  aria-label={`Remove step ${i + 1}`}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            {fields.approvalSteps && <Input.Error role="alert">{fields.approvalSteps}</Input.Error>}
            <Group>
              <Button
                variant="default"
                size="compact-sm"
                leftSection={<IconPlus size={14} />}
                onClick={() => setSteps([...steps, 'finance'])}
                disabled={steps.length >= MAX_STEPS}
              >
                Add step
              </Button>
            </Group>
          </Stack>
        </Fieldset>
        <TextInput
          label={`Minimum payout (${settings.currency})`}
          description="A balance below it is not paid and rolls over to the next batch; 0 pays any positive balance"
          inputMode="decimal"
          value={minPayout}
          onChange={(e) => setMinPayout(e.currentTarget.value)}
          error={fields.minPayout}
        />
        <NumberInput
          label="Cooling-off period (hours)"
          description="How long a partner's changed payment method waits before a batch pays to it"
          allowDecimal={false}
          allowNegative={false}
          value={coolingOff}
          onChange={setCoolingOff}
          error={fields.coolingOffHours}
        />
        <FormError error={formError} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            Save payout settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
