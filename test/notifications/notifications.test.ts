import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { notifyCommissionHolds } from '../../src/notifications/commission-notices.js';
import { deliverNotificationEmail } from '../../src/notifications/deliver-email.js';
import { notifyExpiringDocuments } from '../../src/notifications/document-expiry.js';
import {
  dispatchPendingEmails,
  pgBossNotificationSender,
  setNotificationSender,
} from '../../src/notifications/email-dispatch.js';
import { NOTIFICATION_JOBS } from '../../src/notifications/jobs.js';
import { notify } from '../../src/notifications/notification-store.js';
import { type JobRunner, startJobs } from '../../src/platform/jobs/job-runner.js';
import { createLogger } from '../../src/platform/logging.js';
import { createMailer } from '../../src/platform/mail.js';
import { startSmtpReceiver } from '../helpers/smtp-receiver.js';
import { createTestContext, type Session, type TestContext } from '../helpers/test-app.js';
import { ENGINE } from '../helpers/test-db.js';
import { TERMS } from '../partners/support.js';

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let t: TestContext;
let jobs: JobRunner;
let admin: Session;
let pm: Session;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  const mailer = createMailer(
    { url: smtp.url, from: 'Consort <no-reply@test.local>' },
    createLogger('silent'),
  );
  t = await createTestContext({ publicUrl: 'http://consort.test' }, { mailer });
  jobs = await startJobs(t.services, NOTIFICATION_JOBS, { schedule: false });
  setNotificationSender(pgBossNotificationSender(jobs.boss), t.services);
  admin = await t.loginAs('admin');
  pm = await t.loginAs('partner_manager');
});
afterAll(async () => {
  setNotificationSender(undefined);
  await jobs.stop();
  await t.close();
  await smtp.close();
});

/** A partner (managed by `pm` unless told otherwise) in `status`, with its own login. */
async function partnerWithLogin(status: string, manager: string | null = pm.userId) {
  const partnerId = await t.createPartner({ managerUserId: manager });
  await t.services.db.updateTable('partners').set({ status }).where('id', '=', partnerId).execute();
  const login = await t.loginAs('partner', { partnerId });
  return { partnerId, login };
}

