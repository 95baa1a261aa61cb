/**
 * Mini-program code, audit and release (issue 11): one mini program's lifecycle and the code template library.
 * Every per-account method takes the appid of a mini program authorized to the current platform (an official account
 * or an unknown appid is refused before any call). WeChat's refusals come back as wechat_error with the errcode
 * explained (85009, 85085, 61039, 87013, 85019/85020, 85079–85082, 89402–89405 …).
 */
import type { MpAuditRecord } from '../mp/audits';
import type { TemplateRunner } from '../mp/code';
import { defineEvents, defineMethods, payload, returns } from './define';

export interface CodeDraftView {
  draftId: number;
  userVersion: string;
  userDesc: string;
  /** Epoch ms. */
  createTime: number;
  sourceAppid: string | null;
  developer: string | null;
}

export interface CodeTemplateView {
  templateId: number;
  userVersion: string;
  userDesc: string;
  createTime: number;
  /** 0 normal, 1 standard. */
  templateType: number;
  sourceAppid: string | null;
  developer: string | null;
  /** The mini programs this console committed this template to, with whether it is their live version. */
  runners: TemplateRunner[];
}

export interface VersionView {
  version: string;
  desc: string;
  /** Epoch ms. */
  time: number;
  /** The template this console committed as this user_version, when it did. */
  templateId: number | null;
}

export interface GrayPlanView {
  /** 0 none, 1 running, 2 paused, 3 finished (released to all), 4 deleted (reverted). */
  status: number;
  percentage: number;
  createTime: number;
  debuggerFirst: boolean;
  experiencerFirst: boolean;
}

export interface MpVersions {
  trial: VersionView | null;
  live: VersionView | null;
  gray: GrayPlanView | null;
}

export interface UndoUse {
  today: number;
  month: number;
  dayLimit: number;
  monthLimit: number;
}

export interface MpAuditsView {
  latest: MpAuditRecord | null;
  /** Newest first. */
  history: MpAuditRecord[];
  undoUse: UndoUse;
}

export interface SubmitCategoryView {
  /** Index into get_category's list, as submit's `category` takes it. */
  index: number;
  label: string;
  firstClass: string;
  secondClass: string;
  thirdClass: string | null;
}

export interface HistoryVersionView {
  appVersion: number;
  userVersion: string;
  userDesc: string;
  /** Epoch ms. */
  commitTime: number;
}

const id = (z: typeof import('zod').z, what: string) => z.number().int(`${what} must be an integer / ${what} 须为整数`).min(0, `${what} must be 0 or more / ${what} 不能为负`);

