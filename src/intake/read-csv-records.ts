import fs from 'node:fs';

/** Splits one CSV record with RFC 4180 quoting (`"a,b"`, `""` for a quote). */
export function splitQuotedCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQuotes = false;
      } else cur += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function quotesBalanced(s: string): boolean {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n % 2 === 0;
}

/**
 * Streams the records of a CSV file: plain lines are split on commas (the fast path for machine-written
 * exports), lines with quotes go through the RFC 4180 splitter, and a quoted field may span lines.
 * Empty lines are skipped; a UTF-8 BOM is dropped. Yields [line number, fields].
 */
export async function* readCsvRecords(
  file: string,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<[number, string[]]> {
  for await (const batch of readCsvBatches(file, onBytes)) yield* batch;
}

/**
 * The records of a CSV file as `readCsvRecords` reads them, one array per chunk read (about 1 MiB): a large
 * import loops over each batch synchronously instead of awaiting every record.
 */
export async function* readCsvBatches(
  file: string,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<Array<[number, string[]]>> {
  let rest = '';
  let lineNo = 0;
  let bytes = 0;
  let pending = '';
  let pendingStart = 0;
  let first = true;
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    bytes += Buffer.byteLength(chunk as string);
    onBytes?.(bytes);
    let text = rest + (chunk as string);
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const lines = text.split('\n');
    rest = lines.pop()!;
    const out: Array<[number, string[]]> = [];
    for (let line of lines) {
      lineNo++;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (pending) {
        pending += `\n${line}`;
        if (!quotesBalanced(pending)) continue;
        const rec = splitQuotedCsv(pending);
        pending = '';
        out.push([pendingStart, rec]);
        continue;
      }
      if (line === '') continue;
      if (line.indexOf('"') < 0) {
        out.push([lineNo, line.split(',')]);
        continue;
      }
      if (!quotesBalanced(line)) {
        pending = line;
        pendingStart = lineNo;
        continue;
      }
      out.push([lineNo, splitQuotedCsv(line)]);
    }
    if (out.length > 0) yield out;
  }
  if (rest.endsWith('\r')) rest = rest.slice(0, -1);
  if (pending) yield [[pendingStart, splitQuotedCsv(`${pending}\n${rest}`)]];
  else if (rest !== '') yield [[lineNo + 1, rest.indexOf('"') < 0 ? rest.split(',') : splitQuotedCsv(rest)]];
}
