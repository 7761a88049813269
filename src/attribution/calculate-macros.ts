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

/**
 * The same substitution as `calculateMacroUrl`, with the template split once (the redirect fills the
 * landing template of a cached link on every click): literal parts and macro names, joined per call.
 */
export function compileMacroUrl(
  template: string,
): (values: Readonly<Record<string, string | null | undefined>>) => string {
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of template.matchAll(MACRO)) {
    literals.push(template.slice(last, m.index));
    names.push(m[1]!);
    last = m.index + m[0].length;
  }
  const tail = template.slice(last);
  if (names.length === 0) return () => tail;
  return (values) => {
    let url = '';
    for (let i = 0; i < names.length; i++) url += literals[i]! + encodeURIComponent(values[names[i]!] ?? '');
    return url + tail;
  };
}
