import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isbot } from 'isbot';
import { v7 as uuidv7 } from 'uuid';
import { calculateMacroUrl } from '../attribution/calculate-macros.js';
import type { Config } from '../platform/config.js';
import type { Services } from '../platform/services.js';
import { ClickBuffer } from './click-buffer.js';
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
const SUB_KEYS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
const VISITOR_RE = /^[A-Za-z0-9_-]{8,64}$/;

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
 * the app's shutdown flushes.
 */
export const redirectRoutes = fp(
  async (app: FastifyInstance, opts: { services: Services; config?: Config }) => {
    const s = opts.services;
    const cfg = (opts.config ?? s.config).tracking;
    const cache = new LinkCache(s.db, cfg.linkCacheTtlSeconds * 1000);
    const buffer = new ClickBuffer(s.db, s.logger, { max: cfg.clickBufferMax, flushMs: cfg.clickFlushMs });
    app.decorate('tracking', { cache, buffer });
    app.addHook('onClose', async () => {
      await buffer.close();
      cache.close();
    });

    // per-process memo tables: user agents and addresses repeat; the HMACs and the bot regex are the hot path
    const memo = <V>(fn: (k: string) => V) => {
      const m = new Map<string, V>();
      return (k: string): V => {
        let v = m.get(k);
        if (v === undefined) {
          v = fn(k);
          if (m.size >= 10_000) m.clear();
          m.set(k, v);
        }
        return v;
      };
    };
    const hash = memo((text: string) =>
      createHmac('sha256', cfg.ipHashSalt).update(text).digest('base64url').slice(0, 22),
    );
    const botCheck = memo((ua: string) => isbot(ua));

    async function handle(
      req: FastifyRequest<{ Params: { code: string }; Querystring: Record<string, unknown> }>,
      reply: FastifyReply,
    ) {
      const code = req.params.code;
      const got = cache.get(code);
      const resolved: ResolvedCode | null = got instanceof Promise ? await got : got;
      const now = s.clock();
      if (!resolved) {
        buffer.countMiss(now, code, 'unknown');
        if (!cfg.unknownCodeUrl) return reply.code(404).type('text/plain').send('Unknown link');
        return reply.redirect(cfg.unknownCodeUrl, 302);
      }
      if (resolved.status !== 'active' || resolved.partnerStatus !== 'active') {
        buffer.countMiss(now, resolved.code, resolved.status !== 'active' ? 'paused' : 'partner_inactive');
        return reply.redirect(resolved.fallbackUrl, 302);
      }
      const q = req.query;
      const subs = SUB_KEYS.map((k) => short(q[k], 200) ?? resolved.subDefaults[k] ?? null) as [
        string | null,
        string | null,
        string | null,
        string | null,
        string | null,
      ];
      const ua = short(req.headers['user-agent'], 512);
      const cookies = req.headers.cookie;
      let visitor = readCookie(cookies, VISITOR_COOKIE);
      const newVisitor = !visitor || !VISITOR_RE.test(visitor);
      if (newVisitor) visitor = hash(`${req.ip}|${ua ?? ''}`);
      const clickId = uuidv7();
      const country = short(req.headers[cfg.countryHeader], 2)?.toUpperCase() ?? null;
      const pending = buffer.push({
        id: clickId,
        clickedAt: now,
        linkId: resolved.kind === 'link' ? resolved.id : null,
        promoCodeId: resolved.kind === 'code' ? resolved.id : null,
        partnerId: resolved.partnerId,
        segment: resolved.segment,
        brandId: resolved.brandId,
        ipHash: hash(req.ip),
        visitorId: visitor!,
        userAgent: ua,
        referer: short(req.headers.referer, 1000),
        country,
        subs,
        isBot: ua ? botCheck(ua) : false,
      });
      if (pending) await pending;
      const cookieOut = [
        `${CLICK_COOKIE}=${clickId}; Max-Age=${CLICK_MAX_AGE}; Path=/; HttpOnly; SameSite=Lax`,
      ];
      if (newVisitor)
        cookieOut.push(
          `${VISITOR_COOKIE}=${visitor}; Max-Age=${VISITOR_MAX_AGE}; Path=/; HttpOnly; SameSite=Lax`,
        );
      const location = calculateMacroUrl(resolved.landingTemplate, {
        click_id: clickId,
        sub1: subs[0],
        sub2: subs[1],
        sub3: subs[2],
        sub4: subs[3],
        sub5: subs[4],
        code: resolved.kind === 'code' ? resolved.code : null,
      });
      return reply
        .header('set-cookie', cookieOut)
        .header('cache-control', 'no-store')
        .redirect(location, 302);
    }

    app.get(
      '/r/:code',
      {
        helmet: false,
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
