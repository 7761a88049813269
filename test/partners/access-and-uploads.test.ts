import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';
import { PDF, PNG, tempDir, withCookie } from './support.js';

let t: TestContext;
let docsDir: string;
let admin: Session;
let pm: Session;
let otherPm: Session;
let finance: Session;
let compliance: Session;
let analyst: Session;
let partnerA: Session;
let partnerB: Session;
let inPortfolio: string;
let outside: string;

const upload = (
  s: Session,
  url: string,
  fields: Record<string, string>,
  file?: { name: string; bytes: Buffer },
) => withCookie(t.app, s.cookie, s.csrf).upload(url, fields, file);

const documentCount = async () =>
  Number(
    (
      await t.services.db
        .selectFrom('documents')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  docsDir = tempDir();
  t = await createTestContext({
    documents: { key: Buffer.alloc(32, 7).toString('base64'), dir: docsDir, maxBytes: 2048 },
  });
  admin = await t.loginAs('admin');
  pm = await t.loginAs('partner_manager');
  otherPm = await t.loginAs('partner_manager');
  finance = await t.loginAs('finance');
  compliance = await t.loginAs('compliance');
  analyst = await t.loginAs('analyst');
  inPortfolio = await t.createPartner({ name: 'In Portfolio', managerUserId: pm.userId });
  outside = await t.createPartner({ name: 'Outside', managerUserId: otherPm.userId });
  partnerA = await t.loginAs('partner', { partnerId: inPortfolio });
  partnerB = await t.loginAs('partner', { partnerId: outside });
});
afterAll(() => t.close());

