import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldError } from './errors.js';

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    // Unknown body fields are an error, never silently dropped.
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
  });
  (addFormats as unknown as (a: Ajv) => Ajv)(ajv);
  return ajv;
}

/** Bodies are validated exactly (a string is not a number); query strings and path params are coerced. */
export const bodyAjv = makeAjv(false);
export const queryAjv = makeAjv(true);

/** Ajv errors → `{ path, message }` pairs naming each field. */
export function toFieldErrors(errors: ErrorObject[], part: string): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    let path = e.instancePath || '';
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      path = `${path}/${(e.params as { missingProperty: string }).missingProperty}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      path = `${path}/${(e.params as { additionalProperty: string }).additionalProperty}`;
      message = 'is not an allowed field';
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    }
    const key = `${part}${path}${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: path || '/', message, in: part });
  }
  return out;
}
