/**
 * Batch job "oa.template.sync": keeps every account's templates in line with a template set (industry + short ids).
 * The plan reads the industry and the templates of each account and says what will be added and removed (and which
 * templates of unknown origin are left alone); applying sets the industry when it differs, adds the missing short ids,
 * then removes the unlisted ones (removes first when the adds would pass the 25 an account may hold). Every step reads
 * the account first, and adds are recorded before they go out (see templates.ts), so a run resumed after a restart
 * never adds a template twice. 45026 (25 templates) and 43100 (industry changed too recently) fail that account with
 * the meaning and what to do.
 */
import type { BatchWords } from '../../shared/batch';
import { MAX_ACCOUNT_TEMPLATES, diffTemplateSet, templateSetIssues, type TemplateSet, type TemplateSetDiff } from '../../shared/oa/templates';
import { BatchInputError, type BatchContext, type BatchJob, type PlanOutcome } from '../batch/runner';
import { addByShortId, changeIndustry, industryName, knownTemplates, listTemplates, readIndustry, removeTemplate, sameIndustry } from './templates';

export interface TemplateSyncPlan {
  setIndustry: boolean;
  add: string[];
  remove: { templateId: string; shortId: string | null; title: string }[];
}

async function diffFor(ctx: BatchContext, appid: string, set: TemplateSet): Promise<{ diff: TemplateSetDiff; setIndustry: boolean; templateIds: string[] }> {
  const call = ctx.call.bind(ctx);
  const setIndustry = set.industry ? !sameIndustry(await readIndustry(call, appid), set.industry.id1, set.industry.id2) : false;
  const list = await listTemplates(call, ctx.store, ctx.componentAppid, appid);
  return { diff: diffTemplateSet(knownTemplates(list), set), setIndustry, templateIds: list.map((t) => t.templateId) };
}

function words(plan: TemplateSyncPlan, unknownKept: number, diff: TemplateSetDiff, set: TemplateSet): BatchWords {
  const en: string[] = [];
  const zh: string[] = [];
  if (plan.setIndustry && set.industry) {
    en.push(`set the industry to ${industryName(set.industry.id1)} + ${industryName(set.industry.id2)} (templates of the old industry are deleted by WeChat)`);
    zh.push(`将所属行业设为 ${industryName(set.industry.id1)} + ${industryName(set.industry.id2)}（微信会删除原行业的模板）`);
  }
  if (plan.add.length) {
    en.push(`add ${plan.add.join(', ')}`);
    zh.push(`添加 ${plan.add.join('、')}`);
  }
  if (plan.remove.length) {
    en.push(`remove ${plan.remove.map((r) => `${r.title} (${r.shortId ?? 'origin unknown'})`).join(', ')}`);
    zh.push(`删除 ${plan.remove.map((r) => `${r.title}（${r.shortId ?? '来源未知'}）`).join('、')}`);
  }
  if (unknownKept) {
    en.push(`keep ${unknownKept} template(s) of unknown origin`);
    zh.push(`保留 ${unknownKept} 个来源未知的模板`);
  }
  if (diff.removeFirst) {
    en.push(`the removes go first, to stay within WeChat's ${MAX_ACCOUNT_TEMPLATES} templates`);
    zh.push(`先删除再添加，以免超过微信的上限 ${MAX_ACCOUNT_TEMPLATES} 个`);
  }
  if (diff.peak > MAX_ACCOUNT_TEMPLATES) {
    en.push(`warning: ${diff.peak} templates during the change, over WeChat's ${MAX_ACCOUNT_TEMPLATES} (45026 expected)`);
    zh.push(`注意：变更过程中会有 ${diff.peak} 个模板，超过微信的上限 ${MAX_ACCOUNT_TEMPLATES}（预计 45026）`);
  }
  return { en: `${en.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()), zh: `${zh.join('；')}。` };
}

export const templateSyncJob: BatchJob<TemplateSet, TemplateSyncPlan> = {
  kind: 'oa.template.sync',
  accountKinds: ['OA'],

  parseParams(params: unknown): TemplateSet {
    const issues = templateSetIssues(params);
    if (issues.length) {
      throw new BatchInputError(
        { en: `The template set breaks a rule: ${issues.map((i) => `${i.path}: ${i.en}`).join('; ')}.`, zh: `模板集不符合规则：${issues.map((i) => `${i.path}：${i.zh}`).join('；')}。` },
        { issues },
      );
    }
    const p = params as TemplateSet;
    return {
      industry: p.industry ? { id1: String(p.industry.id1), id2: String(p.industry.id2) } : null,
      shortIds: [...p.shortIds],
      removeUnlisted: p.removeUnlisted !== false,
      removeUnknown: p.removeUnknown === true,
    };
  },

  async plan(ctx, appid, set): Promise<PlanOutcome<TemplateSyncPlan>> {
    const { diff, setIndustry } = await diffFor(ctx, appid, set);
    const plan: TemplateSyncPlan = { setIndustry, add: diff.add, remove: diff.remove };
    if (!setIndustry && !diff.add.length && !diff.remove.length) {
      const kept = diff.unknownKept.length ? { en: ` (${diff.unknownKept.length} of unknown origin kept)`, zh: `（保留 ${diff.unknownKept.length} 个来源未知的模板）` } : { en: '', zh: '' };
      return { apply: false, reason: { en: `Already has every template of the set${kept.en}.`, zh: `已经有模板集中的全部模板${kept.zh}。` } };
    }
    return { apply: true, plan, summary: words(plan, diff.unknownKept.length, diff, set) };
  },

  async apply(ctx, appid, set) {
    const call = ctx.call.bind(ctx);
    // Read again: the plan may be old, and a resumed account may be half done. A refusal (45026, 43100) fails the
    // account with its errcode and meaning (the runner's words).
    if (set.industry) {
      if (!sameIndustry(await readIndustry(call, appid), set.industry.id1, set.industry.id2)) await changeIndustry(call, appid, set.industry.id1, set.industry.id2);
    }
    const { diff, templateIds } = await diffFor(ctx, appid, { ...set, industry: null });
    let before = [...templateIds];
    const removeAll = async () => {
      for (const r of diff.remove) {
        await removeTemplate(call, ctx.store, ctx.componentAppid, appid, r.templateId);
        before = before.filter((id) => id !== r.templateId);
      }
    };
    if (diff.removeFirst) await removeAll();
    for (const shortId of diff.add) {
      const { templateId } = await addByShortId(call, ctx.store, ctx.componentAppid, appid, shortId, `batch #${ctx.runId}`, before);
      before.push(templateId);
    }
    if (!diff.removeFirst) await removeAll();
    return {
      summary: {
        en: `Added ${diff.add.length}, removed ${diff.remove.length}${set.industry ? ', industry in line' : ''}.`,
        zh: `添加 ${diff.add.length} 个，删除 ${diff.remove.length} 个${set.industry ? '，所属行业已一致' : ''}。`,
      },
    };
  },

  async landed(ctx, appid, set) {
    const { diff, setIndustry } = await diffFor(ctx, appid, set);
    return !setIndustry && diff.add.length === 0 && diff.remove.length === 0;
  },
};
