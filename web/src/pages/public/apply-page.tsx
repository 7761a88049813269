import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, type FieldError } from '../../api/client';
import { type ApplicationFormField, getApplicationForm, submitApplication } from '../../api/endpoints';
import { SEGMENTS, type Segment } from '../../api/types';
import { ErrorState, FormError, LoadingState } from '../../components/states';
import { label, SEGMENT_LABELS } from '../../format';
import { AuthLayout } from '../auth/auth-layout';

type Answer = string | number | boolean;

/** The API's field errors by their full path (`/customFields/affiliate/audience` stays whole). */
function errorsByPath(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || !Array.isArray(err.details.fields)) return {};
  const out: Record<string, string> = {};
  for (const f of err.details.fields as FieldError[])
    out[f.path] ??= f.message.charAt(0).toUpperCase() + f.message.slice(1);
  return out;
}

function CustomFieldInput({
  field,
  value,
  error,
  onChange,
}: {
  field: ApplicationFormField;
  value: Answer | undefined;
  error: string | undefined;
  onChange: (v: Answer | undefined) => void;
}) {
  const common = { label: field.label, required: field.required, error };
  switch (field.type) {
    case 'boolean':
      return (
        <Checkbox
          label={field.label}
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
          error={error}
        />
      );
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' ? value : ''}
          onChange={(v) => onChange(typeof v === 'number' ? v : undefined)}
        />
      );
    case 'select':
      return (
        <Select
          {...common}
          data={field.options ?? []}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => onChange(v ?? undefined)}
        />
      );
    default:
      return (
        <TextInput
          {...common}
          type={field.type === 'email' ? 'email' : field.type === 'url' ? 'url' : 'text'}
          maxLength={field.maxLength}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value || undefined)}
        />
      );
  }
}

/**
 * The public application form of a brand's partner program (no login), on the public applications API:
 * the brand's custom fields per chosen segment, a hidden honeypot, and the form token the API checks for a
 * minimum fill time. A person never notices that minimum; a submit faster than it waits out the rest.
 */
