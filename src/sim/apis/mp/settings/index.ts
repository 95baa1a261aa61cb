/**
 * Family "mp/settings" ("OA and MP APIs" §5): basic info with the change quotas, nickname (check, set, a manual audit
 * decided by /__sim/nickname-audit and pushed as wxa_nickname_audit), avatar, intro, the category tree and the set
 * categories (those needing certificates audited, decided by /__sim/category-audit, pushed as wxa_category_audit;
 * approved ones feed get_category), server and webview domains against the platform's lists
 * (/__sim/platform-domains), testers, privacy settings with the undeclared APIs of the committed code, visit status,
 * and the privacy-guide file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { domainProblem, nicknameWidth, PRIVACY_KEYS, SERVER_DOMAIN_TYPES, SETTINGS_LIMITS, wechatIdProblem } from '../../../../shared/mp/settings';
import * as spec from '../../../../wechat/endpoints/mp-settings';
import { userOpenid } from '../../../accounts';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { need, ok, route, type Route } from '../../../kernel/routes';
import { acceptUpload } from '../../../kernel/uploads';
import type { PushRecord } from '../../../pushes/delivery';
import type { MediaApis } from '../../media';
import type { SimFamily } from '../../family';
import { declaredPrivacy } from './privacy';
import { CATEGORY_TREE } from './tree';
import { TEMPLATE_PRIVACY_APIS, type MpSettingsState, type MpStore, type SetCategoryRec } from '../state';

const cat = (id: number) => CATEGORY_TREE.find((c) => c.id === id);

/** Simulator settings: the platform's configured domains, testers per mini program, words that send a name to manual audit. */
export interface MpSettingsConfig {
  serverDomains: string[];
  webviewDomains: string[];
  testerLimit: number;
  categoryLimit: number;
  /** Category changes a month (getcategory limit). */
  categoryChangesPerMonth: number;
  manualAuditWords: string[];
}
const defaultConfig = (): MpSettingsConfig => ({
  serverDomains: ['wxopen-demo.com'],
  webviewDomains: ['wxopen-demo.com'],
  testerLimit: SETTINGS_LIMITS.testers,
  categoryLimit: 5,
  categoryChangesPerMonth: 50,
  manualAuditWords: ['官方', '旗舰'],
});

export const NICKNAME_QUOTA_PER_YEAR = 2;
export const HEAD_QUOTA_PER_MONTH = 5;
export const SIGNATURE_QUOTA_PER_MONTH = 5;

