/** Releasing the approved version, rolling back, gray release and the version info ("OA and MP APIs" §7). */
import { z } from 'zod';
import { endpoint } from '../spec';
import type { WeChatBaseResponse } from './common';

export interface HistoryVersion {
  commit_time: number;
  user_version: string;
  user_desc: string;
  app_version: number;
}
export interface HistoryVersionResponse extends WeChatBaseResponse {
  version_list: HistoryVersion[];
}
export interface RevertReleaseRequest {
  /** A version from get_history_version; without it, the version released before the current one. */
  app_version?: number;
}

export interface GrayReleaseRequest {
  /** 1–100; a new plan's percentage must be higher than the running one's (85082). */
  gray_percentage: number;
  /** Developers see the new version first. */
  support_debuger_first?: boolean;
  /** Testers (体验者) see the new version first. */
  support_experiencer_first?: boolean;
}
export interface GrayReleasePlan {
  /** 0 initial, 1 running, 2 paused, 3 finished, 4 deleted (reverted) (D getgrayreleaseplan). */
  status: number;
  create_timestamp: number;
  gray_percentage: number;
  support_debuger_first?: boolean;
  support_experiencer_first?: boolean;
}
export interface GrayReleasePlanResponse extends WeChatBaseResponse {
  gray_release_plan: GrayReleasePlan;
}

export interface VersionInfoResponse extends WeChatBaseResponse {
  /** The trial (experience) version: the latest commit. */
  exp_info?: { exp_time: number; exp_version: string; exp_desc: string };
  /** The live version. */
  release_info?: { release_time: number; release_version: string; release_desc: string };
}

const rel = { family: 'mp/release', token: 'authorizer', tokenParam: 'access_token', answer: 'json' } as const;
const noBody = () => ({}) as Record<string, never>;

/** POST with an empty object; 85019 no approved version, 85020 not releasable, 85052 already released. */
export const release = endpoint<Record<string, never>, WeChatBaseResponse>({
  ...rel,
  name: 'wxa/release',
  method: 'POST',
  path: '/wxa/release',
  request: 'json',
  // Not idempotent: a repeat of a release that went through answers 85052.
  idempotent: false,
});

/** The versions a rollback may go to (SKIT's older sample names the list template_list; the client reads both). */
export const getHistoryVersion = endpoint<Record<string, never>, HistoryVersionResponse>({
  ...rel,
  name: 'revertcoderelease?action=get_history_version',
  method: 'GET',
  path: '/wxa/revertcoderelease',
  query: { action: 'get_history_version' },
  request: 'none',
  idempotent: true,
  response: z
    .looseObject({ version_list: z.array(z.looseObject({ app_version: z.number() })).nullish(), template_list: z.array(z.looseObject({ app_version: z.number() })).nullish() })
    .transform((r) => ({ ...r, version_list: r.version_list ?? r.template_list ?? [] })),
  example: noBody,
});

/** Roll the live version back; 87011 while a gray release runs, 87012 nothing to roll back to. */
export const revertCodeRelease = endpoint<RevertReleaseRequest, WeChatBaseResponse>({
  ...rel,
  name: 'wxa/revertcoderelease',
  method: 'GET',
  path: '/wxa/revertcoderelease',
  request: 'query',
  // Not idempotent: a second rollback without app_version goes one version further back.
  idempotent: false,
  check: (b) =>
    b?.app_version !== undefined && !(Number.isSafeInteger(Number(b.app_version)) && Number(b.app_version) > 0)
      ? `app_version must be a version number from get_history_version, got ${JSON.stringify(b.app_version)}`
      : null,
  example: noBody,
});

export const grayRelease = endpoint<GrayReleaseRequest, WeChatBaseResponse>({
  ...rel,
  name: 'wxa/grayrelease',
  method: 'POST',
  path: '/wxa/grayrelease',
  request: 'json',
  // A repeat with the same percentage answers 85082 (must be higher): the caller reads that as done.
  idempotent: true,
  check: (b) =>
    Number.isInteger(b?.gray_percentage) && b.gray_percentage >= 1 && b.gray_percentage <= 100
      ? null
      : `gray_percentage must be an integer 1–100 (WeChat answers 85081 otherwise), got ${JSON.stringify(b?.gray_percentage)}`,
  example: () => ({ gray_percentage: 10, support_debuger_first: true, support_experiencer_first: true }),
});

export const getGrayReleasePlan = endpoint<Record<string, never>, GrayReleasePlanResponse>({
  ...rel,
  name: 'wxa/getgrayreleaseplan',
  method: 'GET',
  path: '/wxa/getgrayreleaseplan',
  request: 'none',
  idempotent: true,
  response: z.looseObject({ gray_release_plan: z.looseObject({ status: z.number(), gray_percentage: z.number() }) }),
  example: noBody,
});

export const revertGrayRelease = endpoint<Record<string, never>, WeChatBaseResponse>({
  ...rel,
  name: 'wxa/revertgrayrelease',
  method: 'GET',
  path: '/wxa/revertgrayrelease',
  request: 'none',
  idempotent: true,
  example: noBody,
});

/** POST with an empty object. */
export const getVersionInfo = endpoint<Record<string, never>, VersionInfoResponse>({
  ...rel,
  name: 'wxa/getversioninfo',
  method: 'POST',
  path: '/wxa/getversioninfo',
  request: 'json',
  idempotent: true,
  example: noBody,
});
