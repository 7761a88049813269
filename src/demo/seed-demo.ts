import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type Actor, appendAudit } from '../audit/audit-store.js';
import { writeAudited } from '../audit/write-audited.js';
import { createUser } from '../auth/user-store.js';
import type { LoginRole } from '../platform/config.js';
import type { Database } from '../platform/db/schema.js';
import type { Services } from '../platform/services.js';
import { seedDemoActivity } from './seed-activity.js';
import { acceptContract, issueContract } from '../onboarding/contract-store.js';
import { joinBrand } from '../partners/partner-store.js';
import { seedDemoMoney } from './seed-money.js';
import { DEMO_HISTORY_DAYS, seedDemoPartners } from './seed-partners.js';

const DAY = 86_400_000;

export const DEMO_PASSWORD = 'consort-demo-1';

export interface DemoLogin {
  email: string;
  role: LoginRole;
  note: string;
}

const BRANDS = [
  {
    code: 'lucky-spins',
    name: 'Lucky Spins Casino',
    vertical: 'igaming',
    currency: 'EUR',
    timezone: 'Europe/Malta',
    jurisdictions: ['MGA', 'UKGC'],
  },
  {
    code: 'apex-fx',
    name: 'Apex FX',
    vertical: 'forex',
    currency: 'USD',
    timezone: 'Asia/Nicosia',
    jurisdictions: ['CySEC'],
  },
  {
    code: 'summit-prop',
    name: 'Summit Prop Traders',
    vertical: 'prop',
    currency: 'USD',
    timezone: 'UTC',
    jurisdictions: [],
  },
] as const;

/** The programs (brand and segments) of the partners with demo traffic; their contracts date from the history's start. */
const PROGRAMS: Record<string, Array<{ brand: string; segments: string[] }>> = {
  'Maya Creator': [
    { brand: 'lucky-spins', segments: ['affiliate'] },
    { brand: 'apex-fx', segments: ['ib'] },
    { brand: 'summit-prop', segments: ['ambassador'] },
  ],
  'Northwind Media Ltd': [{ brand: 'lucky-spins', segments: ['affiliate'] }],
  'Kestrel Capital IB': [{ brand: 'apex-fx', segments: ['ib'] }],
};

const STAFF: Array<{ email: string; role: LoginRole; name: string }> = [
  { email: 'admin@demo.consort.local', role: 'admin', name: 'Ada Admin' },
  { email: 'pm@demo.consort.local', role: 'partner_manager', name: 'Pia Manager' },
  { email: 'pm2@demo.consort.local', role: 'partner_manager', name: 'Paolo Manager' },
  { email: 'finance@demo.consort.local', role: 'finance', name: 'Finn Finance' },
  { email: 'compliance@demo.consort.local', role: 'compliance', name: 'Cora Compliance' },
  { email: 'analyst@demo.consort.local', role: 'analyst', name: 'Ana Analyst' },
];

const PARTNERS: Array<{
  name: string;
  email: string;
  country: string;
  segments: string[];
  status: string;
  manager: 0 | 1;
}> = [
  {
    name: 'Maya Creator',
    email: 'maya@partners.example',
    country: 'GB',
    segments: ['affiliate', 'ib', 'ambassador'],
    status: 'active',
    manager: 0,
  },
  {
    name: 'Northwind Media Ltd',
    email: 'ops@northwind.example',
    country: 'MT',
    segments: ['affiliate'],
    status: 'active',
    manager: 0,
  },
  {
    name: 'Kestrel Capital IB',
    email: 'desk@kestrel.example',
    country: 'CY',
    segments: ['ib'],
    status: 'active',
    manager: 1,
  },
  {
    name: 'Leo Trades',
    email: 'leo@partners.example',
    country: 'DE',
    segments: ['influencer', 'ib'],
    status: 'contracted',
    manager: 1,
  },
  {
    name: 'BrightPath Integrations',
    email: 'hello@brightpath.example',
    country: 'NL',
    segments: ['integrator'],
    status: 'approved',
    manager: 0,
  },
  {
    name: 'Resell Hub GmbH',
    email: 'sales@resellhub.example',
    country: 'AT',
    segments: ['reseller'],
    status: 'in_review',
    manager: 1,
  },
  {
    name: 'Sofia Streams',
    email: 'sofia@partners.example',
    country: 'ES',
    segments: ['influencer'],
    status: 'applied',
    manager: 0,
  },
  {
    name: 'Old Oak Affiliates',
    email: 'team@oldoak.example',
    country: 'IE',
    segments: ['affiliate'],
    status: 'suspended',
    manager: 1,
  },
];

/** True when the database has no brand yet: `start --demo` seeds only an empty database. */
export async function isEmpty(s: Services): Promise<boolean> {
  const b = await s.db.selectFrom('brands').select('id').limit(1).executeTakeFirst();
  return !b;
}

