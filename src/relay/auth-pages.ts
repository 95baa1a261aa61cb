/**
 * Authorization pages on the relay's domain (the registered 登录授权的发起页域名): the desk registers a link
 * (POST /desk/auth-links), the admin opens its start page (GET /authorize/:id), and WeChat sends the admin's browser
 * back to the landing page (GET /authorized), which records one auth_redirect push per link.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { HttpRefusal, escapeHtml, readBody, sendJson } from '../node/http';
import type { AuthLinkResponse } from '../shared/relay-protocol';
import type { RelayContext } from './context';
import type { Delivery } from './delivery';
import { bearerMatches } from './desk-key';
import { QueryError, parseQueryStrict } from './ingest';
import { RateLimiter, sourceAddress } from './limits';
import { page, send } from './respond';

const LINK_ID_RE = /^[A-Za-z0-9_-]{16,64}$/;

const PAGES = {
  notFound: page('链接无效 / Link not found', '<h1>链接无效</h1><p>该授权链接不存在。请在控制台重新生成。</p><p class="en">This authorization link does not exist. Create a new one in the console.</p>'),
  expired: page('链接已过期 / Link expired', '<h1>链接已过期</h1><p>请在控制台重新生成授权链接。</p><p class="en">This authorization link has expired. Create a new one in the console.</p>'),
  noCode: page('授权未完成 / Not authorized', '<h1>授权未完成</h1><p>没有收到授权码，请回到控制台重试。</p><p class="en">No authorization code arrived. Go back to the console and try again.</p>'),
  used: page('已记录 / Already recorded', '<h1>授权已记录</h1><p>此链接的授权结果已经记录过了，无需重复操作。可以关闭此页面，回到控制台查看。</p><p class="en">The authorization for this link was already recorded; nothing more to do. You can close this page and return to the console.</p>'),
  tooMany: page('请求过于频繁 / Too many requests', '<h1>请求过于频繁</h1><p>请稍等一分钟后再刷新此页面。</p><p class="en">Too many requests. Wait a minute, then reload this page.</p>'),
  done: page('授权成功 / Authorized', '<h1>授权成功</h1><p>授权已完成，可以关闭此页面，回到控制台查看。</p><p class="en">Authorization complete. You can close this page and return to the console.</p>'),
  noTicket: page('确认未完成 / Not confirmed', '<h1>注册确认未完成</h1><p>没有收到注册 ticket，请回到控制台重新生成注册链接。</p><p class="en">No registration ticket arrived. Go back to the console and create a new registration link.</p>'),
  registered: page('已确认 / Confirmed', '<h1>已确认注册小程序</h1><p>确认已送达控制台，控制台将完成注册。可以关闭此页面，回到控制台查看进度。</p><p class="en">Your confirmation reached the console, which completes the registration. You can close this page and follow the progress in the console.</p>'),
};

/** A link whose target is WeChat's fast-registration page (a mini program via an official account) lands with ?ticket=. */
const isFastRegisterLink = (url: string) => {
  try {
    return new URL(url).pathname === '/cgi-bin/fastregisterauth';
  } catch {
    return false;
  }
};

export interface AuthPages {
  handleAuthLinks(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  handleAuthorizePage(req: http.IncomingMessage, res: http.ServerResponse, path: string, id: string): void;
  handleAuthorized(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void>;
}

export function createAuthPages(ctx: RelayContext, delivery: Delivery): AuthPages {
  const { config, queue, log, refusals } = ctx;
  const authorizedLimiter = new RateLimiter(config.authorizedPerMinutePerAddress, config.authorizedPerMinute);
  /** Redirects being recorded, by link: a second one for the same link waits for the first. */
  const recordingLinks = new Map<string, Promise<unknown>>();

  async function handleAuthLinks(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!bearerMatches(req.headers['authorization'], ctx.deskKeyDigest)) return refusals.refuseDeskKey(req, res, '/desk/auth-links');
    // The desk's own mistakes: a JSON error saying what to send, not a public refusal.
    const fail = (status: number, error: string) => sendJson(res, status, { error });
    let parsed: unknown;
    try {
      parsed = JSON.parse((await readBody(req, 16 * 1024, Date.now() + config.bodyTimeoutMs)).toString('utf8'));
    } catch (err) {
      if (err instanceof HttpRefusal) throw err;
      return fail(400, 'body must be JSON {"url": componentloginpage URL, "expiresAt": epoch ms, "id"?: link id}');
    }
    const { url, expiresAt, id: wantedId } = (parsed ?? {}) as { url?: unknown; expiresAt?: unknown; id?: unknown };
    let target: URL;
    try {
      if (typeof url !== 'string' || url.length > 4096) throw new Error();
      target = new URL(url);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error();
    } catch {
      return fail(400, 'url must be an http(s) URL (the componentloginpage / bindcomponent URL) of at most 4096 characters');
    }
    const now = Date.now();
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt <= now || expiresAt > now + 7 * 86_400_000) {
      return fail(400, 'expiresAt must be epoch milliseconds in the future, at most 7 days ahead');
    }
    if (wantedId !== undefined && (typeof wantedId !== 'string' || !LINK_ID_RE.test(wantedId))) {
      return fail(400, 'id must be 16 to 64 of A-Z a-z 0-9 _ - (the link id in the redirect_uri), or left out for the relay to choose one');
    }
    const id = wantedId ?? randomBytes(12).toString('base64url');
    if (!queue.addAuthLink(id, target.toString(), expiresAt)) return fail(409, `link id "${id}" is already registered; choose another id`);
    const out: AuthLinkResponse = { id, startUrl: `${ctx.publicUrl}/authorize/${id}` };
    log('info', 'auth link registered', { id });
    sendJson(res, 201, out);
  }

