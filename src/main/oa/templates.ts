/**
 * One official account's template messages: its industries (get/set; WeChat allows a change about once a month and
 * answers 43100 otherwise), its templates with their fields read from the content, add by short id (25 at most:
 * 45026), delete, and a test send whose delivery is joined later with the TEMPLATESENDJOBFINISH push (see the inbox).
 *
 * WeChat's template list does not carry the short id a template was added from. The console records it when it adds
 * one (store.templates), and recognizes a template added elsewhere only when its title and content equal those of a
 * template it added itself (on any account of the platform); anything else is "origin unknown", never guessed.
 */
import type { AccountTemplate, IndustryClassView, IndustryView } from '../../shared/contract/templates';
import {
  industryById,
  industryIdOf,
  industryIssues,
  templateFields,
  templateSendIssues,
  SHORT_ID_RE,
  type KnownTemplate,
  type TemplateIssue,
  type TemplateSendInput,
  type TemplateSendRow,
} from '../../shared/oa/templates';
import {
  addTemplate,
  deletePrivateTemplate,
  getAllPrivateTemplates,
  getIndustry,
  sendTemplateMessage,
  setIndustry,
  type PrivateTemplate,
} from '../../wechat/endpoints/oa-template';
import { WeChatApiError } from '../api';
import type { Store } from '../store';
import type { CallAs } from './menus';

/** How long an add whose answer was lost may still be matched to the template it made. */
const STALE_ADD_MS = 86_400_000;

/** Input that breaks a rule: each rule named, in both languages (the handlers turn it into invalid_arguments). */
export class TemplateRulesError extends Error {
  override readonly name = 'TemplateRulesError';
  constructor(readonly issues: TemplateIssue[]) {
    super(`Not sent: ${issues.map((i) => `${i.path}: ${i.en}`).join('; ')}.`);
  }
  get messageZh(): string {
    return `未发送：${this.issues.map((i) => `${i.path}：${i.zh}`).join('；')}。`;
  }
}

function classView(c: { first_class?: string; second_class?: string } | undefined): IndustryClassView | null {
  if (!c?.first_class && !c?.second_class) return null;
  return { id: industryIdOf(c), first: c.first_class ?? '', second: c.second_class ?? '' };
}

export async function readIndustry(call: CallAs, appid: string): Promise<IndustryView> {
  const res = await call(getIndustry, appid, {});
  return { primary: classView(res.primary_industry), secondary: classView(res.secondary_industry) };
}

/** Sets both industries (checked against WeChat's table first) and reads them back. */
export async function changeIndustry(call: CallAs, appid: string, id1: string, id2: string): Promise<IndustryView> {
  const issues = industryIssues(id1, id2);
  if (issues.length) throw new TemplateRulesError(issues);
  await call(setIndustry, appid, { industry_id1: id1, industry_id2: id2 });
  return readIndustry(call, appid);
}

/** True when the account's industries are these two codes (in either order). */
export function sameIndustry(view: IndustryView, id1: string, id2: string): boolean {
  const have = [view.primary?.id, view.secondary?.id].sort();
  return JSON.stringify(have) === JSON.stringify([id1, id2].sort());
}

export function industryName(id: string): string {
  const i = industryById(id);
  return i ? `${i.first}/${i.second}` : id;
}

/**
 * The short id of each of the account's templates, as far as it can be told. An add recorded in flight is settled
 * here: the one template that was not there before it (and is not claimed otherwise) is the one it made.
 */
export function identify(store: Store, componentAppid: string, appid: string, list: PrivateTemplate[]): Map<string, { shortId: string; from: 'recorded' | 'content' }> {
  const out = new Map<string, { shortId: string; from: 'recorded' | 'content' }>();
  const origins = store.templates.origins(componentAppid, appid);
  const present = new Set(list.map((t) => t.template_id));
  for (const o of origins) {
    if (o.templateId && present.has(o.templateId)) out.set(o.templateId, { shortId: o.shortId, from: 'recorded' });
  }
  const library = store.templates.library(componentAppid);
  const byContent = (t: PrivateTemplate) => library.find((l) => l.title === t.title && l.content === t.content)?.shortId ?? null;
  for (const o of origins) {
    if (o.templateId || !o.beforeIds) continue;
    // An add that never showed up within a day did not happen: forget it, so it cannot claim a later template.
    if (Date.now() - o.addedAt > STALE_ADD_MS) {
      store.templates.dropAdd(o.id);
      continue;
    }
    const before = new Set(o.beforeIds);
    const fresh = list.filter((t) => !before.has(t.template_id) && !out.has(t.template_id));
    // Prefer a new template whose content matches the short id; otherwise the only new one, unless its content says it
    // is another short id's (the add never landed, and the account's admin added that one).
    const only = fresh.length === 1 && (byContent(fresh[0]!) ?? o.shortId) === o.shortId ? fresh[0] : undefined;
    const match = fresh.find((t) => byContent(t) === o.shortId) ?? only;
    if (match) {
      store.templates.completeAdd(o.id, { templateId: match.template_id, title: match.title, content: match.content });
      out.set(match.template_id, { shortId: o.shortId, from: 'recorded' });
    }
  }
  for (const t of list) {
    if (out.has(t.template_id)) continue;
    const shortId = byContent(t);
    if (shortId) out.set(t.template_id, { shortId, from: 'content' });
  }
  return out;
}

