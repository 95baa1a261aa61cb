/**
 * One mini program's settings (screen /mini-programs): basic info with its change quotas, nickname, avatar, intro,
 * categories, server and webview domains, testers, privacy settings, visit status. Every method takes the appid of a
 * mini program authorized to the current platform (an official account's or an unknown appid is refused).
 *
 * Files (the avatar, certificate and proof images, the privacy guide) travel as base64 in the JSON arguments, like
 * messages/upload; the console server allows mp/avatar and mp/upload a body of MP_UPLOAD_BODY_BYTES.
 */
import type { CropBox, ServerDomainType } from '../mp/settings';
import { defineMethods, returns } from './define';
import { MP_UPLOAD_MAX_BASE64 } from './limits';

export { MP_UPLOAD_BODY_BYTES, MP_UPLOAD_MAX_BASE64, MP_UPLOAD_MAX_BYTES } from './limits';

export interface MpQuota {
  used: number;
  limit: number;
}
export interface MpBasicInfo {
  appid: string;
  principalName: string;
  nickname: string;
  headImageUrl: string;
  signature: string;
  /** Name changes count per year, avatar and intro per month. */
  quotas: { nickname: MpQuota; headImage: MpQuota; signature: MpQuota };
  verified: boolean;
}
export interface MpNicknameAudit {
  nickname: string;
  /** 1 auditing, 2 rejected, 3 approved. */
  status: number;
  reason: string;
  createTime: number;
  auditTime: number;
}
export interface MpCategoryNode {
  id: number;
  name: string;
  certificates: string[];
  children: MpCategoryNode[];
}
export interface MpSetCategory {
  first: number;
  firstName: string;
  second: number;
  secondName: string;
  /** 1 auditing, 2 rejected, 3 approved. */
  status: number;
  reason: string;
}
export interface MpCategories {
  tree: MpCategoryNode[];
  set: MpSetCategory[];
  limit: number;
  quota: number;
  categoryLimit: number;
}
export type MpServerDomains = Record<ServerDomainType, string[]>;
export interface MpDomains {
  server: MpServerDomains;
  webview: string[];
}
export interface MpPrivacyOwner {
  contact_email?: string;
  contact_phone?: string;
  contact_qq?: string;
  contact_weixin?: string;
  ext_file_media_id?: string;
  notice_method: string;
  store_expire_timestamp?: string;
}
export interface MpPrivacy {
  codeExist: boolean;
  /** Privacy APIs the code uses that the settings do not declare. */
  undeclared: string[];
  settings: { privacy_key: string; privacy_text: string; privacy_label: string }[];
  owner: MpPrivacyOwner;
  updateTime: number;
  /** The keys WeChat knows, with its description. */
  keys: { privacy_key: string; privacy_desc: string }[];
}

const certificates = (z: typeof import('zod').z) =>
  z.array(z.strictObject({ key: z.string().min(1).max(100), value: z.string().min(1).max(512) })).max(20);
const base64 = (z: typeof import('zod').z) =>
  z
    .string()
    .max(MP_UPLOAD_MAX_BASE64, 'the file is over 2 MB / 文件超过 2 MB')
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be the file in base64 / 须为文件的 base64 编码');