  function handleAuthorizePage(req: http.IncomingMessage, res: http.ServerResponse, path: string, id: string) {
    const link = LINK_ID_RE.test(id) ? queue.getAuthLink(id) : null;
    if (link === null) return refusals.reject(res, req, 404, 'unknown_link', path, undefined, PAGES.notFound);
    if (link === 'expired') return refusals.reject(res, req, 410, 'unknown_link', path, undefined, PAGES.expired);
    // A button, not a redirect: WeChat checks that the request to its page comes from this (registered) domain.
    if (isFastRegisterLink(link.url)) {
      return send(
        res,
        200,
        page(
          '复用公众号资质注册小程序 / Register a mini program',
          `<h1>复用公众号资质快速注册小程序</h1><p>点击下方按钮，由公众号管理员扫码确认，用公众号的主体资质注册一个新的小程序。</p><p class="en">Click the button; the official account's administrator scans and confirms to register a new mini program with the official account's credentials.</p><p><a class="button" href="${escapeHtml(link.url)}">前往确认 / Confirm</a></p>`,
        ),
        'text/html; charset=utf-8',
      );
    }
    send(
      res,
      200,
      page(
        '授权公众号/小程序 / Authorize',
        `<h1>授权公众号或小程序</h1><p>点击下方按钮，使用公众号或小程序管理员微信扫码授权。</p><p class="en">Click the button and scan with the administrator's WeChat to authorize your account.</p><p><a class="button" href="${escapeHtml(link.url)}">前往授权 / Authorize</a></p>`,
      ),
      'text/html; charset=utf-8',
    );
  }

  /**
   * The admin's browser after WeChat's authorization page. Anyone can call it, so: rate-limited, recorded only for a
   * registered, unexpired link and only once per link, with only the code (the desk exchanges it with WeChat).
   */
  async function handleAuthorized(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const path = url.pathname;
    if (!authorizedLimiter.take(sourceAddress(req, ctx.trustedProxies))) return refusals.reject(res, req, 429, 'rate_limited', path, undefined, PAGES.tooMany);
    let q: Record<string, string>;
    try {
      q = parseQueryStrict(url.search);
    } catch (err) {
      if (err instanceof QueryError) return refusals.reject(res, req, 400, err.reason, path, undefined, PAGES.noCode);
      throw err;
    }
    const linkId = q['link'] ?? '';
    const link = LINK_ID_RE.test(linkId) ? queue.getAuthLink(linkId) : null;
    if (link === null) return refusals.reject(res, req, 404, 'unknown_link', path, undefined, PAGES.notFound);
    if (link === 'expired') return refusals.reject(res, req, 410, 'unknown_link', path, undefined, PAGES.expired);
    const fastRegister = isFastRegisterLink(link.url);
    const authCode = q['auth_code'] ?? '';
    const ticket = q['ticket'] ?? '';
    const expiresIn = q['expires_in'] ?? '';
    if (fastRegister) {
      // Only the ticket, checked for shape; the desk (which made the link) calls account/fastregister with it.
      if (!/^[\x21-\x7e]{1,512}$/.test(ticket)) return refusals.reject(res, req, 400, ticket ? 'bad_auth_code' : 'missing_query', path, undefined, PAGES.noTicket);
    } else if (!/^[\x21-\x7e]{1,512}$/.test(authCode) || !/^\d{0,9}$/.test(expiresIn)) {
      return refusals.reject(res, req, 400, authCode ? 'bad_auth_code' : 'missing_query', path, undefined, PAGES.noCode);
    }
    // A second redirect for the same link while the first is being stored: wait for it, then look again.
    const pending = recordingLinks.get(linkId);
    if (pending) await pending.catch(() => {});
    const current = pending ? queue.getAuthLink(linkId) : link;
    if (current === null || current === 'expired' || current.usedAt !== null || recordingLinks.has(linkId)) {
      return refusals.reject(res, req, 409, 'link_used', path, undefined, PAGES.used);
    }
    const body = fastRegister
      ? JSON.stringify({ ticket, link: linkId })
      : JSON.stringify({ auth_code: authCode, expires_in: expiresIn ? Number(expiresIn) : null, link: linkId });
    const arrivedAt = Date.now();
    // One push per link, also across a crash between the commit and marking the link used.
    const inserting = queue.insert({ kind: 'auth_redirect', appid: null, query: {}, body, dedupeSource: `auth_redirect link ${linkId}`, receivedAt: arrivedAt });
    recordingLinks.set(linkId, inserting);
    let result;
    try {
      result = await inserting;
      queue.markAuthLinkUsed(linkId, arrivedAt);
    } finally {
      recordingLinks.delete(linkId);
    }
    if (result.duplicate) return refusals.reject(res, req, 409, 'link_used', path, undefined, PAGES.used);
    ctx.lastPushAt = arrivedAt;
    delivery.schedulePump();
    log('info', 'authorization redirect recorded', { seq: result.seq, link: linkId });
    send(res, 200, fastRegister ? PAGES.registered : PAGES.done, 'text/html; charset=utf-8');
  }

  return { handleAuthLinks, handleAuthorizePage, handleAuthorized };
}
