/**
 * Family "oa/template" ("OA and MP APIs" §2): industries (one change a month: 43100), private templates added from a
 * small library by short id (25 at most: 45026; a template outside the account's industries: 45027), sending one
 * (40037 unknown template, 40003 bad openid), each send recorded and followed by a TEMPLATESENDJOBFINISH push
 * (status "success", or what setFinishStatus gave the openid: "failed:user block", "failed:system failed").
 * Changing the industry deletes the templates of the industries left (the current doc of api_set_industry).
 */
import * as spec from '../../../../wechat/endpoints/oa-template';
import { ApiError } from '../../../kernel/errors';
import type { SimKernel } from '../../../kernel/kernel';
import { need, ok, route, type Route } from '../../../kernel/routes';
import type { TemplateMessageRecord } from '../../../types';
import type { SimFamily } from '../../family';
import { INDUSTRIES as SHARED_INDUSTRIES } from '../../../../shared/oa/templates';

const MAX_RECORDS = 10_000;
const MAX_TEMPLATES = 25;
const INDUSTRY_CHANGE_MS = 30 * 86_400_000;

/** Industry code → [first class, second class]: WeChat's whole table (src/shared/oa/templates.ts). */
export const INDUSTRIES: Record<string, [string, string]> = Object.fromEntries(SHARED_INDUSTRIES.map((i) => [i.id, [i.first, i.second]]));

/** The template library by short id: title, industry id, content with its {{field.DATA}} slots, an example. */
export const TEMPLATE_LIBRARY: Record<string, { title: string; industry: string; content: string; example: string }> = {
  TM00015: {
    title: '订单支付成功',
    industry: '1',
    content: '{{first.DATA}}\n支付金额：{{orderMoneySum.DATA}}\n商品信息：{{orderProductName.DATA}}\n{{Remark.DATA}}',
    example: '我们已收到您的货款，开始为您打包商品，请耐心等待: )\n支付金额：30.00元\n商品信息：我是商品名字\n如有问题请致电400-828-1878联系我们。',
  },
  OPENTM207498902: {
    title: '订单发货提醒',
    industry: '1',
    content: '{{first.DATA}}\n订单号：{{keyword1.DATA}}\n快递公司：{{keyword2.DATA}}\n快递单号：{{keyword3.DATA}}\n{{remark.DATA}}',
    example: '您的订单已发货\n订单号：1234567\n快递公司：顺丰\n快递单号：SF1234567\n感谢您的惠顾',
  },
  OPENTM200605630: {
    title: '任务处理通知',
    industry: '2',
    content: '{{first.DATA}}\n任务名称：{{keyword1.DATA}}\n通知类型：{{keyword2.DATA}}\n{{remark.DATA}}',
    example: '您有新的任务\n任务名称：审批\n通知类型：待办\n请尽快处理',
  },
  OPENTM401833445: {
    title: '预订成功通知',
    industry: '11',
    content: '{{first.DATA}}\n酒店名称：{{keyword1.DATA}}\n入住日期：{{keyword2.DATA}}\n{{remark.DATA}}',
    example: '您已预订成功\n酒店名称：某某酒店\n入住日期：2026-12-01\n欢迎入住',
  },
};

interface AccountTemplates {
  industries: [string, string] | null;
  industryChangedAt: number | null;
  templates: (spec.PrivateTemplate & { short: string })[];
}

export class TemplateApis implements SimFamily {
  sent: TemplateMessageRecord[] = [];
  /** The job-finish status a send to this openid gets (default success). */
  readonly finishStatus = new Map<string, string>();
  private readonly accounts = new Map<string, AccountTemplates>();
  private nextId = 0;

  constructor(private readonly k: SimKernel) {}

  reset(): void {
    this.sent = [];
    this.accounts.clear();
    this.finishStatus.clear();
  }

  private account(appid: string): AccountTemplates {
    this.k.state.requireKind(appid, 'oa');
    let a = this.accounts.get(appid);
    if (!a) this.accounts.set(appid, (a = { industries: null, industryChangedAt: null, templates: [] }));
    return a;
  }

