import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isbot } from 'isbot';
import type { Config } from '../platform/config.js';
import type { Services } from '../platform/services.js';
import { BoundedMemo } from './bounded-memo.js';
import { ClickBuffer } from './click-buffer.js';
import { newClickId } from './click-ids.js';
import { LinkCache, type ResolvedCode } from './link-cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    tracking: { cache: LinkCache; buffer: ClickBuffer };
  }
}

export const VISITOR_COOKIE = 'consort_vid';
export const CLICK_COOKIE = 'consort_click';
const VISITOR_MAX_AGE = 365 * 86_400;
const CLICK_MAX_AGE = 30 * 86_400;
const VISITOR_RE = /^[A-Za-z0-9_-]{8,64}$/;
const COOKIE_ATTRS = '; Path=/; HttpOnly; SameSite=Lax';
const CLICK_COOKIE_PREFIX = `${CLICK_COOKIE}=`;
const CLICK_COOKIE_SUFFIX = `; Max-Age=${CLICK_MAX_AGE}${COOKIE_ATTRS}`;
const VISITOR_COOKIE_PREFIX = `${VISITOR_COOKIE}=`;
const VISITOR_COOKIE_SUFFIX = `; Max-Age=${VISITOR_MAX_AGE}${COOKIE_ATTRS}`;

type Subs = [string | null, string | null, string | null, string | null, string | null];
type RedirectRequest = FastifyRequest<{ Params: { code: string }; Querystring: Record<string, unknown> }>;

function short(v: unknown, max: number): string | null {
  if (typeof v !== 'string' || v === '') return null;
  return v.length > max ? v.slice(0, max) : v;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const i = header.indexOf(`${name}=`);
  if (i < 0 || (i > 0 && header[i - 1] !== ' ' && header[i - 1] !== ';')) return undefined;
  const start = i + name.length + 1;
  const end = header.indexOf(';', start);
  return header.slice(start, end < 0 ? undefined : end);
}

/**
 * `GET /r/:code` — the click redirect (outside /api/v1, public). Resolves the code (link or promo code)
 * from the per-process cache, answers 302 at once and hands the click to the write-behind buffer, which
 * the app's shutdown flushes. Registered at the root of the app, outside the context of the API's hooks
 * (request ids, security headers, cookies, the auth guard): a redirect pays only for its own work.
 * The handler is synchronous unless the code is not cached yet or the buffer is full (back-pressure).
 */
export const redirectRoutes = fp(
  async (app: FastifyInstance, opts: { services: Services; config?: Config }) => {
    const s = opts.services;
    const cfg = (opts.config ?? s.config).tracking;
    const cache = new LinkCache(s.db, cfg.linkCacheTtlSeconds * 1000);
    const buffer = new ClickBuffer(
      s.db,
      s.logger,
      { max: cfg.clickBufferMax, flushMs: cfg.clickFlushMs },
      s.database.connect,
    );
    app.decorate('tracking', { cache, buffer });
    app.addHook('onClose', async () => {
      await buffer.close();
      cache.close();
    });

    // per-process bounded memos: user agents and addresses repeat; the HMACs and the bot patterns are the
    // costly part of a click. Addresses are stored only as keyed hashes (HMAC-SHA256 with the configured salt).
    const hash = new BoundedMemo((text: string) =>
      createHmac('sha256', cfg.ipHashSalt).update(text).digest('base64url').slice(0, 22),
    );
    const botCheck = new BoundedMemo((ua: string) => isbot(ua));
    const countryHeader = cfg.countryHeader;

    function handle(req: RedirectRequest, reply: FastifyReply): undefined | Promise<void> {
      const got = cache.get(req.params.code);
      if (got instanceof Promise) return got.then((resolved) => respond(req, reply, resolved));
      return respond(req, reply, got);
    }

    function respond(
      req: RedirectRequest,
      reply: FastifyReply,
      resolved: ResolvedCode | null,
    ): undefined | Promise<void> {
      const now = s.clock();
      if (!resolved) {
        buffer.countMiss(now, req.params.code, 'unknown');
        if (!cfg.unknownCodeUrl) reply.code(404).type('text/plain').send('Unknown link');
        else reply.redirect(cfg.unknownCodeUrl, 302);
        return undefined;
      }
      if (resolved.status !== 'active' || resolved.partnerStatus !== 'active') {
        buffer.countMiss(now, resolved.code, resolved.status !== 'active' ? 'paused' : 'partner_inactive');
        reply.redirect(resolved.fallbackUrl, 302);
        return undefined;
      }
      const q = req.query;
      const d = resolved.subDefaults;
      const subs: Subs = [
        short(q.sub1, 200) ?? d.sub1 ?? null,
        short(q.sub2, 200) ?? d.sub2 ?? null,
        short(q.sub3, 200) ?? d.sub3 ?? null,
        short(q.sub4, 200) ?? d.sub4 ?? null,
        short(q.sub5, 200) ?? d.sub5 ?? null,
      ];
      const headers = req.headers;
      const ua = short(headers['user-agent'], 512);
      const ip = req.ip;
      const ipHash = hash.get(ip);
      let visitor = readCookie(headers.cookie, VISITOR_COOKIE);
      const newVisitor = !visitor || !VISITOR_RE.test(visitor);
      if (newVisitor) visitor = hash.get(`${ip}|${ua ?? ''}`);
      const clickId = newClickId();
      const country = short(headers[countryHeader], 2)?.toUpperCase() ?? null;
      const pending = buffer.push({
        id: clickId,
        clickedAt: now,
        linkId: resolved.kind === 'link' ? resolved.id : null,
        promoCodeId: resolved.kind === 'code' ? resolved.id : null,
        partnerId: resolved.partnerId,
        segment: resolved.segment,
        brandId: resolved.brandId,
        ipHash,
        visitorId: visitor!,
        userAgent: ua,
        referer: short(headers.referer, 1000),
        country,
        subs,
        isBot: ua ? botCheck.get(ua) : false,
      });
      const clickCookie = CLICK_COOKIE_PREFIX + clickId + CLICK_COOKIE_SUFFIX;
      reply
        .header(
          'set-cookie',
          newVisitor ? [clickCookie, VISITOR_COOKIE_PREFIX + visitor + VISITOR_COOKIE_SUFFIX] : clickCookie,
        )
        .header('cache-control', 'no-store');
      const location = resolved.landing({
        click_id: clickId,
        sub1: subs[0],
        sub2: subs[1],
        sub3: subs[2],
        sub4: subs[3],
        sub5: subs[4],
        code: resolved.kind === 'code' ? resolved.code : null,
      });
      // back-pressure: the answer waits until the writer has made room for this click
      if (pending) return pending.then(() => void reply.redirect(location, 302));
      reply.redirect(location, 302);
      return undefined;
    }

    app.get(
      '/r/:code',
      {
        schema: {
          tags: ['tracking'],
          summary: 'Click redirect: records the click and answers 302 to the landing page',
          description:
            'Query: sub1…sub5 (override the link defaults). Unknown codes: the configured fallback or 404; paused links and inactive partners: the brand fallback URL. Sets the first-party cookies consort_click and consort_vid.',
        },
      } as never,
      handle as never,
    );
  },
);