/**
 * A small demo operator: a brand per vertical, one login per staff role, partners across every segment
 * and status (three of them with partner logins), their traffic and activity, then the money side
 * (seed-money.ts: demo FX rates, two closed months, approvals, payouts, statements, NPS, LTV, audit
 * verification). Deterministic for a given seed day, audited like any write.
 */
export async function seedDemo(s: Services): Promise<DemoLogin[]> {
  const actor: Actor = { type: 'system', id: 'seed-demo' };
  const logins: DemoLogin[] = [];
  await writeAudited(s, async (trx: Transaction<Database>, now) => {
    for (const b of BRANDS) {
      const id = uuidv7();
      await trx
        .insertInto('brands')
        .values({
          id,
          ...b,
          jurisdictions: [...b.jurisdictions],
          landing_url_template: `https://${b.code}.example/welcome?click_id={click_id}&s1={sub1}`,
          fallback_url: `https://${b.code}.example/`,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await appendAudit(
        trx,
        actor,
        { action: 'brand.created', entityType: 'brand', entityId: id, after: { ...b } },
        now,
      );
    }
    const managers: string[] = [];
    const partnerLogins = new Map<string, string>();
    for (const st of STAFF) {
      const u = await createUser(
        trx,
        actor,
        { email: st.email, password: DEMO_PASSWORD, role: st.role, displayName: st.name },
        now,
      );
      if (st.role === 'partner_manager') managers.push(u.id);
      logins.push({ email: st.email, role: st.role, note: st.name });
    }
    const dayStart = Math.floor(now.getTime() / DAY) * DAY;
    for (const [i, p] of PARTNERS.entries()) {
      const id = uuidv7();
      // applicants arrived today; the others joined before the demo's history starts (their contracts date from it)
      const createdAt = ['applied', 'in_review'].includes(p.status)
        ? now
        : new Date(dayStart - (DEMO_HISTORY_DAYS + 20 - 2 * i) * DAY + 9 * 3_600_000);
      await trx
        .insertInto('partners')
        .values({
          id,
          display_name: p.name,
          email: p.email,
          country: p.country,
          status: p.status,
          segments: p.segments,
          manager_user_id: managers[p.manager] ?? null,
          created_at: createdAt,
          updated_at: createdAt,
        })
        .execute();
      await appendAudit(
        trx,
        actor,
        { action: 'partner.created', entityType: 'partner', entityId: id, after: { ...p } },
        createdAt,
      );
      if (i < 3) {
        const u = await createUser(
          trx,
          actor,
          { email: p.email, password: DEMO_PASSWORD, role: 'partner', displayName: p.name, partnerId: id },
          now,
        );
        partnerLogins.set(id, u.id);
        logins.push({ email: p.email, role: 'partner', note: `${p.name} (${p.segments.join(', ')})` });
      }
    }
    await seedDemoPartners(trx, actor, managers, now);
    await seedDemoPrograms(trx, actor, partnerLogins, now);
  });
  await seedDemoActivity(s);
  await seedDemoMoney(s);
  return logins;
}

/**
 * The partners with demo traffic join their brands and accept their contracts (through the onboarding
 * stores, audited) at the start of the demo's history, so the deals are in force for every closed period.
 */
async function seedDemoPrograms(
  trx: Transaction<Database>,
  actor: Actor,
  partnerLogins: Map<string, string>,
  now: Date,
): Promise<void> {
  const dayStart = Math.floor(now.getTime() / DAY) * DAY;
  const at = new Date(dayStart - DEMO_HISTORY_DAYS * DAY + 10 * 3_600_000);
  const brands = new Map(
    (await trx.selectFrom('brands').select(['id', 'code']).execute()).map((b) => [b.code, b.id]),
  );
  for (const [name, programs] of Object.entries(PROGRAMS)) {
    const partner = await trx
      .selectFrom('partners')
      .selectAll()
      .where('display_name', '=', name)
      .executeTakeFirstOrThrow();
    for (const prog of programs) {
      const brandId = brands.get(prog.brand)!;
      await joinBrand(trx, actor, partner.id, brandId, null, at);
      const c = await issueContract(
        trx,
        actor,
        partner,
        { brandId, segments: prog.segments, effectiveFrom: at.toISOString().slice(0, 10), reason: 'demo' },
        at,
      );
      await acceptContract(
        trx,
        actor,
        partner,
        c,
        {
          userId: partnerLogins.get(partner.id) ?? null,
          ip: '192.0.2.20',
          userAgent: 'demo',
          sha256: c.rendered_sha256,
        },
        at,
      );
    }
  }
}

/** Prints the demo logins for `start --demo` and `seed demo`. */
export function printLogins(logins: DemoLogin[]): void {
  console.log(`\nDemo logins (password for all: ${DEMO_PASSWORD})`);
  for (const l of logins) console.log(`  ${l.role.padEnd(16)} ${l.email.padEnd(34)} ${l.note}`);
  console.log('');
}
