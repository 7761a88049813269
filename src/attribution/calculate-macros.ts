/**
 * URL templates with macros (`{click_id}`, `{sub1}`…`{sub5}`, `{event}`, `{amount}`, `{currency}`,
 * `{commission}`): pure. Values are URL-encoded; an unknown or missing macro becomes empty.
 */
const MACRO = /\{([a-z0-9_]+)\}/g;

export function calculateMacroUrl(
  template: string,
  values: Readonly<Record<string, string | null | undefined>>,
) {
  return template.replace(MACRO, (_m, name: string) => encodeURIComponent(values[name] ?? ''));
}