  routes(): Route[] {
    const { k } = this;
    return [
      route(spec.setIndustry, ({ body, principal }) => {
        const a = this.account(principal.appid);
        const ids: [string, string] = [String(body.industry_id1 ?? ''), String(body.industry_id2 ?? '')];
        if (!INDUSTRIES[ids[0]] || !INDUSTRIES[ids[1]]) throw new ApiError(40102, 'invalid industry id');
        const same = a.industries && a.industries[0] === ids[0] && a.industries[1] === ids[1];
        if (!same && a.industryChangedAt !== null && k.clock.now() - a.industryChangedAt < INDUSTRY_CHANGE_MS) throw new ApiError(43100);
        if (!same) {
          a.industryChangedAt = k.clock.now();
          a.templates = a.templates.filter((t) => ids.includes(TEMPLATE_LIBRARY[t.short]?.industry ?? ''));
        }
        a.industries = ids;
        return ok();
      }),
      route(spec.getIndustry, ({ principal }) => {
        const a = this.account(principal.appid);
        const cls = (id: string | undefined) => {
          const c = id ? INDUSTRIES[id] : undefined;
          return { first_class: c?.[0] ?? '', second_class: c?.[1] ?? '' };
        };
        return { primary_industry: cls(a.industries?.[0]), secondary_industry: cls(a.industries?.[1]) };
      }),
      route(spec.addTemplate, ({ body, principal }) => {
        const a = this.account(principal.appid);
        const short = need(body, 'template_id_short');
        const lib = TEMPLATE_LIBRARY[short];
        if (!lib) throw new ApiError(40037, `invalid template_id_short ${short}`);
        if (!a.industries || !a.industries.includes(lib.industry)) throw new ApiError(45027);
        if (a.templates.length >= MAX_TEMPLATES) throw new ApiError(45026);
        const [first, second] = INDUSTRIES[lib.industry]!;
        const template_id = `tpl_${principal.appid.slice(2, 8)}_${(++this.nextId).toString(36).padStart(6, '0')}${'x'.repeat(24)}`.slice(0, 43);
        a.templates.push({ template_id, short, title: lib.title, primary_industry: first, deputy_industry: second, content: lib.content, example: lib.example });
        return { errcode: 0, errmsg: 'ok', template_id };
      }),
      route(spec.getAllPrivateTemplates, ({ principal }) => ({
        template_list: this.account(principal.appid).templates.map(({ short: _short, ...t }) => t),
      })),
      route(spec.deletePrivateTemplate, ({ body, principal }) => {
        const a = this.account(principal.appid);
        const id = need(body, 'template_id');
        const i = a.templates.findIndex((t) => t.template_id === id);
        if (i < 0) throw new ApiError(40037);
        a.templates.splice(i, 1);
        return ok();
      }),
      route(spec.sendTemplateMessage, ({ body, principal }) => {
        const a = this.account(principal.appid);
        const touser = need(body, 'touser');
        if (!/^[A-Za-z0-9_-]{20,64}$/.test(touser)) throw new ApiError(40003);
        const tpl = a.templates.find((t) => t.template_id === body.template_id);
        if (!tpl) throw new ApiError(40037);
        if (!body.data || typeof body.data !== 'object' || Array.isArray(body.data)) throw new ApiError(47001, 'data format error: data must be an object');
        const msgid = 2_000_000_000 + ++k.counter;
        const record: TemplateMessageRecord = { at: k.clock.now(), appid: principal.appid, touser, templateId: tpl.template_id, msgid, body, finishStatus: null };
        this.sent.push(record);
        if (this.sent.length > MAX_RECORDS) this.sent.shift();
        // Delivery is reported a moment later, as WeChat does, to the account's message URL.
        const status = this.finishStatus.get(touser) ?? 'success';
        setTimeout(() => {
          record.finishStatus = status;
          k.pushes
            .userMessage({ appid: principal.appid, openid: touser, msgType: 'event', event: 'TEMPLATESENDJOBFINISH', extra: { MsgID: msgid, Status: status } })
            .catch(() => undefined);
        }, 50).unref();
        return { errcode: 0, errmsg: 'ok', msgid };
      }),
    ];
  }
}