/** The mails received for an address (decoded enough to search: quoted-printable soft breaks removed). */
function mailsTo(email: string) {
  return smtp.inbox
    .filter((m) => m.to.includes(email))
    .map((m) => m.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='));
}

async function waitForMail(email: string, count = 1) {
  await vi.waitFor(() => expect(mailsTo(email).length).toBeGreaterThanOrEqual(count), {
    timeout: 20_000,
    interval: 100,
  });
  return mailsTo(email);
}

describe(`notifications: application decision e-mail and in-app [${ENGINE}]`, () => {
  it('an approval notifies the partner in-app and by e-mail with the default template text', async () => {
    const { partnerId, login } = await partnerWithLogin('in_review');
    const r = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, { status: 'approved' });
    expect(r.statusCode, r.body).toBe(200);

    const mails = await waitForMail(login.email);
    expect(mails[0]).toContain('Subject: Your partner application was approved');
    expect(mails[0]).toContain('was approved.');
    expect(mails[0]).toContain('Open in Consort: http://consort.test/portal/onboarding');

    const list = await login.request('GET', '/api/v1/notifications');
    expect(list.statusCode).toBe(200);
    const body = list.json();
    expect(body.unread).toBe(1);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      event: 'application_decision',
      title: 'Your partner application was approved',
      link: '/portal/onboarding',
      readAt: null,
    });
    await vi.waitFor(
      async () => {
        const row = await t.services.db
          .selectFrom('notifications')
          .select(['email_status', 'email_attempts', 'email_sent_at'])
          .where('id', '=', body.items[0].id)
          .executeTakeFirstOrThrow();
        expect(row.email_status).toBe('sent');
        expect(row.email_attempts).toBe(1);
        expect(row.email_sent_at).not.toBeNull();
      },
      { timeout: 10_000, interval: 100 },
    );

    const read = await login.request('POST', `/api/v1/notifications/${body.items[0].id}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    expect((await login.request('GET', '/api/v1/notifications/unread-count')).json()).toEqual({ unread: 0 });
    const audited = await t.services.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'notification.read')
      .where('entity_id', '=', body.items[0].id)
      .execute();
    expect(audited).toEqual([{ actor_id: login.userId }]);
  });

  it('nothing is notified for a rolled-back write', async () => {
    const { partnerId, login } = await partnerWithLogin('applied');
    // rejecting needs a reason: the status change fails (400) and rolls back
    const r = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, { status: 'rejected' });
    expect(r.statusCode).toBe(400);
    const rows = await t.services.db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', login.userId)
      .execute();
    expect(rows).toEqual([]);
  });

  it('e-mail off: the in-app entry is still there, no e-mail is sent', async () => {
    const { partnerId, login } = await partnerWithLogin('in_review');
    const prefs = await login.request('PUT', '/api/v1/notification-preferences', {
      items: [{ event: 'application_decision', inApp: true, email: false }],
    });
    expect(prefs.statusCode, prefs.body).toBe(200);
    const appDecision = prefs.json().items.find((p: { event: string }) => p.event === 'application_decision');
    expect(appDecision).toMatchObject({ inApp: true, email: false });
    const other = prefs.json().items.find((p: { event: string }) => p.event === 'payout_sent');
    expect(other).toMatchObject({ inApp: true, email: true });

    const r = await pm.request('POST', `/api/v1/partners/${partnerId}/status`, {
      status: 'rejected',
      reason: 'Traffic sources not allowed',
    });
    expect(r.statusCode, r.body).toBe(200);
    const list = (await login.request('GET', '/api/v1/notifications')).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ event: 'application_decision', emailStatus: 'off' });
    expect(list.items[0].body).toContain('Traffic sources not allowed');
    // a sweep finds nothing to send for it, and no mail went to the partner
    await dispatchPendingEmails(t.services);
    const pending = await t.services.db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', login.userId)
      .where('email_status', '!=', 'off')
      .execute();
    expect(pending).toEqual([]);
    expect(mailsTo(login.email)).toEqual([]);
  });

  it('both channels off: nothing is recorded', async () => {
    const { partnerId, login } = await partnerWithLogin('in_review');
    await login.request('PUT', '/api/v1/notification-preferences', {
      items: [{ event: 'application_decision', inApp: false, email: false }],
    });
    await pm.request('POST', `/api/v1/partners/${partnerId}/status`, { status: 'approved' });
    expect((await login.request('GET', '/api/v1/notifications')).json()).toEqual({ items: [], unread: 0 });
  });
});

describe(`notification templates [${ENGINE}]`, () => {
  it('refuses an unknown placeholder naming the field, writes nothing, then uses the valid override', async () => {
    const bad = await admin.request('PUT', '/api/v1/notification-templates/application_decision', {
      subject: 'Decision: {decision}',
      body: 'Dear {partnerName}, your application was {verdict}.',
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().error.details.fields;
    expect(fields).toHaveLength(1);
    expect(fields[0].path).toBe('/body');
    expect(fields[0].message).toContain('{verdict}');
    const still = (await admin.request('GET', '/api/v1/notification-templates/application_decision')).json();
    expect(still.overridden).toBe(false);
    expect(still.subject).toBe('Your partner application was {decision}');

    const stray = await admin.request('POST', '/api/v1/notification-templates/application_decision/preview', {
      subject: 'Decision {decision',
      body: 'ok',
    });
    expect(stray.statusCode).toBe(400);
    expect(stray.json().error.details.fields[0].path).toBe('/subject');

    const preview = await admin.request(
      'POST',
      '/api/v1/notification-templates/application_decision/preview',
      {
        subject: 'Decision: {decision}',
        body: 'Dear {partnerName}, your application was {decision}. {reason}',
      },
    );
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().subject).toBe('Decision: approved');
    expect(preview.json().body).toBe('Dear Maya Creator, your application was approved. ');

    const ok = await admin.request('PUT', '/api/v1/notification-templates/application_decision', {
      subject: 'Decision on {partnerName}: {decision}',
      body: 'Dear {recipientName}, the operator has {decision} your application. {reason}',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      overridden: true,
      defaultSubject: 'Your partner application was {decision}',
    });

    const { partnerId, login } = await partnerWithLogin('in_review');
    const name = (
      await t.services.db
        .selectFrom('partners')
        .select('display_name')
        .where('id', '=', partnerId)
        .executeTakeFirstOrThrow()
    ).display_name;
    await pm.request('POST', `/api/v1/partners/${partnerId}/status`, { status: 'approved' });
    const mails = await waitForMail(login.email);
    expect(mails[0]).toContain(`Subject: Decision on ${name}: approved`);
    expect(mails[0]).toContain('the operator has approved your application.');

    const audit = await t.services.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('entity_type', '=', 'notification_template')
      .execute();
    expect(audit).toEqual([{ action: 'notification_template.updated', entity_id: 'application_decision' }]);

    const reset = await admin.request('DELETE', '/api/v1/notification-templates/application_decision');
    expect(reset.json()).toMatchObject({
      overridden: false,
      subject: 'Your partner application was {decision}',
    });
  });

  it('only admins reach the templates; an unknown event is 400', async () => {
    expect((await pm.request('GET', '/api/v1/notification-templates')).statusCode).toBe(403);
    const { login } = await partnerWithLogin('active');
    expect(
      (await login.request('PUT', '/api/v1/notification-templates/payout_sent', { subject: 'x', body: 'y' }))
        .statusCode,
    ).toBe(403);
    expect((await admin.request('GET', '/api/v1/notification-templates/nope')).statusCode).toBe(400);
    const all = (await admin.request('GET', '/api/v1/notification-templates')).json().items;
    expect(all.map((x: { event: string }) => x.event)).toEqual([
      'application_decision',
      'document_expiring',
      'contract_to_accept',
      'commission_hold',
      'payout_sent',
      'message_received',
      'claim_answered',
    ]);
  });
});

describe(`notifications are private [${ENGINE}]`, () => {
  it("a user sees and marks only their own; another user's notification is 404", async () => {
    const a = await partnerWithLogin('active');
    const b = await partnerWithLogin('active');
    await t.services.db
      .transaction()
      .execute((trx) =>
        notify(
          trx,
          { event: 'payout_sent', partnerId: a.partnerId, data: { amount: '10.00 EUR' } },
          new Date(),
        ),
      );
    const mine = (await a.login.request('GET', '/api/v1/notifications')).json().items;
    expect(mine).toHaveLength(1);
    expect((await b.login.request('GET', '/api/v1/notifications')).json().items).toEqual([]);
    expect((await b.login.request('POST', `/api/v1/notifications/${mine[0].id}/read`)).statusCode).toBe(404);
    expect((await pm.request('POST', `/api/v1/notifications/${mine[0].id}/read`)).statusCode).toBe(404);
    expect((await b.login.request('POST', '/api/v1/notifications/read-all')).json()).toEqual({ marked: 0 });
    expect((await a.login.request('GET', '/api/v1/notifications/unread-count')).json()).toEqual({
      unread: 1,
    });
    expect((await a.login.request('POST', '/api/v1/notifications/read-all')).json()).toEqual({ marked: 1 });
    expect((await t.app.inject({ url: '/api/v1/notifications' })).statusCode).toBe(401);
  });
});

describe(`messages between a partner and its manager [${ENGINE}]`, () => {
  it('the partner writes, the manager is notified and replies, the partner is notified; read state', async () => {
    const { partnerId, login } = await partnerWithLogin('active');
    const sent = await login.request('POST', '/api/v1/portal/messages', {
      body: 'Can I get a new landing page?',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toMatchObject({ side: 'partner', mine: true, readAt: null });

    const pmNotes = (await pm.request('GET', '/api/v1/notifications?unread=true')).json();
    const n = pmNotes.items.find(
      (x: { event: string; link: string }) => x.link === `/partners/${partnerId}?tab=messages`,
    );
    expect(n).toMatchObject({ event: 'message_received' });
    expect(n.body).toContain('Can I get a new landing page?');

    const thread = (await pm.request('GET', `/api/v1/partners/${partnerId}/messages`)).json();
    expect(thread.unread).toBe(1);
    expect(thread.items).toHaveLength(1);
    expect(thread.items[0]).toMatchObject({
      side: 'partner',
      mine: false,
      body: 'Can I get a new landing page?',
    });
    expect((await pm.request('POST', `/api/v1/partners/${partnerId}/messages/read`)).json()).toEqual({
      marked: 1,
    });
    const readThread = (await pm.request('GET', `/api/v1/partners/${partnerId}/messages`)).json();
    expect(readThread.unread).toBe(0);

    const reply = await pm.request('POST', `/api/v1/partners/${partnerId}/messages`, {
      body: 'Yes: it is live.',
    });
    expect(reply.statusCode, reply.body).toBe(201);
    const partnerView = (await login.request('GET', '/api/v1/portal/messages')).json();
    expect(partnerView.items.map((m: { side: string; mine: boolean }) => [m.side, m.mine])).toEqual([
      ['partner', true],
      ['staff', false],
    ]);
    expect(partnerView.items[0].readAt).not.toBeNull();
    expect(partnerView.unread).toBe(1);
    const partnerNotes = (await login.request('GET', '/api/v1/notifications')).json();
    expect(partnerNotes.items[0]).toMatchObject({ event: 'message_received', link: '/portal/messages' });
    expect(partnerNotes.items[0].body).toContain('Yes: it is live.');
    const mails = await waitForMail(login.email);
    expect(mails.some((m) => m.includes('Subject: New message from'))).toBe(true);

    const blank = await login.request('POST', '/api/v1/portal/messages', { body: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.details.fields[0].path).toBe('/body');
  });

  it('denials: another manager 404, analyst and finance 403, a partner sees only its own thread', async () => {
    const a = await partnerWithLogin('active');
    const b = await partnerWithLogin('active');
    await a.login.request('POST', '/api/v1/portal/messages', { body: 'secret of A' });
    const otherPm = await t.loginAs('partner_manager');
    expect((await otherPm.request('GET', `/api/v1/partners/${a.partnerId}/messages`)).statusCode).toBe(404);
    expect(
      (await otherPm.request('POST', `/api/v1/partners/${a.partnerId}/messages`, { body: 'hi' })).statusCode,
    ).toBe(404);
    const analyst = await t.loginAs('analyst');
    expect((await analyst.request('GET', `/api/v1/partners/${a.partnerId}/messages`)).statusCode).toBe(403);
    const finance = await t.loginAs('finance');
    expect((await finance.request('GET', `/api/v1/partners/${a.partnerId}/messages`)).statusCode).toBe(403);
    expect((await b.login.request('GET', `/api/v1/partners/${a.partnerId}/messages`)).statusCode).toBe(403);
    expect((await b.login.request('GET', '/api/v1/portal/messages')).json()).toEqual({
      items: [],
      unread: 0,
    });
    expect(
      (await admin.request('GET', `/api/v1/partners/${a.partnerId}/messages`)).json().items,
    ).toHaveLength(1);
  });

  it('erasing the partner (GDPR) erases the thread and the notification texts, keeping the rows', async () => {
    const { partnerId, login } = await partnerWithLogin('active');
    await login.request('POST', '/api/v1/portal/messages', { body: 'My phone is +44 7700 900123' });
    await pm.request('POST', `/api/v1/partners/${partnerId}/messages`, { body: 'Thanks, noted.' });
    await t.services.db
      .updateTable('partners')
      .set({ status: 'terminated' })
      .where('id', '=', partnerId)
      .execute();
    const erased = await admin.request('POST', `/api/v1/partners/${partnerId}/erase`, {
      reason: 'GDPR request',
    });
    expect(erased.statusCode, erased.body).toBe(200);
    const thread = (await admin.request('GET', `/api/v1/partners/${partnerId}/messages`)).json();
    expect(thread.items.map((m: { body: string }) => m.body)).toEqual(['[erased]', '[erased]']);
    const texts = await t.services.db
      .selectFrom('notifications')
      .select(['title', 'body'])
      .where((eb) =>
        eb.or([eb('user_id', '=', login.userId), eb('link', '=', `/partners/${partnerId}?tab=messages`)]),
      )
      .execute();
    expect(texts).toHaveLength(2);
    expect(texts.every((n) => n.title === '[erased]' && n.body === '[erased]')).toBe(true);
    const more = await pm.request('POST', `/api/v1/partners/${partnerId}/messages`, { body: 'still there?' });
    expect(more.statusCode).toBe(409);
  });

  it('a partner without a manager writes to the admins', async () => {
    const { login } = await partnerWithLogin('active', null);
    await login.request('POST', '/api/v1/portal/messages', { body: 'Anyone there?' });
    const notes = (await admin.request('GET', '/api/v1/notifications')).json().items;
    expect(notes.some((x: { body: string }) => x.body.includes('Anyone there?'))).toBe(true);
  });
});

describe(`events emitted by the business flows [${ENGINE}]`, () => {
  it('issuing a contract notifies "contract to accept"', async () => {
    const brandId = await t.createBrand(`nb${Date.now() % 100000}`);
    const tpl = await admin.request('POST', '/api/v1/deal-templates', {
      brandId,
      segment: 'affiliate',
      name: 'affiliate standard',
      terms: TERMS.affiliate,
      legalText: 'This agreement between {{brand.name}} and {{partner.legalName}} covers {{segment}}.',
    });
    expect(tpl.statusCode, tpl.body).toBe(201);
    const { partnerId, login } = await partnerWithLogin('approved');
    const join = await pm.request('PUT', `/api/v1/partners/${partnerId}/brands/${brandId}`, {
      parentPartnerId: null,
    });
    expect(join.statusCode, join.body).toBe(200);
    const c = await pm.request('POST', `/api/v1/partners/${partnerId}/contracts`, {
      brandId,
      segments: ['affiliate'],
    });
    expect(c.statusCode, c.body).toBe(201);
    const items = (await login.request('GET', '/api/v1/notifications')).json().items;
    expect(items[0]).toMatchObject({ event: 'contract_to_accept', link: '/portal/onboarding' });
    expect(items[0].title).toMatch(/^Contract v1 with nb\d+ is ready to accept$/);
  });

  it('commission held and released: one notification per partner with totals per currency', async () => {
    const a = await partnerWithLogin('active');
    const b = await partnerWithLogin('active');
    const lines = [
      { id: 'l1', partner_id: a.partnerId, amount: '1050', currency: 'EUR', hold_until: '2026-12-10' },
      { id: 'l2', partner_id: a.partnerId, amount: '250', currency: 'EUR', hold_until: '2026-12-20' },
      { id: 'l3', partner_id: a.partnerId, amount: '700', currency: 'USD', hold_until: '2026-12-05' },
      { id: 'l4', partner_id: b.partnerId, amount: '99', currency: 'EUR', hold_until: null },
    ];
    await t.services.db.transaction().execute(async (trx) => {
      await notifyCommissionHolds(
        trx,
        lines,
        [
          { id: 'l1', to: 'approved' },
          { id: 'l2', to: 'approved' },
          { id: 'l3', to: 'approved' },
          { id: 'l4', to: 'payable' }, // approved with the hold over: not a hold
        ],
        'approve',
        new Date(),
      );
      await notifyCommissionHolds(trx, lines, [{ id: 'l4', to: 'payable' }], 'release', new Date());
    });
    const aItems = (await a.login.request('GET', '/api/v1/notifications')).json().items;
    expect(aItems).toHaveLength(1);
    expect(aItems[0].title).toBe('Commission held: 13.00 EUR, 7.00 USD');
    expect(aItems[0].body).toContain('3 commission line(s)');
    expect(aItems[0].body).toContain('payable after 2026-12-20');
    const bItems = (await b.login.request('GET', '/api/v1/notifications')).json().items;
    expect(bItems.map((x: { title: string }) => x.title)).toEqual(['Commission released: 0.99 EUR']);
  });

  it('the daily document-expiry run notifies partner and manager once per document and day', async () => {
    const { partnerId, login } = await partnerWithLogin('active');
    const { v7 } = await import('uuid');
    const doc = (type: string, expiresOn: string | null) => ({
      id: v7(),
      partner_id: partnerId,
      type,
      file_name: `${type}.pdf`,
      mime: 'application/pdf',
      size_bytes: 10,
      sha256: '0'.repeat(64),
      storage_key: null,
      expires_on: expiresOn,
      review_status: 'approved' as const,
      review_note: null,
      reviewed_by: null,
      reviewed_at: null,
      uploaded_by_type: 'user',
      uploaded_by: null,
      created_at: new Date(),
      erased_at: null,
    });
    const soon = doc('identity', '2030-03-04');
    const replaced = doc('proof_of_address', '2030-03-03');
    const replacement = doc('proof_of_address', '2031-01-01');
    const later = doc('company_registration', '2030-06-01');
    await t.services.db.insertInto('documents').values([soon, replaced, replacement, later]).execute();

    const first = await notifyExpiringDocuments(t.services, { today: '2030-03-01', withinDays: 7 });
    expect(first).toEqual({ documents: 1, notified: 2 });
    const again = await notifyExpiringDocuments(t.services, { today: '2030-03-01', withinDays: 7 });
    expect(again).toEqual({ documents: 1, notified: 0 });
    const nextDay = await notifyExpiringDocuments(t.services, { today: '2030-03-02', withinDays: 7 });
    expect(nextDay).toEqual({ documents: 1, notified: 2 });

    const items = (await login.request('GET', '/api/v1/notifications')).json().items;
    expect(items.map((x: { title: string }) => x.title)).toEqual([
      expect.stringMatching(/expires on 2030-03-04$/),
      expect.stringMatching(/expires on 2030-03-04$/),
    ]);
    expect(items[1].body).toContain('identity document');
    expect(items[1].body).toContain('(3 days left)');
    const pmItems = (await pm.request('GET', '/api/v1/notifications')).json().items;
    expect(pmItems.filter((x: { link: string }) => x.link === `/partners/${partnerId}`)).toHaveLength(2);
  });

  it('a failed e-mail records the attempt and the error; the final attempt marks it failed', async () => {
    const { login } = await partnerWithLogin('active');
    setNotificationSender(undefined); // keep the job queue out of this one
    try {
      const [id] = await t.services.db
        .transaction()
        .execute((trx) =>
          notify(
            trx,
            { event: 'payout_sent', userIds: [login.userId], data: { amount: '1.00 EUR' } },
            new Date(),
          ),
        );
      const broken = {
        ...t.services,
        mailer: {
          async send() {
            throw new Error('connection refused');
          },
          close() {},
        },
      };
      expect(await deliverNotificationEmail(broken, id!)).toEqual({
        kind: 'failed',
        error: 'connection refused',
        final: false,
      });
      expect(await deliverNotificationEmail(broken, id!, { finalAttempt: true })).toMatchObject({
        final: true,
      });
      const row = await t.services.db
        .selectFrom('notifications')
        .select(['email_status', 'email_attempts', 'email_last_error'])
        .where('id', '=', id!)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        email_status: 'failed',
        email_attempts: 2,
        email_last_error: 'connection refused',
      });
      expect(await deliverNotificationEmail(t.services, id!)).toEqual({
        kind: 'skipped',
        reason: 'already failed',
      });
    } finally {
      setNotificationSender(pgBossNotificationSender(jobs.boss), t.services);
    }
  });
});