export async function listTemplates(call: CallAs, store: Store, componentAppid: string, appid: string): Promise<AccountTemplate[]> {
  const list = (await call(getAllPrivateTemplates, appid, {})).template_list ?? [];
  const known = identify(store, componentAppid, appid, list);
  return list.map((t) => ({
    templateId: t.template_id,
    title: t.title ?? '',
    primaryIndustry: t.primary_industry ?? '',
    deputyIndustry: t.deputy_industry ?? '',
    content: t.content ?? '',
    example: t.example ?? '',
    fields: templateFields(t.content ?? ''),
    shortId: known.get(t.template_id)?.shortId ?? null,
    shortIdFrom: known.get(t.template_id)?.from ?? null,
  }));
}

/** The account's templates as the set diff sees them. */
export function knownTemplates(list: AccountTemplate[]): KnownTemplate[] {
  return list.map((t) => ({ templateId: t.templateId, shortId: t.shortId, title: t.title }));
}

/**
 * Adds a library template by short id. The add is recorded before it goes out, with the templates there before it,
 * so an answer lost on the way is settled by the next read (identify) instead of adding a second copy.
 */
export async function addByShortId(
  call: CallAs,
  store: Store,
  componentAppid: string,
  appid: string,
  shortId: string,
  addedBy: string,
  before?: string[],
): Promise<{ templateId: string }> {
  if (!SHORT_ID_RE.test(shortId)) throw new TemplateRulesError([{ path: 'shortId', en: `"${shortId}" is not a template short id (TM00015 or OPENTM207498902)`, zh: `“${shortId}”不是模板编号（形如 TM00015 或 OPENTM207498902）` }]);
  const beforeIds = before ?? ((await call(getAllPrivateTemplates, appid, {})).template_list ?? []).map((t) => t.template_id);
  const intent = store.templates.beginAdd({ componentAppid, appid, shortId, beforeIds, addedBy });
  let templateId: string;
  try {
    templateId = (await call(addTemplate, appid, { template_id_short: shortId })).template_id;
  } catch (err) {
    // WeChat said no: nothing was added. Anything else (no answer) leaves the intent for the next read to settle.
    if (err instanceof WeChatApiError) store.templates.dropAdd(intent);
    throw err;
  }
  store.templates.completeAdd(intent, { templateId });
  // Title and content, so copies added elsewhere are recognized by content later.
  const list = (await call(getAllPrivateTemplates, appid, {}).catch(() => null))?.template_list ?? [];
  const added = list.find((t) => t.template_id === templateId);
  if (added) store.templates.completeAdd(intent, { templateId, title: added.title, content: added.content });
  return { templateId };
}

/** Deletes a template; one already gone (40037) counts as deleted. */
export async function removeTemplate(call: CallAs, store: Store, componentAppid: string, appid: string, templateId: string): Promise<void> {
  try {
    await call(deletePrivateTemplate, appid, { template_id: templateId });
  } catch (err) {
    if (!(err instanceof WeChatApiError && err.errcode === 40037)) throw err;
  }
  store.templates.forget(componentAppid, appid, templateId);
}

export interface TestSendInput extends TemplateSendInput {
  templateId: string;
}

/**
 * A test send: checked against the template's fields first (read from WeChat, so a template deleted meanwhile is
 * 40037 before anything is sent), then message/template/send; the msgid is recorded for the job-finish push.
 */
export async function sendTest(call: CallAs, store: Store, componentAppid: string, appid: string, input: TestSendInput): Promise<TemplateSendRow> {
  const list = (await call(getAllPrivateTemplates, appid, {})).template_list ?? [];
  const template = list.find((t) => t.template_id === input.templateId);
  if (!template) {
    throw new TemplateRulesError([{ path: 'templateId', en: `the account has no template ${input.templateId} (deleted meanwhile?): reload the list`, zh: `该公众号没有模板 ${input.templateId}（可能已被删除），请刷新列表` }]);
  }
  const issues = templateSendIssues(input, templateFields(template.content));
  if (issues.length) throw new TemplateRulesError(issues);
  const data: Record<string, { value: string; color?: string }> = {};
  for (const [k, v] of Object.entries(input.data)) data[k] = v.color ? { value: v.value, color: v.color } : { value: v.value };
  const url = input.url?.trim();
  const mp = input.miniprogram?.appid ? { appid: input.miniprogram.appid.trim(), ...(input.miniprogram.pagepath ? { pagepath: input.miniprogram.pagepath.trim() } : {}) } : null;
  const res = await call(sendTemplateMessage, appid, { touser: input.touser.trim(), template_id: template.template_id, ...(url ? { url } : {}), ...(mp ? { miniprogram: mp } : {}), data });
  return store.templates.recordSend({ componentAppid, appid, msgid: String(res.msgid), templateId: template.template_id, touser: input.touser.trim(), sentAt: Date.now() });
}
