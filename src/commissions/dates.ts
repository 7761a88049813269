const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const cache = new Map<string, number>();

/** Days since 1970-01-01 for a YYYY-MM-DD date (UTC). Throws on a malformed date: inputs are validated at the edge. */
export function dayNumber(date: string): number {
  const hit = cache.get(date);
  if (hit !== undefined) return hit;
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`Not a YYYY-MM-DD date: ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const day = Math.floor(ms / DAY_MS);
  if (dayString(day) !== date) throw new Error(`Not a calendar date: ${date}`);
  if (cache.size < 100_000) cache.set(date, day);
  return day;
}

const strings = new Map<number, string>();
/** YYYY-MM-DD for a day number. */
export function dayString(day: number): string {
  const hit = strings.get(day);
  if (hit !== undefined) return hit;
  const s = new Date(day * DAY_MS).toISOString().slice(0, 10);
  if (strings.size < 100_000) strings.set(day, s);
  return s;
}

/** The UTC day of an epoch-millisecond instant. */
export function dayOfInstant(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** The day `months` calendar months after `day` (clamped to the month's last day). */
export function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  const dom = Math.min(d.getUTCDate(), lastDay);
  return Math.floor(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), dom) / DAY_MS);
}