export const mpMethods = defineMethods({
  'mp/info': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<MpBasicInfo>() },
  'mp/checkNickname': { args: ({ z, appid, shortText }) => z.strictObject({ appid, nickname: shortText(64) }), result: returns<{ needsProof: boolean; wording: string }>() },
  /** auditId when WeChat runs a manual audit (its result comes as the wxa_nickname_audit push). */
  'mp/setNickname': {
    args: ({ z, appid, shortText }) =>
      z.strictObject({ appid, nickname: shortText(64), idCard: shortText(512).optional(), license: shortText(512).optional(), others: z.array(shortText(512)).max(5).optional() }),
    result: returns<{ auditId: number | null; wording: string }>(),
  },
  'mp/nicknameAudit': { args: ({ z, appid }) => z.strictObject({ appid, auditId: z.number().int().positive() }), result: returns<MpNicknameAudit>() },
  /** A temporary image (certificate, proof) or the privacy guide (txt): the media id to name in another call. */
  'mp/upload': {
    args: ({ z, appid }) => z.strictObject({ appid, kind: z.enum(['image', 'privacy']), filename: z.string().min(1).max(200), dataBase64: base64(z) }),
    result: returns<{ mediaId: string }>(),
  },
  /** Uploads the image and sets the avatar cropped to the box (fractions: 0 <= x1 < x2 <= 1). */
  'mp/setAvatar': {
    args: ({ z, appid }) =>
      z.strictObject({ appid, filename: z.string().min(1).max(200), dataBase64: base64(z), crop: z.strictObject({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() }) }),
    result: returns<{ done: true }>(),
  },
  'mp/setSignature': { args: ({ z, appid, shortText }) => z.strictObject({ appid, signature: shortText(400) }), result: returns<{ done: true }>() },
  'mp/categories': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<MpCategories>() },
  'mp/addCategories': {
    args: ({ z, appid }) => z.strictObject({ appid, categories: z.array(z.strictObject({ first: z.number().int(), second: z.number().int(), certicates: certificates(z).optional() })).min(1).max(10) }),
    result: returns<{ done: true }>(),
  },
  'mp/modifyCategory': {
    args: ({ z, appid }) => z.strictObject({ appid, first: z.number().int(), second: z.number().int(), certicates: certificates(z) }),
    result: returns<{ done: true }>(),
  },
  'mp/deleteCategory': { args: ({ z, appid }) => z.strictObject({ appid, first: z.number().int(), second: z.number().int() }), result: returns<{ done: true }>() },
  'mp/domains': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<MpDomains>() },
  'mp/setServerDomains': {
    args: ({ z, appid }) => {
      const list = z.array(z.string().max(300)).max(1000);
      return z.strictObject({ appid, server: z.strictObject({ requestdomain: list, wsrequestdomain: list, uploaddomain: list, downloaddomain: list, udpdomain: list, tcpdomain: list }) });
    },
    result: returns<MpServerDomains>(),
  },
  'mp/setWebviewDomains': { args: ({ z, appid }) => z.strictObject({ appid, webview: z.array(z.string().max(300)).max(200) }), result: returns<string[]>() },
  'mp/webviewConfirmFile': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<{ fileName: string; content: string }>() },
  'mp/testers': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<string[]>() },
  'mp/bindTester': { args: ({ z, appid, shortText }) => z.strictObject({ appid, wechatId: shortText(64) }), result: returns<{ userstr: string }>() },
  /** By WeChat ID or by the userstr the list shows (exactly one). */
  'mp/unbindTester': {
    args: ({ z, appid, shortText }) =>
      z.strictObject({ appid, wechatId: shortText(64).optional(), userstr: shortText(128).optional() }).refine((a) => (a.wechatId === undefined) !== (a.userstr === undefined), {
        message: 'give exactly one of wechatId or userstr / wechatId 与 userstr 只能给一个',
      }),
    result: returns<{ done: true }>(),
  },
  'mp/privacy': { args: ({ z, appid }) => z.strictObject({ appid, version: z.union([z.literal(1), z.literal(2)]).optional() }), result: returns<MpPrivacy>() },
  'mp/setPrivacy': {
    args: ({ z, appid, shortText }) =>
      z.strictObject({
        appid,
        version: z.union([z.literal(1), z.literal(2)]).optional(),
        owner: z.strictObject({
          contact_email: shortText(200).optional(),
          contact_phone: shortText(40).optional(),
          contact_qq: shortText(40).optional(),
          contact_weixin: shortText(64).optional(),
          ext_file_media_id: shortText(200).optional(),
          notice_method: shortText(200),
          store_expire_timestamp: shortText(100).optional(),
        }),
        settings: z.array(z.strictObject({ privacy_key: shortText(64), privacy_text: shortText(400) })).max(50),
      }),
    result: returns<{ done: true }>(),
  },
  /** 1 serving, 0 suspended. */
  'mp/visitStatus': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<{ status: number }>() },
  'mp/setVisitStatus': { args: ({ z, appid }) => z.strictObject({ appid, open: z.boolean() }), result: returns<{ done: true }>() },
  /**
   * The official accounts linked to the mini program: WeChat answers only from the accounts' side (wxamplinkget), so
   * each authorized official account of the platform is asked, up to LINK_LOOKUP_MAX calls.
   */
  'mp/linkedOfficialAccounts': { args: ({ z, appid }) => z.strictObject({ appid }), result: returns<MpLinkedOfficialAccounts>() },
});

export interface MpLinkedOfficialAccounts {
  /** wxamplinkget's status per account: 1 linked; 2 waiting for the mini program's admin; 3 refused; 12 waiting for the account's admin. */
  accounts: { appid: string; nickName: string | null; status: number }[];
  checked: number;
  total: number;
  failed: { appid: string; en: string; zh: string }[];
}

export type { CropBox };
