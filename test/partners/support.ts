import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/app.js';

/** A minimal PDF (file-type recognises it by content). */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
/** A PNG signature and header chunk. */
export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(17),
]);

export function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'consort-docs-'));
}

/** A multipart/form-data body with text fields then one file. */
export function multipart(
  fields: Record<string, string>,
  file?: { name: string; bytes: Buffer; contentType?: string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----consort${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Deal terms per segment that the engine's validator accepts. */
export const TERMS = {
  affiliate: {
    schemaVersion: 1,
    name: 'Affiliate revenue share',
    currency: 'EUR',
    segments: ['affiliate'],
    components: [
      {
        id: 'rs',
        kind: 'igaming_revshare',
        ngr: { deductions: [] },
        rate: '30',
        carryover: { enabled: false },
      },
    ],
  },
  ib: {
    schemaVersion: 1,
    name: 'IB rebate',
    currency: 'EUR',
    segments: ['ib'],
    components: [
      {
        id: 'rebate',
        kind: 'forex_rebate',
        method: { kind: 'per_lot', rates: [{ instrumentClass: 'fx', perLot: '4' }] },
      },
    ],
  },
  ambassador: {
    schemaVersion: 1,
    name: 'Ambassador retainer',
    currency: 'EUR',
    segments: ['ambassador'],
    components: [{ id: 'retainer', kind: 'fixed_fee', fee: 'monthly_retainer', amount: '500' }],
  },
} as const;

export interface Caller {
  request(
    method: string,
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  upload(
    url: string,
    fields: Record<string, string>,
    file?: { name: string; bytes: Buffer },
  ): Promise<LightMyRequestResponse>;
}

/** Signs in with e-mail and password (e.g. an applicant's new login). */
export async function signIn(app: App, email: string, password: string): Promise<Caller> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name === 'consort_session')!;
  return withCookie(app, `consort_session=${c.value}`, res.json().csrfToken);
}

export function withCookie(app: App, cookie: string, csrf: string): Caller {
  return {
    request(method, url, payload, headers = {}) {
      return app.inject({
        method: method as 'GET',
        url,
        ...(payload !== undefined ? { payload: payload as object } : {}),
        headers: { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }), ...headers },
      });
    },
    upload(url, fields, file) {
      const m = multipart(fields, file);
      return app.inject({
        method: 'POST',
        url,
        payload: m.payload,
        headers: { cookie, 'x-csrf-token': csrf, ...m.headers },
      });
    },
  };
}
