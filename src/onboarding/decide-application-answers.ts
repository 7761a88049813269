/** Custom application fields per brand and segment (pure): their definition and the check of the answers. */

export interface CustomField {
  key: string;
  label: string;
  type: 'text' | 'number' | 'url' | 'email' | 'select' | 'boolean';
  required: boolean;
  /** For `select`. */
  options?: string[];
  maxLength?: number;
}

export interface AnswerError {
  path: string;
  message: string;
}

export type AnswersDecision =
  | { kind: 'ok'; answers: Record<string, Record<string, string | number | boolean>> }
  | { kind: 'invalid'; errors: AnswerError[] };

const URL_RE = /^https?:\/\/[^\s]+$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks the answers of an application against the custom fields of each applied segment: required
 * fields present, values of the right type, no unknown keys. Errors are JSON pointers under `/customFields`.
 */
export function decideApplicationAnswers(
  formsBySegment: Readonly<Record<string, readonly CustomField[]>>,
  segments: readonly string[],
  given: Readonly<Record<string, unknown>> | undefined,
): AnswersDecision {
  const errors: AnswerError[] = [];
  const out: Record<string, Record<string, string | number | boolean>> = {};
  for (const seg of Object.keys(given ?? {})) {
    if (!segments.includes(seg))
      errors.push({ path: `/customFields/${seg}`, message: 'is not an applied segment' });
  }
  for (const seg of segments) {
    const fields = formsBySegment[seg] ?? [];
    const raw = (given?.[seg] ?? {}) as Record<string, unknown>;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push({ path: `/customFields/${seg}`, message: 'must be an object' });
      continue;
    }
    const answers: Record<string, string | number | boolean> = {};
    for (const key of Object.keys(raw)) {
      if (!fields.some((f) => f.key === key))
        errors.push({ path: `/customFields/${seg}/${key}`, message: 'is not a field of this form' });
    }
    for (const f of fields) {
      const path = `/customFields/${seg}/${f.key}`;
      const v = raw[f.key];
      if (v === undefined || v === null || v === '') {
        if (f.required) errors.push({ path, message: `is required (${f.label})` });
        continue;
      }
      switch (f.type) {
        case 'number':
          if (typeof v !== 'number' || !Number.isFinite(v))
            errors.push({ path, message: 'must be a number' });
          else answers[f.key] = v;
          break;
        case 'boolean':
          if (typeof v !== 'boolean') errors.push({ path, message: 'must be true or false' });
          else answers[f.key] = v;
          break;
        default: {
          if (typeof v !== 'string') {
            errors.push({ path, message: 'must be a string' });
            break;
          }
          const max = f.maxLength ?? 2000;
          if (v.length > max) errors.push({ path, message: `must be at most ${max} characters` });
          else if (f.type === 'url' && !URL_RE.test(v))
            errors.push({ path, message: 'must be an http(s) URL' });
          else if (f.type === 'email' && !EMAIL_RE.test(v))
            errors.push({ path, message: 'must be an e-mail address' });
          else if (f.type === 'select' && !(f.options ?? []).includes(v))
            errors.push({ path, message: `must be one of ${(f.options ?? []).join(', ')}` });
          else answers[f.key] = v;
        }
      }
    }
    out[seg] = answers;
  }
  return errors.length > 0 ? { kind: 'invalid', errors } : { kind: 'ok', answers: out };
}