export const mpcodeMethods = defineMethods({
  // --- the platform's code template library (component token) ---
  'mpcode/drafts': { args: ({ noArgs }) => noArgs, result: returns<CodeDraftView[]>() },
  /** addtotemplate: a draft becomes a template, normal (0) or standard (1); 85065 when the library is full. */
  'mpcode/addToTemplates': {
    args: ({ z }) => z.strictObject({ draftId: id(z, 'draftId'), templateType: z.union([z.literal(0), z.literal(1)]) }),
    result: returns<{ templates: CodeTemplateView[] }>(),
  },
  /** The library, each template with the mini programs this console committed it to. */
  'mpcode/templates': { args: ({ noArgs }) => noArgs, result: returns<CodeTemplateView[]>() },
  'mpcode/deleteTemplate': { args: ({ z }) => z.strictObject({ templateId: id(z, 'templateId') }), result: returns<{ deleted: true }>() },

  // --- one mini program ---
  /** Trial and live versions (getversioninfo, recorded for the library) and the gray plan. */
  'mpcode/versions': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<MpVersions>() },
  /**
   * commit: `ext` is the ext_json text as typed (a JSON object; invalid JSON is refused with line and column), sent
   * as a JSON string. The template and user_version are recorded for the library.
   */
  'mpcode/commit': {
    args: ({ z, appid, shortText }) =>
      z.strictObject({
        appid,
        templateId: id(z, 'templateId'),
        userVersion: shortText(64).min(1, 'userVersion is required (e.g. 1.0.3) / 请填写版本号（如 1.0.3）'),
        userDesc: shortText(2000).min(1, 'userDesc is required: say what this version changes / 请填写版本描述'),
        ext: z.string().max(64 * 1024, 'ext_json may be at most 64 KB / ext_json 最多 64 KB'),
      }),
    result: returns<MpVersions>(),
  },
  'mpcode/pages': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<string[]>() },
  /** The trial version's QR code (get_qrcode) as a data: URL of the JPEG; `path` the page to open, query allowed. */
  'mpcode/trialQr': {
    args: ({ z, appid, shortText }) => z.strictObject({ appid, path: shortText(1024).optional() }),
    result: returns<{ dataUrl: string; contentType: string; size: number }>(),
  },
  /** What submit needs: the committed code's pages and the approved categories (index = submit's `category`). */
  'mpcode/submitOptions': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<{ pages: string[]; categories: SubmitCategoryView[] }>() },
  /** submit_audit with item_list built from the chosen pages and categories (1–5 items); recorded at once. */
  'mpcode/submit': {
    args: ({ z, appid, shortText }) =>
      z.strictObject({
        appid,
        items: z
          .array(
            z.strictObject({
              address: shortText(1024).min(1, 'choose a page / 请选择页面'),
              title: shortText(32).optional(),
              tag: shortText(200).optional(),
              category: z.number().int().min(0).optional(),
            }),
          )
          .min(1, 'list 1–5 pages / 须列出 1–5 个页面')
          .max(5, 'list 1–5 pages / 须列出 1–5 个页面'),
        versionDesc: shortText(2000).optional(),
        feedbackInfo: shortText(2000).optional(),
        previewInfo: z.strictObject({ videoIds: z.array(shortText(200)).max(10).optional(), picIds: z.array(shortText(200)).max(20).optional() }).optional(),
        privacyApiNotUse: z.boolean().optional(),
      }),
    result: returns<MpAuditRecord>(),
  },
  /** The audits this console recorded (newest first) and its withdrawals today / this month against 5 / 10. */
  'mpcode/audits': { args: ({ z, appid }) => z.strictObject({ appid, limit: z.number().int().min(1).max(200).optional() }), result: returns<MpAuditsView>() },
  /** Polls get_auditstatus (the latest audit, or `auditid`) and records it: the fallback for a lost push. */
  'mpcode/refreshAudit': {
    args: ({ z, appid }) => z.strictObject({ appid, auditid: z.number().int().min(0).optional() }),
    result: returns<MpAuditsView>(),
  },
  /** undocodeaudit; refused before the call at 5 today or 10 this month. */
  'mpcode/undo': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<MpAuditsView>() },
  /** speedupaudit for the latest audit in progress (89402–89405). */
  'mpcode/speedUp': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<{ auditid: number }>() },
  /** release the approved version (85019 / 85020 when there is none). */
  'mpcode/release': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<MpVersions>() },
  /** Versions a rollback may go to, newest first. */
  'mpcode/historyVersions': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<HistoryVersionView[]>() },
  'mpcode/rollback': {
    args: ({ z, appid }) => z.strictObject({ appid, appVersion: z.number().int().positive('appVersion must come from the history list / 须为历史版本列表中的版本号').optional() }),
    result: returns<MpVersions>(),
  },
  /** grayrelease: 1–100 and higher than the running plan's (checked before the call). */
  'mpcode/gray': {
    args: ({ z, appid }) =>
      z.strictObject({
        appid,
        percentage: z.number().int('percentage must be an integer 1–100 / 灰度比例须为 1–100 的整数').min(1, 'percentage must be 1–100 / 灰度比例须为 1–100').max(100, 'percentage must be 1–100 / 灰度比例须为 1–100'),
        debuggerFirst: z.boolean().optional(),
        experiencerFirst: z.boolean().optional(),
      }),
    result: returns<MpVersions>(),
  },
  'mpcode/revertGray': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<MpVersions>() },
  /** queryquota: the platform's audits and speed-ups left this month. */
  'mpcode/quota': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<{ rest: number; limit: number; speedupRest: number; speedupLimit: number }>() },
});

export const mpcodeEvents = defineEvents({
  /** An audit's recorded status changed: the console submitted it, a weapp_audit_* push or a poll decided it. */
  'mpcode:audit': payload<MpAuditRecord>(),
});

export type { MpAuditRecord, TemplateRunner };
