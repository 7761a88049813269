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

/**
 * Ajv errors → one `{ path, message }` per field. A union of literals (enum-like) reports each branch; those
 * collapse into one "must be one of" message.
 */
export function toFieldErrors(errors: ErrorObject[], part: string): FieldError[] {
  const byPath = new Map<string, { messages: string[]; consts: unknown[] }>();
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
    const key = path || '/';
    const entry = byPath.get(key) ?? { messages: [], consts: [] };
    if (e.keyword === 'const') entry.consts.push((e.params as { allowedValue: unknown }).allowedValue);
    else if (e.keyword !== 'anyOf' && !entry.messages.includes(message)) entry.messages.push(message);
    byPath.set(key, entry);
  }
  return [...byPath.entries()].map(([path, { messages, consts }]) => {
    const all = consts.length > 0 ? [`must be one of: ${consts.join(', ')}`] : messages;
    return { path, message: all.join('; ') || 'is invalid', in: part };
  });
}