describe(`authorization matrix for partners [${ENGINE}]`, () => {
  it('partner A cannot read or change partner B (404, like an unknown id)', async () => {
    expect((await partnerA.request('GET', `/api/v1/partners/${outside}`)).statusCode).toBe(404);
    expect((await partnerA.request('GET', `/api/v1/partners/${inPortfolio}`)).statusCode).toBe(200);
    // portal routes take no partner id at all: only the caller's own data
    const doc = await upload(
      partnerB,
      '/api/v1/portal/documents',
      { type: 'identity' },
      { name: 'id.pdf', bytes: PDF },
    );
    expect(doc.statusCode).toBe(201);
    expect(
      (await partnerA.request('GET', `/api/v1/portal/documents/${doc.json().id}/content`)).statusCode,
    ).toBe(404);
    expect(
      (await partnerB.request('GET', `/api/v1/portal/documents/${doc.json().id}/content`)).statusCode,
    ).toBe(200);
    const mine = (await partnerA.request('GET', '/api/v1/portal/documents')).json().items;
    expect(mine).toEqual([]);
    // staff-only routes are 403 for partners
    expect(
      (await partnerA.request('PATCH', `/api/v1/partners/${outside}`, { tier: 'gold' })).statusCode,
    ).toBe(403);
    expect((await partnerA.request('GET', `/api/v1/partners/${outside}/timeline`)).statusCode).toBe(403);
  });

  it('a partner manager gets 404 outside the portfolio, for reads and writes', async () => {
    for (const [method, url, body] of [
      ['GET', `/api/v1/partners/${outside}`, undefined],
      ['GET', `/api/v1/partners/${outside}/timeline`, undefined],
      ['GET', `/api/v1/partners/${outside}/documents`, undefined],
      ['PATCH', `/api/v1/partners/${outside}`, { tier: 'gold' }],
      ['POST', `/api/v1/partners/${outside}/status`, { status: 'suspended', reason: 'x' }],
      ['POST', `/api/v1/partners/${outside}/notes`, { body: 'hello' }],
    ] as const) {
      const r = await pm.request(method, url, body);
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(r.json().error.code).toBe('NOT_FOUND');
    }
    const partnerBDoc = (await admin.request('GET', `/api/v1/partners/${outside}/documents`)).json().items[0]
      .id;
    expect((await pm.request('GET', `/api/v1/documents/${partnerBDoc}/content`)).statusCode).toBe(404);
    expect((await pm.request('PATCH', `/api/v1/partners/${inPortfolio}`, { tags: ['vip'] })).statusCode).toBe(
      200,
    );
    const list = (await pm.request('GET', '/api/v1/partners')).json();
    expect(list.items.map((p: { id: string }) => p.id)).toEqual([inPortfolio]);
    const all = (await admin.request('GET', '/api/v1/partners?limit=1')).json();
    expect(all.total).toBeGreaterThanOrEqual(2);
    expect(all.items).toHaveLength(1);
  });

  it('reassigning moves a partner between portfolios (admin only, audited)', async () => {
    expect(
      (await pm.request('PUT', `/api/v1/partners/${outside}/manager`, { managerUserId: pm.userId }))
        .statusCode,
    ).toBe(403);
    const r = await admin.request('PUT', `/api/v1/partners/${outside}/manager`, {
      managerUserId: pm.userId,
      reason: 'territory change',
    });
    expect(r.statusCode).toBe(200);
    expect((await pm.request('GET', `/api/v1/partners/${outside}`)).statusCode).toBe(200);
    expect((await otherPm.request('GET', `/api/v1/partners/${outside}`)).statusCode).toBe(404);
    const back = await admin.request('PUT', `/api/v1/partners/${outside}/manager`, {
      managerUserId: otherPm.userId,
    });
    expect(back.statusCode).toBe(200);
    const audit = await t.services.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', outside)
      .where('action', '=', 'partner.manager_assigned')
      .execute();
    expect(audit).toHaveLength(2);
  });

  it('finance sees payment details; admin, managers, compliance and analysts do not; the partner sees its own', async () => {
    const body = {
      method: 'bank_transfer',
      currency: 'EUR',
      details: { iban: 'MT84MALT011000012345MTLCAST001S' },
    };
    expect((await partnerA.request('PUT', '/api/v1/portal/payment-details', body)).statusCode).toBe(200);
    const f = await finance.request('GET', `/api/v1/partners/${inPortfolio}/payment-details`);
    expect(f.statusCode).toBe(200);
    expect(f.json().details.iban).toBe('MT84MALT011000012345MTLCAST001S');
    for (const s of [admin, pm, compliance, analyst]) {
      expect((await s.request('GET', `/api/v1/partners/${inPortfolio}/payment-details`)).statusCode).toBe(
        403,
      );
      const p = (await s.request('GET', `/api/v1/partners/${inPortfolio}`)).json();
      expect(JSON.stringify(p)).not.toContain('MT84MALT');
    }
    expect((await partnerA.request('GET', '/api/v1/portal/payment-details')).json().details.iban).toBe(
      'MT84MALT011000012345MTLCAST001S',
    );
    expect((await partnerB.request('GET', '/api/v1/portal/payment-details')).statusCode).toBe(404);
    const audit = await t.services.db
      .selectFrom('audit_log')
      .select('diff')
      .where('action', '=', 'partner.payment_details_set')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.diff)).not.toContain('MT84MALT011000012345');
  });

  it('compliance reviews documents; analysts and partners cannot', async () => {
    const d = await upload(
      partnerA,
      '/api/v1/portal/documents',
      { type: 'bank_proof' },
      { name: 'bank.png', bytes: PNG },
    );
    expect(d.statusCode).toBe(201);
    for (const s of [analyst, finance, pm])
      expect(
        (await s.request('POST', `/api/v1/documents/${d.json().id}/review`, { decision: 'approved' }))
          .statusCode,
      ).toBe(403);
    expect(
      (await partnerA.request('POST', `/api/v1/documents/${d.json().id}/review`, { decision: 'approved' }))
        .statusCode,
    ).toBe(403);
    const noNote = await compliance.request('POST', `/api/v1/documents/${d.json().id}/review`, {
      decision: 'rejected',
    });
    expect(noNote.statusCode).toBe(400);
    const r = await compliance.request('POST', `/api/v1/documents/${d.json().id}/review`, {
      decision: 'rejected',
      note: 'Statement older than 3 months',
    });
    expect(r.json()).toMatchObject({ reviewStatus: 'rejected', reviewNote: 'Statement older than 3 months' });
    expect((await analyst.request('GET', `/api/v1/partners/${inPortfolio}/documents`)).statusCode).toBe(403);
  });

  it('filters by segment, status, manager, country, tier and tag', async () => {
    const ib = await t.createPartner({
      name: 'Filter IB',
      segments: ['ib', 'influencer'],
      managerUserId: pm.userId,
    });
    await admin.request('PATCH', `/api/v1/partners/${ib}`, { tier: 'gold', country: 'CY', tags: ['crypto'] });
    const q = async (qs: string) =>
      (await admin.request('GET', `/api/v1/partners?${qs}`)).json().items.map((p: { id: string }) => p.id);
    expect(await q('segment=influencer')).toEqual([ib]);
    expect(await q('tier=gold&country=CY')).toEqual([ib]);
    expect(await q('tag=crypto&status=active')).toEqual([ib]);
    expect(await q(`managerUserId=${pm.userId}&segment=ib`)).toEqual([ib]);
    expect(await q('q=filter%20ib')).toEqual([ib]);
    expect((await admin.request('GET', '/api/v1/partners?status=bogus')).statusCode).toBe(400);
  });
});

