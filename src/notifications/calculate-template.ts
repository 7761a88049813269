/**
 * Notification templates (pure): text with `{placeholder}` slots. A template is valid when every `{…}` names a
 * placeholder of its event and no brace stands alone; rendering fills each slot from the data (missing: empty).
 */

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'slot'; name: string };

export type TemplateCheck =
  | { kind: 'ok'; parts: TemplatePart[] }
  | { kind: 'invalid'; errors: { message: string; placeholder?: string }[] };

const SLOT = /\{([A-Za-z][A-Za-z0-9_]*)\}/y;

/** Splits a template into text and slots, refusing unknown placeholders and stray braces. */
export function checkTemplate(text: string, allowed: readonly string[]): TemplateCheck {
  const parts: TemplatePart[] = [];
  const errors: { message: string; placeholder?: string }[] = [];
  let buf = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '{') {
      SLOT.lastIndex = i;
      const m = SLOT.exec(text);
      if (!m) {
        errors.push({ message: `has a "{" at position ${i + 1} that opens no {placeholder}` });
        i += 1;
        continue;
      }
      const name = m[1]!;
      if (!allowed.includes(name)) {
        errors.push({
          message: `uses unknown placeholder {${name}}; allowed: ${allowed.map((a) => `{${a}}`).join(', ')}`,
          placeholder: name,
        });
      }
      if (buf) parts.push({ kind: 'text', text: buf });
      buf = '';
      parts.push({ kind: 'slot', name });
      i += m[0].length;
      continue;
    }
    if (ch === '}') {
      errors.push({ message: `has a "}" at position ${i + 1} that closes no {placeholder}` });
      i += 1;
      continue;
    }
    buf += ch;
    i += 1;
  }
  if (buf) parts.push({ kind: 'text', text: buf });
  return errors.length ? { kind: 'invalid', errors } : { kind: 'ok', parts };
}

export type TemplateData = Readonly<Record<string, string | number | null | undefined>>;

/**
 * Fills a template's slots from `data` (a missing or null value renders empty). A template that no longer
 * checks (its event lost a placeholder) renders its unknown slots empty rather than failing the business write.
 */
export function renderTemplate(text: string, data: TemplateData): string {
  return text.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = data[name];
    return v === null || v === undefined ? '' : String(v);
  });
}
