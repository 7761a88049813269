import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';
import { type Caller, PDF, PNG, signIn, TERMS, tempDir, withCookie } from './support.js';

let t: TestContext;
let clock = new Date('2026-03-02T09:00:00Z');
const tick = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};
let admin: Session;
let compliance: Session;
let pm: Session;
let brandId: string;
let docsDir: string;
let partnerId: string;
let partner: Caller;
const EMAIL = 'maya.creator@apply.example';
const PASSWORD = 'a-long-applicant-password';

async function applyTo(code: string, body: Record<string, unknown>) {
  const form = await t.app.inject({ url: `/api/v1/public/brands/${code}/application-form` });
  expect(form.statusCode).toBe(200);
  tick(5);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/public/brands/${code}/applications`,
    payload: { formToken: form.json().formToken, ...body },
  });
}

beforeAll(async () => {
  docsDir = tempDir();
  t = await createTestContext(
    { documents: { key: undefined, dir: docsDir, maxBytes: 100_000 } },
    { clock: () => clock },
  );
  admin = await t.loginAs('admin');
  compliance = await t.loginAs('compliance');
  pm = await t.loginAs('partner_manager');
  brandId = await t.createBrand('apex-one', 'forex');
  expect(
    (await admin.request('PATCH', `/api/v1/brands/${brandId}`, { jurisdictions: ['CySEC'] })).statusCode,
  ).toBe(200);
  for (const seg of ['affiliate', 'ib', 'ambassador'] as const) {
    const r = await admin.request('POST', '/api/v1/deal-templates', {
      brandId,
      segment: seg,
      name: `${seg} standard`,
      terms: TERMS[seg],
      legalText:
        'This agreement between {{brand.name}} and {{partner.legalName}} covers the {{segment}} program.',
    });
    expect(r.statusCode, r.body).toBe(201);
  }
  const form = await admin.request('PUT', `/api/v1/brands/${brandId}/application-form/ib`, {
    fields: [
      { key: 'expected_clients', label: 'Clients you expect in 6 months', type: 'number', required: true },
      { key: 'regulated', label: 'Are you regulated?', type: 'boolean', required: false },
    ],
  });
  expect(form.statusCode).toBe(200);
});
afterAll(() => t.close());

async function timeline(id: string) {
  const r = await admin.request('GET', `/api/v1/partners/${id}/timeline`);
  expect(r.statusCode).toBe(200);
  return r.json().items as Array<{ kind: string; summary: string; detail: Record<string, unknown> }>;
}

async function auditActions(entityId: string) {
  const rows = await t.services.db
    .selectFrom('audit_log')
    .select('action')
    .where('entity_id', '=', entityId)
    .execute();
  return rows.map((r) => r.action);
}

describe(`application to activation, three segments, one unified contract [${ENGINE}]`, () => {
  it('rejects spam: a filled honeypot stores nothing; a form sent too fast is refused', async () => {
    const before = await t.services.db
      .selectFrom('partners')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    const bot = await applyTo('apex-one', {
      displayName: 'Bot',
      email: 'bot@spam.example',
      password: 'whatever-password',
      segments: ['affiliate'],
      homepage: 'http://spam.example',
    });
    expect(bot.statusCode).toBe(201);
    const after = await t.services.db
      .selectFrom('partners')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const form = await t.app.inject({ url: '/api/v1/public/brands/apex-one/application-form' });
    const fast = await t.app.inject({
      method: 'POST',
      url: '/api/v1/public/brands/apex-one/applications',
      payload: {
        formToken: form.json().formToken,
        displayName: 'Fast',
        email: 'fast@spam.example',
        password: 'whatever-password',
        segments: ['affiliate'],
      },
    });
    expect(fast.statusCode).toBe(400);
    expect(fast.json().error.details.fields[0].path).toBe('/formToken');
  });

  it('checks the custom fields of each applied segment', async () => {
    const r = await applyTo('apex-one', {
      displayName: 'Missing Fields',
      email: 'missing@apply.example',
      password: PASSWORD,
      segments: ['ib'],
      customFields: { ib: { regulated: 'yes' } },
    });
    expect(r.statusCode).toBe(400);
    const paths = r
      .json()
      .error.details.fields.map((f: { path: string }) => f.path)
      .sort();
    expect(paths).toEqual(['/customFields/ib/expected_clients', '/customFields/ib/regulated']);
  });

  it('accepts a public application in affiliate, IB and ambassador', async () => {
    const r = await applyTo('apex-one', {
      displayName: 'Maya Creator',
      legalName: 'Maya Creator Ltd',
      email: EMAIL,
      password: PASSWORD,
      country: 'CY',
      segments: ['affiliate', 'ib', 'ambassador'],
      customFields: { ib: { expected_clients: 40, regulated: false } },
    });
    expect(r.statusCode, r.body).toBe(201);
    partnerId = r.json().partnerId;
    partner = await signIn(t.app, EMAIL, PASSWORD);
    const me = (await partner.request('GET', '/api/v1/portal/profile')).json();
    expect(me).toMatchObject({
      id: partnerId,
      status: 'applied',
      segments: ['affiliate', 'ib', 'ambassador'],
    });
    const apps = (await admin.request('GET', `/api/v1/partners/${partnerId}/applications`)).json().items;
    expect(apps[0]).toMatchObject({
      source: 'public',
      answers: { ib: { expected_clients: 40, regulated: false } },
    });
  });

  it('moves through review with reasons; illegal moves are 409 with the current state', async () => {
    const skip = await admin.request('POST', `/api/v1/partners/${partnerId}/status`, { status: 'active' });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().error).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { currentStatus: 'applied', requestedStatus: 'active' },
    });
    expect(
      (await admin.request('PUT', `/api/v1/partners/${partnerId}/manager`, { managerUserId: pm.userId }))
        .statusCode,
    ).toBe(200);
    for (const status of ['in_review', 'approved'])
      expect((await pm.request('POST', `/api/v1/partners/${partnerId}/status`, { status })).statusCode).toBe(
        200,
      );
    const manual = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, { status: 'contracted' });
    expect(manual.statusCode).toBe(409);
  });

  it('issues one unified contract for the three segments; the partner accepts the exact text', async () => {
    const issued = await pm.request('POST', `/api/v1/partners/${partnerId}/contracts`, {
      brandId,
      segments: ['affiliate', 'ib', 'ambassador'],
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const c = issued.json();
    expect(c.version).toBe(1);
    expect(c.terms.segments).toEqual(['affiliate', 'ib', 'ambassador']);
    expect(c.terms.components.map((x: { id: string }) => x.id)).toEqual([
      'affiliate.rs',
      'ib.rebate',
      'ambassador.retainer',
    ]);
    expect(c.renderedText).toContain('between apex-one and Maya Creator Ltd covers the ib program');
    expect(c.renderedSha256).toBe(createHash('sha256').update(c.renderedText).digest('hex'));

    const mine = (await partner.request('GET', '/api/v1/portal/contracts')).json().items;
    expect(mine).toHaveLength(1);
    const wrong = await partner.request('POST', `/api/v1/portal/contracts/${c.id}/accept`, {
      sha256: '0'.repeat(64),
    });
    expect(wrong.statusCode).toBe(409);
    const ok = await partner.request(
      'POST',
      `/api/v1/portal/contracts/${c.id}/accept`,
      { sha256: c.renderedSha256 },
      { 'user-agent': 'VitestBrowser/1.0' },
    );
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      status: 'accepted',
      acceptedSha256: c.renderedSha256,
      acceptedUserAgent: 'VitestBrowser/1.0',
      acceptedIp: '127.0.0.1',
    });
    const p = (await admin.request('GET', `/api/v1/partners/${partnerId}`)).json();
    expect(p.status).toBe('contracted');
    expect(p.onboardedAt).not.toBeNull();
    await expect(
      sql`update contracts set tier = 'gold' where id = ${c.id}`.execute(t.services.db),
    ).rejects.toThrow(/immutable/);
    await expect(sql`delete from contracts where id = ${c.id}`.execute(t.services.db)).rejects.toThrow(
      /immutable/,
    );
  });

  it('refuses activation while documents are missing, unreviewed or expired, listing them', async () => {
    const missing = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, { status: 'active' });
    expect(missing.statusCode).toBe(409);
    expect(missing.json().error.code).toBe('ACTIVATION_BLOCKED');
    // CySEC brand: IBs also need proof of address
    expect(missing.json().error.details.documents).toEqual([
      { type: 'bank_proof', problem: 'missing' },
      { type: 'identity', problem: 'missing' },
      { type: 'proof_of_address', problem: 'missing' },
      { type: 'tax_form', problem: 'missing' },
    ]);
    const uploads: Record<string, string> = {};
    for (const type of ['identity', 'bank_proof', 'proof_of_address', 'tax_form']) {
      const r = await partner.upload(
        '/api/v1/portal/documents',
        { type, expiresOn: '2027-01-01' },
        {
          name: `${type}.pdf`,
          bytes: PDF,
        },
      );
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json()).toMatchObject({
        mime: 'application/pdf',
        sizeBytes: PDF.length,
        reviewStatus: 'pending',
      });
      uploads[type] = r.json().id;
    }
    // encrypted at rest: the stored file does not contain the plaintext
    const files = readdirSync(path.join(docsDir, partnerId));
    expect(files).toHaveLength(4);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path.join(docsDir, partnerId, files[0]!)).includes(Buffer.from('%PDF'))).toBe(false);

    const unreviewed = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, { status: 'active' });
    expect(unreviewed.json().error.details.documents.map((d: { problem: string }) => d.problem)).toEqual([
      'unreviewed',
      'unreviewed',
      'unreviewed',
      'unreviewed',
    ]);
    // a manager cannot review; compliance does
    expect(
      (await pm.request('POST', `/api/v1/documents/${uploads.identity}/review`, { decision: 'approved' }))
        .statusCode,
    ).toBe(403);
    for (const [type, id] of Object.entries(uploads)) {
      const r = await compliance.request('POST', `/api/v1/documents/${id}/review`, {
        decision: 'approved',
        ...(type === 'identity' ? { expiresOn: '2026-03-01' } : {}),
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const expired = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, { status: 'active' });
    expect(expired.json().error.details.documents).toEqual([{ type: 'identity', problem: 'expired' }]);
    const attention = (await compliance.request('GET', '/api/v1/documents/attention')).json().items;
    expect(attention.find((x: { partnerId: string }) => x.partnerId === partnerId).documents).toContainEqual({
      documentType: 'identity',
      state: 'expired',
      expiresOn: '2026-03-01',
    });

    const renewed = await partner.upload(
      '/api/v1/portal/documents',
      { type: 'identity', expiresOn: '2030-01-01' },
      {
        name: 'passport.png',
        bytes: PNG,
      },
    );
    expect(renewed.statusCode, renewed.body).toBe(201);
    expect(
      (
        await compliance.request('POST', `/api/v1/documents/${renewed.json().id}/review`, {
          decision: 'approved',
        })
      ).statusCode,
    ).toBe(200);
    const content = await compliance.request('GET', `/api/v1/documents/${renewed.json().id}/content`);
    expect(content.statusCode).toBe(200);
    expect(content.rawPayload.equals(PNG)).toBe(true);
  });

  it('activates and generates links and codes per segment, plus a recruitment link', async () => {
    const r = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, { status: 'active' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().activatedAt).not.toBeNull();
    const tr = (await partner.request('GET', '/api/v1/portal/tracking')).json();
    expect(
      tr.links
        .filter((l: { kind: string }) => l.kind === 'default')
        .map((l: { segment: string }) => l.segment)
        .sort(),
    ).toEqual(['affiliate', 'ambassador', 'ib']);
    expect(tr.links.filter((l: { kind: string }) => l.kind === 'recruitment')).toHaveLength(1);
    expect(tr.promoCodes.map((c: { segment: string }) => c.segment).sort()).toEqual([
      'affiliate',
      'ambassador',
      'ib',
    ]);
    expect(tr.promoCodes.every((c: { code: string }) => /^MAYA-[A-Z0-9]{4}$/.test(c.code))).toBe(true);

    const custom = await partner.request('POST', '/api/v1/portal/links', {
      brandId,
      segment: 'ib',
      name: 'YouTube channel',
      subIds: { sub1: 'youtube', sub2: 'video-42' },
    });
    expect(custom.statusCode, custom.body).toBe(201);
    expect(custom.json().subIds).toEqual({ sub1: 'youtube', sub2: 'video-42' });
    const notMine = await partner.request('POST', '/api/v1/portal/links', {
      brandId,
      segment: 'reseller',
      name: 'x',
    });
    expect(notMine.statusCode).toBe(400);
  });

  it('puts every step in the timeline and the audit trail', async () => {
    const kinds = (await timeline(partnerId)).map((e) => e.kind);
    for (const k of ['status', 'hierarchy', 'assignment', 'contract', 'document', 'tracking'])
      expect(kinds).toContain(k);
    const summaries = (await timeline(partnerId)).map((e) => e.summary).join('\n');
    expect(summaries).toMatch(/applied \(public\)/);
    expect(summaries).toMatch(/review_started: applied → in_review/);
    expect(summaries).toMatch(/contract v1 accepted/);
    expect(summaries).toMatch(/activated: contracted → active/);
    const actions = await auditActions(partnerId);
    for (const a of [
      'partner.applied',
      'partner.brand_joined',
      'partner.manager_assigned',
      'partner.review_started',
      'partner.approved',
      'partner.contracted',
      'partner.activated',
    ])
      expect(actions).toContain(a);
    const contract = await t.services.db
      .selectFrom('contracts')
      .select('id')
      .where('partner_id', '=', partnerId)
      .executeTakeFirstOrThrow();
    expect(await auditActions(contract.id)).toEqual(['contract.issued', 'contract.accepted']);
  });

  it('a tier upgrade issues a new contract version; the accepted one stays as it was', async () => {
    const r = await pm.request('PATCH', `/api/v1/partners/${partnerId}`, { tier: 'gold' });
    expect(r.statusCode, r.body).toBe(200);
    const list = (await admin.request('GET', `/api/v1/partners/${partnerId}/contracts`)).json().items;
    expect(
      list.map((c: { version: number; status: string; tier: string }) => [c.version, c.status, c.tier]),
    ).toEqual([
      [1, 'accepted', 'standard'],
      [2, 'issued', 'gold'],
    ]);
  });

  it('recruitment links set the parent of a sub-partner', async () => {
    const tr = (await partner.request('GET', '/api/v1/portal/tracking')).json();
    const code = tr.links.find((l: { kind: string }) => l.kind === 'recruitment').code;
    const r = await applyTo('apex-one', {
      displayName: 'Sub Affiliate',
      email: 'sub@apply.example',
      password: PASSWORD,
      segments: ['affiliate'],
      recruitmentCode: code,
    });
    expect(r.statusCode, r.body).toBe(201);
    const sub = (await admin.request('GET', `/api/v1/partners/${r.json().partnerId}`)).json();
    expect(sub.brands).toEqual([{ brandId, parentPartnerId: partnerId }]);
    const tree = (await partner.request('GET', '/api/v1/portal/sub-partners')).json().items;
    expect(tree).toMatchObject([{ partnerId: sub.id, depth: 1, displayName: 'Sub Affiliate' }]);
    expect(Object.keys(tree[0]).sort()).toEqual([
      'brandId',
      'depth',
      'displayName',
      'parentPartnerId',
      'partnerId',
      'status',
    ]);
  });

  it('invites by e-mail with a one-time token that sets the parent and the manager', async () => {
    const sent: Array<{ to: string; text: string }> = [];
    const realMailer = t.services.mailer;
    t.services.mailer = { send: async (m) => void sent.push(m), close() {} };
    try {
      const inv = await pm.request('POST', '/api/v1/invitations', {
        email: 'invited@apply.example',
        brandId,
        segments: ['influencer'],
        parentPartnerId: partnerId,
      });
      expect(inv.statusCode, inv.body).toBe(201);
    } finally {
      t.services.mailer = realMailer;
    }
    expect(sent).toHaveLength(1);
    const token = /token=([A-Za-z0-9_-]+)/.exec(sent[0]!.text)![1]!;
    const stored = await t.services.db
      .selectFrom('invitations')
      .select('token_hash')
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    const info = await t.app.inject({ url: `/api/v1/public/invitations/${token}` });
    expect(info.json()).toMatchObject({ email: 'invited@apply.example', segments: ['influencer'] });
    tick(5);
    const accept = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/invitations/${token}/accept`,
      payload: { formToken: info.json().formToken, displayName: 'Invited Influencer', password: PASSWORD },
    });
    expect(accept.statusCode, accept.body).toBe(201);
    const p = (await pm.request('GET', `/api/v1/partners/${accept.json().partnerId}`)).json();
    expect(p).toMatchObject({ managerUserId: pm.userId, brands: [{ brandId, parentPartnerId: partnerId }] });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/invitations/${token}/accept`,
      payload: { formToken: info.json().formToken, displayName: 'Again', password: PASSWORD },
    });
    expect(again.statusCode).toBe(404);
  });
});

describe(`suspension, reinstatement, termination and erasure [${ENGINE}]`, () => {
  it('suspension needs a reason, holds commission, blocks payouts, and the portal says why', async () => {
    const noReason = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, {
      status: 'suspended',
    });
    expect(noReason.statusCode).toBe(400);
    const r = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, {
      status: 'suspended',
      reason: 'Unapproved bonus claims in ads',
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'suspended', commissionHeld: true, payoutsBlocked: true });
    const me = (await partner.request('GET', '/api/v1/portal/profile')).json();
    expect(me.notice).toContain('Unapproved bonus claims in ads');
    expect(me.notice).toContain("brand's default page");
    // the redirect reads the partner status; links stay as they were so reinstatement restores them
    const links = await t.services.db
      .selectFrom('tracking_links')
      .select('status')
      .where('partner_id', '=', partnerId)
      .execute();
    expect(links.every((l) => l.status === 'active')).toBe(true);
    const newLink = await partner.request('POST', '/api/v1/portal/links', {
      brandId,
      segment: 'ib',
      name: 'more',
    });
    expect(newLink.statusCode).toBe(409);
    const back = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, {
      status: 'active',
      reason: 'Ads corrected',
    });
    expect(back.json()).toMatchObject({ status: 'active', commissionHeld: false, payoutsBlocked: false });
    expect(await auditActions(partnerId)).toEqual(
      expect.arrayContaining(['partner.suspended', 'partner.reinstated']),
    );
  });

  it('erasure is refused before termination, then pseudonymises and keeps the records', async () => {
    const early = await admin.request('POST', `/api/v1/partners/${partnerId}/erase`, {
      reason: 'GDPR request',
    });
    expect(early.statusCode).toBe(409);
    await finance();
    expect(
      (
        await pm.request('POST', `/api/v1/partners/${partnerId}/status`, {
          status: 'terminated',
          reason: 'Partner asked',
        })
      ).statusCode,
    ).toBe(200);
    const docsBefore = readdirSync(path.join(docsDir, partnerId)).length;
    expect(docsBefore).toBeGreaterThan(0);
    const r = await admin.request('POST', `/api/v1/partners/${partnerId}/erase`, {
      reason: 'GDPR article 17 request',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      displayName: `Erased partner ${partnerId.slice(0, 8)}`,
      email: null,
      legalName: null,
      status: 'terminated',
      segments: ['affiliate', 'ib', 'ambassador'],
      country: 'CY',
    });
    expect(readdirSync(path.join(docsDir, partnerId))).toHaveLength(0);
    const db = t.services.db;
    expect(
      await db
        .selectFrom('partner_payment_details')
        .selectAll()
        .where('partner_id', '=', partnerId)
        .execute(),
    ).toEqual([]);
    const docs = await db
      .selectFrom('documents')
      .select(['file_name', 'sha256', 'storage_key'])
      .where('partner_id', '=', partnerId)
      .execute();
    expect(
      docs.every((d) => d.file_name === '[erased]' && d.storage_key === null && d.sha256.length === 64),
    ).toBe(true);
    const contracts = await db
      .selectFrom('contracts')
      .select('status')
      .where('partner_id', '=', partnerId)
      .execute();
    expect(contracts.map((c) => c.status)).toContain('accepted');
    expect(
      await db.selectFrom('tracking_links').select('id').where('partner_id', '=', partnerId).execute(),
    ).not.toHaveLength(0);
    const user = await db
      .selectFrom('users')
      .select(['email', 'disabled_at'])
      .where('partner_id', '=', partnerId)
      .executeTakeFirstOrThrow();
    expect(user.email).toMatch(/@erased\.invalid$/);
    expect(user.disabled_at).not.toBeNull();
    expect((await partner.request('GET', '/api/v1/portal/profile')).statusCode).toBe(401);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: EMAIL, password: PASSWORD },
    });
    expect(login.statusCode).toBe(401);
    const audit = await db
      .selectFrom('audit_log')
      .select('diff')
      .where('action', '=', 'partner.erased')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.diff)).not.toContain(EMAIL);
    expect(existsSync(docsDir)).toBe(true);
  });
});

async function finance() {
  const f = await t.loginAs('finance');
  const r = await f.request('PUT', `/api/v1/partners/${partnerId}/payment-details`, {
    method: 'bank_transfer',
    currency: 'EUR',
    details: { accountHolder: 'Maya Creator Ltd', iban: 'CY17002001280000001200527600' },
  });
  expect(r.statusCode, r.body).toBe(200);
  return withCookie;
}