describe(`document uploads are checked on content, nothing stored on refusal [${ENGINE}]`, () => {
  const cases: Array<
    [string, Record<string, string>, { name: string; bytes: Buffer } | undefined, number, string]
  > = [
    [
      'an executable named .pdf',
      { type: 'identity' },
      { name: 'id.pdf', bytes: Buffer.from('MZ\x90\x00\x03\x00\x00\x00') },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'plain text',
      { type: 'identity' },
      { name: 'notes.txt', bytes: Buffer.from('hello there, not a document') },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a PNG named .pdf',
      { type: 'identity' },
      { name: 'scan.pdf', bytes: PNG },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an oversize file',
      { type: 'identity' },
      { name: 'big.pdf', bytes: Buffer.concat([PDF, Buffer.alloc(5000, 32)]) },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a path-traversal name',
      { type: 'identity' },
      { name: '../../etc/passwd.pdf', bytes: PDF },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a Windows path name',
      { type: 'identity' },
      { name: '..\\..\\boot.pdf', bytes: PDF },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an empty file',
      { type: 'identity' },
      { name: 'empty.pdf', bytes: Buffer.alloc(0) },
      400,
      'VALIDATION_FAILED',
    ],
    ['an unknown type', { type: 'selfie' }, { name: 'id.pdf', bytes: PDF }, 400, 'VALIDATION_FAILED'],
    ['no file', { type: 'identity' }, undefined, 400, 'VALIDATION_FAILED'],
  ];
  it.each(cases)('refuses %s', async (_label, fields, file, status, code) => {
    const before = await documentCount();
    const filesBefore = readdirSync(docsDir, { recursive: true }).length;
    const r = await upload(partnerA, '/api/v1/portal/documents', fields, file);
    expect(r.statusCode, r.body).toBe(status);
    expect(r.json().error.code).toBe(code);
    expect(r.json().error.message.length).toBeGreaterThan(10);
    expect(await documentCount()).toBe(before);
    expect(readdirSync(docsDir, { recursive: true }).length).toBe(filesBefore);
  });

  it('refuses a JSON body on the upload route with 415', async () => {
    const r = await partnerA.request('POST', '/api/v1/portal/documents', { type: 'identity' });
    expect(r.statusCode).toBe(415);
  });
});

describe(`NPS [${ENGINE}]`, () => {
  it('staff open a survey; a partner answers once; the score is computed', async () => {
    const sv = await pm.request('POST', '/api/v1/nps-surveys', {
      question: 'How likely are you to recommend us?',
    });
    expect(sv.statusCode).toBe(201);
    const id = sv.json().id;
    expect((await partnerA.request('GET', '/api/v1/portal/nps')).json().items).toContainEqual({
      id,
      question: 'How likely are you to recommend us?',
      answered: false,
      score: null,
    });
    expect(
      (await partnerA.request('POST', `/api/v1/portal/nps/${id}/answer`, { score: 10 })).statusCode,
    ).toBe(201);
    expect((await partnerA.request('POST', `/api/v1/portal/nps/${id}/answer`, { score: 2 })).statusCode).toBe(
      409,
    );
    expect((await partnerB.request('POST', `/api/v1/portal/nps/${id}/answer`, { score: 3 })).statusCode).toBe(
      201,
    );
    expect(
      (await partnerB.request('POST', `/api/v1/portal/nps/${id}/answer`, { score: 11 })).statusCode,
    ).toBe(400);
    const list = (await analyst.request('GET', '/api/v1/nps-surveys')).json().items;
    expect(list.find((x: { id: string }) => x.id === id)).toMatchObject({
      responses: 2,
      promoters: 1,
      detractors: 1,
      nps: 0,
    });
  });
});