/** A host equal to, or a subdomain of, one of these. */
const under = (host: string, list: readonly string[]) => list.some((d) => host === d || host.endsWith(`.${d}`));
const hostOf = (domain: string) => domain.replace(/^[a-z]+:\/\//, '');

export class SettingsApis implements SimFamily {
  private readonly states = new Map<string, MpSettingsState>();
  config = defaultConfig();

  constructor(
    private readonly k: SimKernel,
    private readonly mp: MpStore,
    private readonly media: MediaApis,
  ) {}

  /** Mini programs first seen from now on start with their privacy settings declared (setPrivacyDeclared). */
  private privacyDeclaredByDefault = false;

  reset(): void {
    this.states.clear();
    this.privacyDeclaredByDefault = false;
  }

  /**
   * Declares (or clears) the privacy settings of one mini program, or, without an appid, of the mini programs first
   * seen from now on (a demo or a large test where every account should be ready for an audit).
   */
  setPrivacyDeclared(appid: string | null, declared: boolean): void {
    if (appid === null) {
      this.privacyDeclaredByDefault = declared;
      return;
    }
    const s = this.mine(appid);
    s.privacy = declared ? { 1: declaredPrivacy(this.k.clock.nowS()), 2: declaredPrivacy(this.k.clock.nowS()) } : { 1: null, 2: null };
  }

  /** A mini program's settings (its categories start from the approved ones of mp/state, which get_category lists). */
  of(appid: string): MpSettingsState {
    let s = this.states.get(appid);
    if (!s) {
      const p = this.k.state.profile(appid);
      s = {
        nickname: p?.nickName ?? '',
        signature: p?.signature ?? '',
        headImageUrl: p?.headImg ?? '',
        headCrop: null,
        nicknameUsed: { period: '', count: 0 },
        headUsed: { period: '', count: 0 },
        signatureUsed: { period: '', count: 0 },
        nicknameAudits: [],
        categories: this.mp.of(appid).categories.map((c) => ({ first: c.first_id, second: c.second_id, auditStatus: 3, auditReason: '', certicates: [] })),
        categoryChanges: { period: '', count: 0 },
        domains: Object.fromEntries(SERVER_DOMAIN_TYPES.map((t) => [t, []])),
        webview: [],
        testers: new Map(),
        privacy: this.privacyDeclaredByDefault && p?.kind === 'mp' ? { 1: declaredPrivacy(this.k.clock.nowS()), 2: declaredPrivacy(this.k.clock.nowS()) } : { 1: null, 2: null },
        visitStatus: 1,
        confirmFile: null,
      };
      this.states.set(appid, s);
    }
    return s;
  }

  private mine(appid: string): MpSettingsState {
    this.k.state.requireKind(appid, 'mp');
    return this.of(appid);
  }

  /** The count of this period (month "2026-12" or year "2026"), started again when the period changes. */
  private used(u: { period: string; count: number }, period: string): { period: string; count: number } {
    if (u.period !== period) Object.assign(u, { period, count: 0 });
    return u;
  }
  private month = () => this.k.clock.dayKey().slice(0, 7);
  private year = () => this.k.clock.dayKey().slice(0, 4);

  /** Copies the approved categories to mp/state, where get_category (submit_audit's item_list) reads them. */
  private syncApproved(appid: string, s: MpSettingsState): void {
    this.mp.of(appid).categories = s.categories
      .filter((c) => c.auditStatus === 3)
      .map((c) => ({ first_class: cat(c.first)?.name ?? String(c.first), second_class: cat(c.second)?.name ?? String(c.second), first_id: c.first, second_id: c.second }));
  }

  /** 85029-85035 (the simulator's triggers are in src/sim/README.md); null when the name may be set. */
  private nicknameError(appid: string, name: string): ApiError | null {
    const w = nicknameWidth(name);
    if (w < SETTINGS_LIMITS.nicknameMin || w > SETTINGS_LIMITS.nicknameMax) return new ApiError(85030, `名称长度不符合规则（4-30 个字符，中文算 2 个）: width ${w}`);
    if (name.includes('小程序') || name.includes('违禁')) return new ApiError(85031, '名称不合规 nickname is forbidden');
    if (name.includes('投诉')) return new ApiError(85032, '名称被投诉 nickname has been complained about');
    if (!/^[\p{L}\p{N} +\-_·]+$/u.test(name)) return new ApiError(85033, '名称包含违规字符 nickname has illegal characters');
    if (/腾讯|tencent/i.test(name)) return new ApiError(85034, '名称被保护 nickname is a protected trademark');
    if (name.includes('微信')) return new ApiError(85035, '名称与保护名称相同 nickname is protected');
    const taken = this.k.state.authorizedOrder.some((id) => id !== appid && this.k.state.profile(id)?.nickName === name) || [...this.states].some(([id, st]) => id !== appid && st.nickname === name);
    if (taken) return new ApiError(85029, '名称已被占用 nickname already used');
    return null;
  }

  private needsManualAudit(name: string): boolean {
    return this.config.manualAuditWords.some((w) => name.includes(w));
  }

  routes(): Route[] {
    const { k } = this;
    return [
      route(spec.uploadPrivacyExtFile, (ctx) => {
        k.state.requireKind(ctx.principal.appid, 'mp');
        acceptUpload(spec.uploadPrivacyExtFile.upload!, ctx);
        // The documented sample id is a long decimal number in a string.
        return ok({ ext_file_media_id: String(2_112_311_471_891_169_280n + BigInt(++k.counter)) });
      }),

      route(spec.getAccountBasicInfo, ({ principal }) => {
        const s = this.mine(principal.appid);
        const p = k.state.profile(principal.appid)!;
        const q = (u: { period: string; count: number }, period: string, quota: number) => ({ modify_used_count: this.used(u, period).count, modify_quota: quota });
        return ok({
          appid: p.appid,
          account_type: 2,
          principal_type: 1,
          principal_name: p.principalName,
          realname_status: 1,
          wx_verify_info: { qualification_verify: p.verifyType === 0, naming_verify: p.verifyType === 0, annual_review: false },
          signature_info: { signature: s.signature, ...q(s.signatureUsed, this.month(), SIGNATURE_QUOTA_PER_MONTH) },
          head_image_info: { head_image_url: s.headImageUrl, ...q(s.headUsed, this.month(), HEAD_QUOTA_PER_MONTH) },
          nickname_info: { nickname: s.nickname, ...q(s.nicknameUsed, this.year(), NICKNAME_QUOTA_PER_YEAR) },
          registered_country: 1017,
          credential: '91440300MA5XXXXXXX',
          customer_type: 1,
        });
      }),
      route(spec.checkNickname, ({ body, principal }) => {
        this.mine(principal.appid);
        const name = need(body, 'nick_name');
        const err = this.nicknameError(principal.appid, name);
        if (err) throw err;
        const hit = this.needsManualAudit(name);
        return ok({ hit_condition: hit, wording: hit ? '名称命中关键词，设置时需提交证明材料并人工审核 (the name needs proof and a manual audit)' : '' });
      }),
      route(spec.setNickname, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const name = need(body, 'nick_name');
        const err = this.nicknameError(principal.appid, name);
        if (err) throw err;
        if (s.nicknameAudits.some((a) => a.stat === 1)) throw new ApiError(85029, '名称审核中 a nickname audit is already in progress');
        const u = this.used(s.nicknameUsed, this.year());
        if (u.count >= NICKNAME_QUOTA_PER_YEAR) throw new ApiError(85049, `改名次数已用完 nickname changes used: ${u.count} of ${NICKNAME_QUOTA_PER_YEAR} this year`);
        if (name === s.nickname) throw new ApiError(85029, '名称未改变 nickname unchanged');
        u.count++;
        if (this.needsManualAudit(name)) {
          const auditId = 8_000_000 + ++k.counter;
          s.nicknameAudits.push({ auditId, nickname: name, stat: 1, reason: '', createTime: k.clock.nowS(), auditTime: 0 });
          return ok({ wording: '名称需要人工审核，结果将推送 wxa_nickname_audit', audit_id: auditId });
        }
        s.nickname = name;
        return ok({ wording: '' });
      }),
      route(spec.queryNickname, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const id = Number(need(body, 'audit_id'));
        const a = s.nicknameAudits.find((x) => x.auditId === id);
        if (!a) throw new ApiError(40097, `invalid args: audit_id ${id} not found`);
        return ok({ nickname: a.nickname, audit_stat: a.stat, fail_reason: a.reason, create_time: a.createTime, audit_time: a.auditTime });
      }),
      route(spec.modifyHeadImage, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const mediaId = need(body, 'head_img_media_id');
        const m = this.media.find(principal.appid, mediaId);
        if (!m || m.type !== 'image') throw new ApiError(40007, `invalid media_id: ${mediaId} is not a live image this account uploaded (media/upload type=image)`);
        const box = { x1: Number(body.x1), y1: Number(body.y1), x2: Number(body.x2), y2: Number(body.y2) };
        if (!(box.x1 >= 0 && box.x1 < box.x2 && box.x2 <= 1 && box.y1 >= 0 && box.y1 < box.y2 && box.y2 <= 1)) throw new ApiError(40097, 'invalid args: crop box must be 0 <= x1 < x2 <= 1, 0 <= y1 < y2 <= 1');
        const u = this.used(s.headUsed, this.month());
        if (u.count >= HEAD_QUOTA_PER_MONTH) throw new ApiError(85049, `头像修改次数已用完 head image changes used: ${u.count} of ${HEAD_QUOTA_PER_MONTH} this month`);
        u.count++;
        // WeChat's CDN path, served by the simulator itself like the seeded avatars.
        s.headImageUrl = k.state.localImages({ ...k.state.profile(principal.appid)!, headImg: `http://wx.qlogo.cn/mmopen/${m.sha256.slice(0, 40)}/0` }).headImg;
        s.headCrop = box;
        return ok();
      }),
      route(spec.modifySignature, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const signature = need(body, 'signature');
        const n = [...signature].length;
        if (n < SETTINGS_LIMITS.signatureMin || n > SETTINGS_LIMITS.signatureMax || /违禁|投诉/.test(signature)) throw new ApiError(85036, `简介不合规 signature is illegal (${n} characters; 4-120, no forbidden words)`);
        const u = this.used(s.signatureUsed, this.month());
        if (u.count >= SIGNATURE_QUOTA_PER_MONTH) throw new ApiError(85049, `简介修改次数已用完 signature changes used: ${u.count} of ${SIGNATURE_QUOTA_PER_MONTH} this month`);
        u.count++;
        s.signature = signature;
        return ok();
      }),

      route(spec.getAllCategories, ({ principal }) => {
        this.mine(principal.appid);
        const categories = CATEGORY_TREE.map((c) => ({
          id: c.id, name: c.name, level: c.father === 0 ? 1 : 2, father: c.father,
          children: CATEGORY_TREE.filter((x) => x.father === c.id).map((x) => x.id),
          sensitive_type: c.certs.length ? 1 : 0,
          qualify: { exter_list: c.certs.length ? [{ inner_list: c.certs.map((name) => ({ name })) }] : [] },
        }));
        // As WeChat lists it: first a root with the level-1 ids, and no name, level or father.
        return ok({ categories_list: { categories: [{ id: 0, children: CATEGORY_TREE.filter((x) => x.father === 0).map((x) => x.id), qualify: { exter_list: [] } }, ...categories] } });
      }),
      route(spec.getSetCategories, ({ principal }) => {
        const s = this.mine(principal.appid);
        const used = this.used(s.categoryChanges, this.month());
        return ok({
          categories: s.categories.map((c) => ({ first: c.first, first_name: cat(c.first)?.name ?? '', second: c.second, second_name: cat(c.second)?.name ?? '', audit_status: c.auditStatus, audit_reason: c.auditReason })),
          limit: this.config.categoryChangesPerMonth,
          quota: Math.max(0, this.config.categoryChangesPerMonth - used.count),
          category_limit: this.config.categoryLimit,
        });
      }),
      route(spec.addCategory, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const list = body.categories;
        if (!Array.isArray(list) || list.length === 0) throw new ApiError(47001, 'data format error: categories missing');
        const adds: SetCategoryRec[] = [];
        for (const [i, raw] of list.entries()) {
          const c = raw as { first?: unknown; second?: unknown; certicates?: unknown };
          const second = cat(Number(c.second));
          if (!cat(Number(c.first)) || !second || second.father !== Number(c.first)) throw new ApiError(85077, `categories[${i}]: ${c.first}/${c.second} is not a category of getallcategories`);
          if (s.categories.some((x) => x.first === Number(c.first) && x.second === Number(c.second)) || adds.some((x) => x.second === second.id)) {
            throw new ApiError(47001, `data format error: categories[${i}] ${c.first}/${c.second} is already set`);
          }
          const certs = Array.isArray(c.certicates) ? (c.certicates as { key: string; value: string }[]) : [];
          const missing = second.certs.filter((key) => !certs.some((x) => x && x.key === key && typeof x.value === 'string' && x.value));
          if (missing.length) throw new ApiError(47001, `data format error: categories[${i}] ${second.name} needs certicates ${missing.join(', ')}`);
          adds.push({ first: Number(c.first), second: second.id, auditStatus: second.certs.length ? 1 : 3, auditReason: '', certicates: certs });
        }
        if (s.categories.length + adds.length > this.config.categoryLimit) throw new ApiError(47001, `data format error: at most ${this.config.categoryLimit} categories (category_limit)`);
        const used = this.used(s.categoryChanges, this.month());
        if (used.count >= this.config.categoryChangesPerMonth) throw new ApiError(47001, `data format error: no category changes left this month (quota 0 of ${this.config.categoryChangesPerMonth})`);
        used.count++;
        s.categories.push(...adds);
        this.syncApproved(principal.appid, s);
        return ok();
      }),
      route(spec.deleteCategory, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const first = Number(need(body, 'first'));
        const second = Number(need(body, 'second'));
        const i = s.categories.findIndex((c) => c.first === first && c.second === second);
        if (i < 0) throw new ApiError(47001, `data format error: category ${first}/${second} is not set`);
        s.categories.splice(i, 1);
        this.syncApproved(principal.appid, s);
        return ok();
      }),
      route(spec.modifyCategory, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const first = Number(need(body, 'first'));
        const second = Number(need(body, 'second'));
        const c = s.categories.find((x) => x.first === first && x.second === second);
        if (!c) throw new ApiError(47001, `data format error: category ${first}/${second} is not set`);
        const certs = Array.isArray(body.certicates) ? (body.certicates as { key: string; value: string }[]) : [];
        const missing = (cat(second)?.certs ?? []).filter((key) => !certs.some((x) => x && x.key === key && x.value));
        if (missing.length) throw new ApiError(47001, `data format error: ${cat(second)?.name} needs certicates ${missing.join(', ')}`);
        Object.assign(c, { certicates: certs, auditStatus: (cat(second)?.certs.length ?? 0) > 0 ? 1 : 3, auditReason: '' });
        this.syncApproved(principal.appid, s);
        return ok();
      }),

      route(spec.modifyDomain, ({ body, principal }) => {
        if (k.state.profile(principal.appid)?.kind !== 'mp') throw new ApiError(85015, '该账号不是小程序 the account is not a mini program');
        const s = this.of(principal.appid);
        const action = String(body.action);
        const lists = () => Object.fromEntries(SERVER_DOMAIN_TYPES.map((t) => [t, [...s.domains[t]!]]));
        if (action === 'get') return ok(lists());
        if (!['add', 'delete', 'set'].includes(action)) throw new ApiError(40097, 'invalid args: action must be add, delete, set or get');
        const given: Record<string, string[]> = {};
        const bad: string[] = [];
        for (const t of SERVER_DOMAIN_TYPES) {
          if (body[t] === undefined) continue;
          if (!Array.isArray(body[t])) throw new ApiError(40097, `invalid args: ${t} must be a list`);
          given[t] = body[t] as string[];
          for (const d of given[t]) if (domainProblem(t, d) || !under(hostOf(d), this.config.serverDomains)) bad.push(String(d));
        }
        if (action !== 'delete' && bad.length) throw new ApiError(85018, `域名未在第三方平台配置 not configured on the platform: ${bad.join(', ')}`);
        const next: Record<string, string[]> = {};
        let changed = false;
        for (const t of SERVER_DOMAIN_TYPES) {
          const cur = s.domains[t]!;
          const g = given[t];
          if (action === 'set') next[t] = g ? [...new Set(g)] : [];
          else if (action === 'add') next[t] = [...new Set([...cur, ...(g ?? [])])];
          else next[t] = cur.filter((d) => !(g ?? []).includes(d));
          if (next[t].length !== cur.length || next[t].some((d, i) => d !== cur[i])) changed = true;
        }
        if (!changed) throw new ApiError(85017, `没有新增域名或域名未变化 no domain to modify (${action} changes nothing)`);
        const total = Object.values(next).reduce((n, l) => n + l.length, 0);
        if (total > SETTINGS_LIMITS.serverDomainsTotal) throw new ApiError(85016, `域名数量超过限制 ${total} domains, at most ${SETTINGS_LIMITS.serverDomainsTotal}`);
        s.domains = next;
        return ok(lists());
      }),
      route(spec.setWebviewDomain, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const action = String(body.action);
        if (action === 'get') return ok({ webviewdomain: [...s.webview] });
        if (!['add', 'delete', 'set'].includes(action)) throw new ApiError(40097, 'invalid args: action must be add, delete, set or get');
        const given = Array.isArray(body.webviewdomain) ? (body.webviewdomain as string[]) : [];
        if (action !== 'delete') {
          if (this.config.webviewDomains.length === 0) throw new ApiError(89020, '第三方平台未设置业务域名 the platform has no webview domains');
          const bad = given.filter((d) => domainProblem('webviewdomain', d) || !under(hostOf(d), this.config.webviewDomains));
          if (bad.length) throw new ApiError(89021, `不是第三方平台业务域名或其子域名 not (a subdomain of) the platform's webview domains: ${bad.join(', ')}`);
        }
        const next = action === 'set' ? [...new Set(given)] : action === 'add' ? [...new Set([...s.webview, ...given])] : s.webview.filter((d) => !given.includes(d));
        if (next.length === s.webview.length && next.every((d, i) => d === s.webview[i])) throw new ApiError(89019, `业务域名无更改 webview domains unchanged (${action})`);
        if (next.length > SETTINGS_LIMITS.webviewDomains) throw new ApiError(89029, `业务域名数量超过限制 ${next.length} webview domains, at most ${SETTINGS_LIMITS.webviewDomains}`);
        s.webview = next;
        return ok({ webviewdomain: [...next] });
      }),
      route(spec.getWebviewConfirmFile, ({ principal }) => {
        const s = this.mine(principal.appid);
        s.confirmFile ??= { name: `${randomBytes(5).toString('hex')}.txt`, content: randomBytes(16).toString('hex') };
        return ok({ file_name: s.confirmFile.name, file_content: s.confirmFile.content });
      }),

      route(spec.bindTester, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const id = need(body, 'wechatid');
        if (wechatIdProblem(id) || /^(unknown|nosuch)/i.test(id)) throw new ApiError(85001, `微信号不存在或微信号设置为不可搜索 ${id}`);
        if (/^busy/i.test(id)) throw new ApiError(85003, `微信号绑定的小程序体验者达到上限 ${id}`);
        if (s.testers.has(id)) throw new ApiError(85004, `微信号已经绑定 ${id}`);
        if (s.testers.size >= this.config.testerLimit) throw new ApiError(85002, `小程序绑定的体验者数量达到上限 ${s.testers.size} of ${this.config.testerLimit}`);
        const userstr = createHash('sha256').update(`${principal.appid}|${id}`).digest('hex').slice(0, 32);
        s.testers.set(id, userstr);
        return ok({ userstr });
      }),
      route(spec.unbindTester, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        if (typeof body.userstr === 'string' && body.userstr) {
          const entry = [...s.testers].find(([, u]) => u === body.userstr);
          if (!entry) throw new ApiError(89034, `userstr 无效 invalid userstr: not a tester of this mini program`);
          s.testers.delete(entry[0]);
          return ok();
        }
        const id = need(body, 'wechatid');
        if (!s.testers.has(id)) throw new ApiError(85001, `微信号不存在或未绑定 ${id} is not a tester`);
        s.testers.delete(id);
        return ok();
      }),
      route(spec.getExperiencers, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        if (body.action !== 'get_experiencer') throw new ApiError(40097, 'invalid args: action must be get_experiencer');
        return ok({ members: [...s.testers.values()].map((userstr) => ({ userstr })) });
      }),

      route(spec.setPrivacySetting, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const problem = spec.privacyProblem(body);
        if (problem) throw new ApiError(40097, `invalid args: ${problem}`);
        const list = body.setting_list as { privacy_key: string; privacy_text: string }[];
        const unknown = list.find((x) => !PRIVACY_KEYS[x.privacy_key]);
        if (unknown) throw new ApiError(40097, `invalid args: unknown privacy_key ${unknown.privacy_key}`);
        const ver = body.privacy_ver === 1 ? 1 : 2;
        s.privacy[ver] = { ownerSetting: body.owner_setting as Record<string, unknown>, settingList: list.map((x) => ({ privacy_key: x.privacy_key, privacy_text: x.privacy_text })), updateTime: k.clock.nowS() };
        return ok();
      }),
      route(spec.getPrivacySetting, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        const ver = body.privacy_ver === 1 ? 1 : 2;
        const rec = s.privacy[ver];
        const commit = this.mp.of(principal.appid).commit;
        const codeTemplate = ver === 1 ? this.mp.of(principal.appid).live?.templateId : commit?.templateId;
        const used = codeTemplate ? (TEMPLATE_PRIVACY_APIS[codeTemplate] ?? []) : [];
        const declared = new Set(rec?.settingList.map((x) => x.privacy_key) ?? []);
        return ok({
          code_exist: codeTemplate ? 1 : 0,
          privacy_list: used.filter((key) => !declared.has(key)),
          setting_list: (rec?.settingList ?? []).map((x) => ({ ...x, privacy_label: PRIVACY_KEYS[x.privacy_key]?.zh ?? x.privacy_key })),
          update_time: rec?.updateTime ?? 0,
          owner_setting: rec?.ownerSetting ?? { notice_method: '' },
          privacy_desc: { privacy_desc_list: Object.entries(PRIVACY_KEYS).map(([privacy_key, l]) => ({ privacy_key, privacy_desc: l.zh })) },
        });
      }),

      route(spec.changeVisitStatus, ({ body, principal }) => {
        const s = this.mine(principal.appid);
        if (body.action !== 'open' && body.action !== 'close') throw new ApiError(40097, 'invalid args: action must be open or close');
        s.visitStatus = body.action === 'open' ? 1 : 0;
        return ok();
      }),
      route(spec.getVisitStatus, ({ principal }) => ok({ status: this.mine(principal.appid).visitStatus })),
    ];
  }

  // --- control (/__sim/nickname-audit, /__sim/category-audit, /__sim/platform-domains) --------------------------------

  private requireMp(appid: string): MpSettingsState {
    if (this.k.state.profile(appid)?.kind !== 'mp') throw new RangeError(`${appid} is not a known mini program`);
    return this.of(appid);
  }

  /** Decides a nickname audit in progress (the latest unless auditId) and pushes wxa_nickname_audit (ret 3 ok, 2 rejected). */
  decideNickname(appid: string, input: { result: 'approve' | 'reject'; reason?: string; auditId?: number }): Promise<PushRecord> {
    const s = this.requireMp(appid);
    const a = input.auditId === undefined ? s.nicknameAudits.findLast((x) => x.stat === 1) : s.nicknameAudits.find((x) => x.auditId === input.auditId);
    if (!a) throw new RangeError(input.auditId === undefined ? `${appid} has no nickname audit in progress (setnickname with a name that needs one first)` : `${appid} has no nickname audit ${input.auditId}`);
    if (a.stat !== 1) throw new RangeError(`nickname audit ${a.auditId} of ${appid} is already decided`);
    a.stat = input.result === 'approve' ? 3 : 2;
    a.reason = input.result === 'approve' ? '' : (input.reason ?? '名称与主体信息不符 the name does not match the entity');
    a.auditTime = this.k.clock.nowS();
    if (a.stat === 3) s.nickname = a.nickname;
    return this.event(appid, 'wxa_nickname_audit', { ret: a.stat, nickname: a.nickname, reason: a.reason });
  }

  /** Decides a category audit (status 1) and pushes wxa_category_audit (ret 3 ok, 2 rejected, first, second, reason). */
  decideCategory(appid: string, input: { first: number; second: number; result: 'approve' | 'reject'; reason?: string }): Promise<PushRecord> {
    const s = this.requireMp(appid);
    const c = s.categories.find((x) => x.first === input.first && x.second === input.second);
    if (!c) throw new RangeError(`${appid} has no category ${input.first}/${input.second} (addcategory first)`);
    if (c.auditStatus !== 1) throw new RangeError(`category ${input.first}/${input.second} of ${appid} is not in audit (status ${c.auditStatus})`);
    c.auditStatus = input.result === 'approve' ? 3 : 2;
    c.auditReason = input.result === 'approve' ? '' : (input.reason ?? '资质材料不清晰 the certificate is not legible');
    this.syncApproved(appid, s);
    return this.event(appid, 'wxa_category_audit', { ret: c.auditStatus, first: c.first, second: c.second, reason: c.auditReason });
  }

  setConfig(patch: Partial<MpSettingsConfig>): MpSettingsConfig {
    const hosts = (v: unknown, name: string) => {
      if (!Array.isArray(v) || v.some((d) => typeof d !== 'string' || !/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d))) throw new RangeError(`${name} must be a list of lower-case host names (no scheme), e.g. ["example.com"]`);
      return v as string[];
    };
    const count = (v: unknown, name: string) => {
      if (!Number.isSafeInteger(v) || (v as number) < 0) throw new RangeError(`${name} must be a whole number >= 0`);
      return v as number;
    };
    const next = { ...this.config };
    if (patch.serverDomains !== undefined) next.serverDomains = hosts(patch.serverDomains, 'serverDomains');
    if (patch.webviewDomains !== undefined) next.webviewDomains = hosts(patch.webviewDomains, 'webviewDomains');
    if (patch.testerLimit !== undefined) next.testerLimit = count(patch.testerLimit, 'testerLimit');
    if (patch.categoryLimit !== undefined) next.categoryLimit = count(patch.categoryLimit, 'categoryLimit');
    if (patch.categoryChangesPerMonth !== undefined) next.categoryChangesPerMonth = count(patch.categoryChangesPerMonth, 'categoryChangesPerMonth');
    if (patch.manualAuditWords !== undefined) {
      if (!Array.isArray(patch.manualAuditWords) || patch.manualAuditWords.some((w) => typeof w !== 'string' || !w)) throw new RangeError('manualAuditWords must be a list of non-empty strings');
      next.manualAuditWords = patch.manualAuditWords;
    }
    this.config = next;
    return next;
  }

  /** What the simulator keeps for a mini program's settings (GET /__sim/mini-program/:appid shows it). */
  snapshot(appid: string) {
    const s = this.of(appid);
    return { ...s, testers: Object.fromEntries(s.testers) };
  }

  private event(appid: string, event: string, extra: Record<string, string | number>): Promise<PushRecord> {
    return this.k.pushes.userMessage({ appid, openid: userOpenid(this.k.settings.seed, appid, 'system'), msgType: 'event', event, extra });
  }
}
