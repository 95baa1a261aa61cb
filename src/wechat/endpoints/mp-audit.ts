/** Mini-program code audit ("OA and MP APIs" §7; authorizer token, permission set 18), and its media upload. */
import { z } from 'zod';
import { endpoint, type FileInput } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface AuditItem {
  address?: string;
  tag?: string;
  first_class?: string;
  second_class?: string;
  third_class?: string;
  first_id?: number;
  second_id?: number;
  third_id?: number;
  title?: string;
}
export interface SubmitAuditRequest {
  /** 1–5 pages. */
  item_list?: AuditItem[];
  preview_info?: { video_id_list?: string[]; pic_id_list?: string[] };
  version_desc?: string;
  feedback_info?: string;
  feedback_stuff?: string;
  privacy_api_not_use?: boolean;
  order_path?: string;
  ugc_declare?: Record<string, unknown>;
}
export interface SubmitAuditResponse extends WeChatBaseResponse {
  auditid: number;
}
export interface AuditStatusRequest {
  auditid: number;
}
/** 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed. */
export interface AuditStatusResponse extends WeChatBaseResponse {
  status: number;
  reason?: string;
  /** Rejection screenshots' media ids ("id|id"). */
  screenshot?: string;
}
export interface LatestAuditStatusResponse extends WeChatBaseResponse {
  auditid: number;
  status: number;
  reason?: string;
  /**
   * Rejection screenshots' media ids ("id|id"). The current docs and WxJava send `screenshot`; SKIT's older sample
   * `ScreenShot`: the client fills this from either.
   */
  screenshot?: string;
  ScreenShot?: string;
  user_version?: string;
  user_desc?: string;
  submit_audit_time?: number;
}

export interface SpeedupAuditRequest {
  auditid: number;
}
/** The platform's audit quota this month, shared by all its mini programs (D queryquota). */
export interface AuditQuotaResponse extends WeChatBaseResponse {
  rest: number;
  limit: number;
  speedup_rest: number;
  speedup_limit: number;
}

export interface UploadAuditMediaRequest {
  media: FileInput;
}
export interface UploadAuditMediaResponse extends WeChatBaseResponse {
  /** image or video, by the file. */
  type: string;
  mediaid: string;
}

const auditidProblem = (b: { auditid?: unknown } | undefined) =>
  Number.isInteger(b?.auditid) ? null : `auditid must be the integer submit_audit returned, got ${JSON.stringify(b?.auditid)}`;

const audit = { family: 'mp/audit', token: 'authorizer', tokenParam: 'access_token', answer: 'json' } as const;

export const submitAudit = endpoint<SubmitAuditRequest, SubmitAuditResponse>({
  ...audit,
  name: 'wxa/submit_audit',
  method: 'POST',
  path: '/wxa/submit_audit',
  request: 'json',
  // Not idempotent: a repeat finds the first audit running (85009) and uses audit quota.
  idempotent: false,
  check: (b) =>
    b?.item_list !== undefined && (!Array.isArray(b.item_list) || b.item_list.length < 1 || b.item_list.length > 5)
      ? 'item_list must list 1–5 pages (WeChat answers 85023 otherwise)'
      : b?.item_list?.some((i) => i === null || typeof i !== 'object')
        ? 'each item_list entry must be an object {address, tag, first_class, second_class, first_id, second_id, title}'
        : null,
  response: z.looseObject({ auditid: z.number() }),
});

export const getAuditStatus = endpoint<AuditStatusRequest, AuditStatusResponse>({
  ...audit,
  name: 'wxa/get_auditstatus',
  method: 'POST',
  path: '/wxa/get_auditstatus',
  request: 'json',
  idempotent: true,
  check: auditidProblem,
  response: z.looseObject({ status: z.number() }),
});

export const getLatestAuditStatus = endpoint<Record<string, never>, LatestAuditStatusResponse>({
  ...audit,
  name: 'wxa/get_latest_auditstatus',
  method: 'GET',
  path: '/wxa/get_latest_auditstatus',
  request: 'none',
  idempotent: true,
  // `screenshot` filled from either spelling WeChat used.
  response: z
    .looseObject({ screenshot: z.string().nullish(), ScreenShot: z.string().nullish() })
    .transform((r) => ({ ...r, screenshot: r.screenshot ?? r.ScreenShot })),
});

/** Withdraw the audit in progress: at most 5 a day and 10 a month per account (87013 after that; D undoAudit). */
export const undoCodeAudit = endpoint<Record<string, never>, WeChatBaseResponse>({
  ...audit,
  name: 'wxa/undocodeaudit',
  method: 'GET',
  path: '/wxa/undocodeaudit',
  request: 'none',
  // Not idempotent: each call uses one of the day's and the month's undos; a repeat finds nothing to undo.
  idempotent: false,
  example: () => ({}),
});

/** Speed up an audit in the queue; 89401-89405 (J WxMaErrorMsgEnum). */
export const speedupAudit = endpoint<SpeedupAuditRequest, WeChatBaseResponse>({
  ...audit,
  name: 'wxa/speedupaudit',
  method: 'POST',
  path: '/wxa/speedupaudit',
  request: 'json',
  // A repeat answers 89404 (already sped up) and uses nothing.
  idempotent: true,
  check: auditidProblem,
  example: () => ({ auditid: 1234567 }),
});

/** The monthly audit quota (rest, limit) and speed-up quota, shared by the platform's mini programs. */
export const queryAuditQuota = endpoint<Record<string, never>, AuditQuotaResponse>({
  ...audit,
  name: 'wxa/queryquota',
  method: 'GET',
  path: '/wxa/queryquota',
  request: 'none',
  idempotent: true,
  response: z.looseObject({ rest: z.number(), limit: z.number(), speedup_rest: z.number(), speedup_limit: z.number() }),
  example: () => ({}),
});

/** Screenshots and screen recordings for the reviewers (preview_info of submit_audit); the id lives 3 days. */
export const uploadAuditMedia = endpoint<UploadAuditMediaRequest, UploadAuditMediaResponse>({
  ...audit,
  name: 'wxa/uploadmedia',
  method: 'POST',
  path: '/wxa/uploadmedia',
  request: 'multipart',
  idempotent: true,
  upload: {
    field: 'media',
    kindFrom: 'extension',
    // D api_uploadmediatocodeaudit: image 2M PNG/JPEG/JPG/GIF, video 10MB MP4; 40005 invalid file type, 40006 size.
    kinds: {
      image: { extensions: ['png', 'jpeg', 'jpg', 'gif'], maxBytes: 2 * 1024 * 1024 },
      video: { extensions: ['mp4'], maxBytes: 10 * 1024 * 1024 },
    },
    errcodes: { missing: 41005, empty: 44001, badFormat: 40005, tooLarge: 40006 },
  },
  response: z.looseObject({ type: z.string(), mediaid: z.string().min(1) }),
});

