/**
 * mpcode/*: one mini program's code, audit and release, and the platform's code template library, over the desk
 * functions (src/main/mp/code.ts) and the audit book (src/main/mp/audits.ts). Every per-account call is checked to
 * be a mini program authorized to this platform before anything is sent; what the console commits and the live
 * version it reads are recorded (store.mpCode) so the library can say which mini programs run which template.
 */
import type { CodeTemplateView, GrayPlanView, MpAuditsView, MpVersions, mpcodeMethods, VersionView } from '../../../shared/contract/mpcode';
import { parseExtJsonText } from '../../../shared/mp/code';
import { ServiceError } from '../../errors';
import type { HandlersOf } from '../../ipc/types';
import * as code from '../../mp/code';
import { accountOfKind } from '../accounts';
import type { RuntimeHost } from '../host';

const ms = (seconds: number | undefined) => (seconds ? seconds * 1000 : 0);

export function mpcodeHandlers(host: RuntimeHost) {
  /** The runtime's caller for the platform (template library). */
  function platform() {
    const runtime = host.requireRuntime();
    const invoke: code.Invoke = (spec, id, req) => runtime.invokeAs(spec, id, req);
    return { runtime, invoke, componentAppid: runtime.componentAppid };
  }

  /** The runtime's caller for a mini program stored for this platform; an official account or unknown appid refused. */
  function miniProgram(appid: string) {
    accountOfKind(host, appid, 'MP', { en: 'code, audit and release', zh: '代码、审核与发布' });
    return platform();
  }

  function templateOf(componentAppid: string, appid: string, userVersion: string): number | null {
    return host.store.mpCode.commits(componentAppid, appid, 200).find((c) => c.userVersion === userVersion)?.templateId ?? null;
  }

  /** getversioninfo and the gray plan, the versions recorded for the library. */
  async function versions(appid: string): Promise<MpVersions> {
    const { invoke, componentAppid } = miniProgram(appid);
    const [info, plan] = await Promise.all([code.versionInfo(invoke, appid), code.grayPlan(invoke, appid)]);
    host.store.mpCode.recordVersions(componentAppid, appid, { live: info.live?.version ?? null, trial: info.trial?.version ?? null, at: Date.now() });
    const view = (v: { time: number; version: string; desc: string } | null): VersionView | null =>
      v ? { version: v.version, desc: v.desc, time: ms(v.time), templateId: templateOf(componentAppid, appid, v.version) } : null;
    const gray: GrayPlanView | null =
      plan && plan.status !== 0
        ? { status: plan.status, percentage: plan.gray_percentage, createTime: ms(plan.create_timestamp), debuggerFirst: plan.support_debuger_first === true, experiencerFirst: plan.support_experiencer_first === true }
        : null;
    return { trial: view(info.trial), live: view(info.live), gray };
  }

  function auditsView(componentAppid: string, appid: string, limit = 50): MpAuditsView {
    const runtime = host.requireRuntime();
    const history = host.store.mpAudits.history(componentAppid, appid, limit);
    return { latest: history[0] ?? null, history, undoUse: runtime.audits.undoUse(appid) };
  }

  async function templatesView(): Promise<CodeTemplateView[]> {
    const { invoke, componentAppid } = platform();
    const list = await code.listTemplates(invoke);
    const runners = host.store.mpCode.runners(componentAppid);
    return list
      .map((t) => ({
        templateId: t.template_id,
        userVersion: t.user_version,
        userDesc: t.user_desc,
        createTime: ms(t.create_time),
        templateType: t.template_type,
        sourceAppid: t.source_miniprogram_appid ?? null,
        developer: t.developer ?? null,
        runners: runners.filter((r) => r.templateId === t.template_id),
      }))
      .sort((a, b) => b.createTime - a.createTime);
  }

  return {
    'mpcode/drafts': async () => {
      const { invoke } = platform();
      return (await code.listDrafts(invoke))
        .map((d) => ({ draftId: d.draft_id, userVersion: d.user_version, userDesc: d.user_desc, createTime: ms(d.create_time), sourceAppid: d.source_miniprogram_appid ?? null, developer: d.developer ?? null }))
        .sort((a, b) => b.createTime - a.createTime);
    },
    'mpcode/addToTemplates': async ({ draftId, templateType }) => {
      await code.addDraftToTemplates(platform().invoke, draftId, templateType);
      return { templates: await templatesView() };
    },
    'mpcode/templates': () => templatesView(),
    'mpcode/deleteTemplate': async ({ templateId }) => {
      await code.removeTemplate(platform().invoke, templateId);
      return { deleted: true as const };
    },

    'mpcode/versions': ({ appid }) => versions(appid),
    'mpcode/commit': async ({ appid, templateId, userVersion, userDesc, ext }) => {
      const { invoke, componentAppid } = miniProgram(appid);
      const parsed = parseExtJsonText(ext);
      if (!parsed.ok) {
        throw new ServiceError(
          'invalid_arguments',
          { en: `ext: ${parsed.en}`, zh: `ext：${parsed.zh}` },
          { issues: [{ path: 'ext', message: parsed.en, messageZh: parsed.zh }], line: parsed.line, column: parsed.column },
        );
      }
      await code.commit(invoke, appid, { templateId, userVersion, userDesc, ext: parsed.value });
      host.store.mpCode.recordCommit(componentAppid, { appid, templateId, userVersion: userVersion.trim(), userDesc: userDesc.trim(), committedAt: Date.now() });
      return versions(appid);
    },
    'mpcode/pages': async ({ appid }) => (await code.submitOptions(miniProgram(appid).invoke, appid)).pages,
    'mpcode/trialQr': async ({ appid, path }) => {
      const qr = await code.trialQrcode(miniProgram(appid).invoke, appid, path?.trim() || undefined);
      return { dataUrl: `data:${qr.contentType};base64,${Buffer.from(qr.bytes).toString('base64')}`, contentType: qr.contentType, size: qr.bytes.byteLength };
    },
    'mpcode/submitOptions': async ({ appid }) => {
      const { pages, categories } = await code.submitOptions(miniProgram(appid).invoke, appid);
      return {
        pages,
        categories: categories.map((c, index) => ({
          index,
          label: [c.first_class, c.second_class, c.third_class].filter(Boolean).join(' > '),
          firstClass: c.first_class,
          secondClass: c.second_class,
          thirdClass: c.third_class ?? null,
        })),
      };
    },
    'mpcode/submit': async ({ appid, items, versionDesc, feedbackInfo, previewInfo, privacyApiNotUse }) => {
      const { runtime, invoke, componentAppid } = miniProgram(appid);
      const last = host.store.mpCode.commits(componentAppid, appid, 1)[0];
      const preview =
        previewInfo && (previewInfo.videoIds?.length || previewInfo.picIds?.length)
          ? { ...(previewInfo.videoIds?.length ? { video_id_list: previewInfo.videoIds } : {}), ...(previewInfo.picIds?.length ? { pic_id_list: previewInfo.picIds } : {}) }
          : undefined;
      const { record } = await runtime.audits.submit(
        invoke,
        appid,
        {
          items: items.map((i) => ({ address: i.address, ...(i.title?.trim() ? { title: i.title.trim() } : {}), ...(i.tag?.trim() ? { tag: i.tag.trim() } : {}), ...(i.category !== undefined ? { category: i.category } : {}) })),
          ...(versionDesc?.trim() ? { versionDesc: versionDesc.trim() } : {}),
          ...(feedbackInfo?.trim() ? { feedbackInfo: feedbackInfo.trim() } : {}),
          ...(preview ? { previewInfo: preview } : {}),
          ...(privacyApiNotUse !== undefined ? { privacyApiNotUse } : {}),
        },
        { userVersion: last?.userVersion ?? null, templateId: last?.templateId ?? null },
      );
      return record;
    },
    'mpcode/audits': async ({ appid, limit }) => auditsView(miniProgram(appid).componentAppid, appid, limit),
    'mpcode/refreshAudit': async ({ appid, auditid }) => {
      const { runtime, invoke, componentAppid } = miniProgram(appid);
      await runtime.audits.refresh(invoke, appid, auditid);
      return auditsView(componentAppid, appid);
    },
    'mpcode/undo': async ({ appid }) => {
      const { runtime, invoke, componentAppid } = miniProgram(appid);
      await runtime.audits.undo(invoke, appid);
      return auditsView(componentAppid, appid);
    },
    'mpcode/speedUp': async ({ appid }) => {
      const { invoke, componentAppid } = miniProgram(appid);
      const mine = host.store.mpAudits.latest(componentAppid, appid);
      let auditid = mine && (mine.state === 'auditing' || mine.state === 'delayed') ? mine.auditid : null;
      if (auditid === null) {
        // Perhaps submitted elsewhere: WeChat's latest audit, when it is in progress.
        const latest = await code.auditStatus(invoke, appid);
        if (latest.state === 'auditing' || latest.state === 'delayed') auditid = latest.auditid;
      }
      if (auditid === null) {
        throw new ServiceError('conflict', { en: `${appid} has no audit in progress to speed up: submit for audit first.`, zh: `${appid} 没有进行中的审核可加急：请先提交审核。` });
      }
      await code.speedUpAudit(invoke, appid, auditid);
      return { auditid };
    },
    'mpcode/release': async ({ appid }) => {
      await code.releaseApproved(miniProgram(appid).invoke, appid);
      return versions(appid);
    },
    'mpcode/historyVersions': async ({ appid }) =>
      (await code.historyVersions(miniProgram(appid).invoke, appid)).map((v) => ({ appVersion: v.app_version, userVersion: v.user_version, userDesc: v.user_desc, commitTime: ms(v.commit_time) })),
    'mpcode/rollback': async ({ appid, appVersion }) => {
      await code.rollback(miniProgram(appid).invoke, appid, appVersion);
      return versions(appid);
    },
    'mpcode/gray': async ({ appid, percentage, debuggerFirst, experiencerFirst }) => {
      const { invoke } = miniProgram(appid);
      const plan = await code.grayPlan(invoke, appid);
      if (plan && plan.status === 1 && percentage <= plan.gray_percentage) {
        throw new ServiceError(
          'invalid_arguments',
          {
            en: `percentage: must be higher than the running plan's ${plan.gray_percentage}% (WeChat answers 85082 otherwise); to go lower, revert the gray release first.`,
            zh: `percentage：须高于正在进行的灰度比例 ${plan.gray_percentage}%（否则微信返回 85082）；要降低，请先撤销灰度。`,
          },
          { issues: [{ path: 'percentage', message: `must be higher than ${plan.gray_percentage}`, messageZh: `须高于 ${plan.gray_percentage}` }] },
        );
      }
      await code.grayRelease(invoke, appid, percentage, {
        ...(debuggerFirst !== undefined ? { debuggerFirst } : {}),
        ...(experiencerFirst !== undefined ? { experiencerFirst } : {}),
      });
      return versions(appid);
    },
    'mpcode/revertGray': async ({ appid }) => {
      await code.revertGray(miniProgram(appid).invoke, appid);
      return versions(appid);
    },
    'mpcode/quota': async ({ appid }) => code.auditQuota(miniProgram(appid).invoke, appid),
  } satisfies HandlersOf<typeof mpcodeMethods>;
}
