import { ApiError } from '../../api/client';

/** Long path errors under a code editor: one per line, dark enough to read (axe colour contrast). */
export const ERROR_STYLES = {
  input: { color: 'var(--mantine-color-text)' },
  error: { whiteSpace: 'pre-line', color: 'var(--mantine-color-red-9)' },
} as const;

/** The API's field errors under a prefix (`/terms/components/0/rate`), path kept so the editor can name the field. */
export function pathErrors(err: unknown, prefix: string): string[] {
  if (!(err instanceof ApiError) || !Array.isArray(err.details.fields)) return [];
  return (err.details.fields as { path: string; message: string }[])
    .filter((f) => f.path.startsWith(prefix))
    .map((f) => `${f.path.slice(prefix.length) || '(whole)'}: ${f.message}`);
}