export function ApplyPage() {
  const { brandCode = '' } = useParams();
  const form = useQuery({
    queryKey: ['public', 'application-form', brandCode],
    queryFn: () => getApplicationForm(brandCode),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const loadedAt = useRef(0);
  if (form.data && loadedAt.current === 0) loadedAt.current = Date.now();

  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [country, setCountry] = useState('');
  const [website, setWebsite] = useState('');
  const [segments, setSegments] = useState<Segment[]>([]);
  const [answers, setAnswers] = useState<Record<string, Record<string, Answer>>>({});
  const [homepage, setHomepage] = useState('');

  const mutation = useMutation({
    mutationFn: async () => {
      const f = form.data!;
      const wait = f.minFillSeconds * 1000 + 250 - (Date.now() - loadedAt.current);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const custom = Object.fromEntries(
        segments.filter((s) => (f.segments[s] ?? []).length > 0).map((s) => [s, answers[s] ?? {}]),
      );
      return submitApplication(brandCode, {
        displayName: displayName.trim(),
        email: email.trim(),
        password,
        segments,
        formToken: f.formToken,
        ...(country.trim() ? { country: country.trim().toUpperCase() } : {}),
        ...(website.trim() ? { website: website.trim() } : {}),
        ...(Object.keys(custom).length ? { customFields: custom } : {}),
        ...(homepage ? { homepage } : {}),
      });
    },
  });

  if (form.isPending)
    return (
      <AuthLayout title="Apply">
        <LoadingState />
      </AuthLayout>
    );
  if (form.isError) {
    const missing = form.error instanceof ApiError && form.error.status === 404;
    return (
      <AuthLayout title={missing ? 'Program not found' : 'Apply'}>
        {missing ? (
          <Text size="sm">There is no partner program at this address. Check the link you were given.</Text>
        ) : (
          <ErrorState error={form.error} retry={() => form.refetch()} />
        )}
      </AuthLayout>
    );
  }
  const f = form.data;

  if (mutation.isSuccess) {
    return (
      <AuthLayout title="Application received">
        <Stack>
          <Alert color="green" role="status" title="Thank you">
            Your application to the {f.brand.name} partner program is in. We review it and e-mail you the
            decision. Meanwhile you can sign in with your e-mail and password to upload your documents.
          </Alert>
          <Anchor component={Link} to="/login" size="sm">
            Sign in
          </Anchor>
        </Stack>
      </AuthLayout>
    );
  }

  const errs = errorsByPath(mutation.error);
  const fieldKeys = new Set(Object.keys(errs).map((p) => p.split('/')[1]));
  const shown = new Set([
    'displayName',
    'email',
    'password',
    'country',
    'website',
    'segments',
    'customFields',
  ]);
  const otherError = [...fieldKeys].some((k) => k && shown.has(k)) ? null : mutation.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate();
  };
  const setAnswer = (seg: string, key: string, v: Answer | undefined) =>
    setAnswers((a) => {
      const next = { ...(a[seg] ?? {}) };
      if (v === undefined) delete next[key];
      else next[key] = v;
      return { ...a, [seg]: next };
    });

  return (
    <AuthLayout
      title={`Apply to the ${f.brand.name} partner program`}
      subtitle="Tell us who you are and how you want to work with us. Your e-mail and password become your portal login."
    >
      <form onSubmit={submit} noValidate aria-label="Partner application">
        <Stack>
          <TextInput
            label="Name"
            description="Your name or your company's"
            required
            autoComplete="name"
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            error={errs['/displayName']}
          />
          <TextInput
            label="E-mail"
            type="email"
            required
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={errs['/email']}
          />
          <PasswordInput
            label="Password"
            description="At least 10 characters"
            required
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errs['/password']}
          />
          <Checkbox.Group
            label="How do you want to work with us?"
            required
            value={segments}
            onChange={(v) => setSegments(v as Segment[])}
            error={errs['/segments']}
          >
            <Group mt={6} gap="md">
              {SEGMENTS.map((s) => (
                <Checkbox key={s} value={s} label={label(SEGMENT_LABELS, s)} />
              ))}
            </Group>
          </Checkbox.Group>
          {segments.map((seg) =>
            (f.segments[seg] ?? []).map((field) => (
              <CustomFieldInput
                key={`${seg}-${field.key}`}
                field={field}
                value={answers[seg]?.[field.key]}
                error={errs[`/customFields/${seg}/${field.key}`]}
                onChange={(v) => setAnswer(seg, field.key, v)}
              />
            )),
          )}
          <TextInput
            label="Country"
            description="Two letters, e.g. GB"
            maxLength={2}
            autoComplete="country"
            value={country}
            onChange={(e) => setCountry(e.currentTarget.value)}
            error={errs['/country']}
          />
          <TextInput
            label="Website"
            type="url"
            placeholder="https://"
            value={website}
            onChange={(e) => setWebsite(e.currentTarget.value)}
            error={errs['/website']}
          />
          {/* Honeypot: off-screen and out of the tab order; people leave it empty, bots fill it. */}
          <div
            aria-hidden
            style={{ position: 'absolute', left: '-10000px', width: 1, height: 1, overflow: 'hidden' }}
          >
            <label>
              Homepage
              <input
                tabIndex={-1}
                autoComplete="off"
                value={homepage}
                onChange={(e) => setHomepage(e.currentTarget.value)}
              />
            </label>
          </div>
          {errs['/formToken'] && (
            <Text size="sm" c="red.8" role="alert">
              {errs['/formToken']}
            </Text>
          )}
          <FormError error={errs['/formToken'] ? null : otherError} />
          <Button type="submit" loading={mutation.isPending} disabled={segments.length === 0}>
            Submit application
          </Button>
          <Text size="sm" c="dimmed">
            Already a partner?{' '}
            <Anchor component={Link} to="/login" underline="always">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
