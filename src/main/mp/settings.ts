/**
 * One mini program's settings for the desk: basic info with its change quotas, nickname (check, set, audit status),
 * avatar (upload as temporary media, then the crop box), intro, categories (the tree, the ones set, add with
 * certificates, modify, delete), server and webview domains with the confirm file, testers, privacy settings with the
 * undeclared APIs, visit status. Calls go through invoke (the engine's invokeAs); WeChat's refusals are explained by
 * the errcode table. Bad input is refused here, before any call, with the field named in both languages (the rules
 * are src/shared/mp/settings.ts, shared with the screen).
 */
import type { InvalidArgumentsDetails } from '../../shared/contract';
import {
  cropProblem,
  domainListProblem,
  nicknameProblem,
  SERVER_DOMAIN_TYPES,
  signatureProblem,
  wechatIdProblem,
  type CropBox,
  type Problem,
  type ServerDomainType,
} from '../../shared/mp/settings';
import { mediaFileIssue } from '../../shared/oa/media';
import { uploadMedia } from '../../wechat/endpoints/media';
import * as s from '../../wechat/endpoints/mp-settings';
import { ServiceError } from '../errors';
import type { Invoke } from './code';

export type { Invoke } from './code';

/** A request refused before calling WeChat: invalid_arguments naming the field. */
function refuse(field: string, p: Problem): never {
  const details: InvalidArgumentsDetails = { issues: [{ path: field, message: p.en, messageZh: p.zh }] };
  throw new ServiceError('invalid_arguments', { zh: p.zh, en: p.en }, details);
}
const check = (field: string, p: Problem | null): void => {
  if (p) refuse(field, p);
};

export interface FileUpload {
  data: Uint8Array;
  filename: string;
}

/** Uploads an image as temporary media (3 days): what modifyheadimage, certificates and name proofs take. */
export async function uploadImage(invoke: Invoke, appid: string, file: FileUpload, field = 'image'): Promise<string> {
  const issue = mediaFileIssue('image', file.filename, file.data.byteLength);
  if (issue) refuse(field, issue);
  const r = await invoke(uploadMedia, appid, { type: 'image', media: { data: file.data, filename: file.filename } });
  return r.media_id!;
}

// --- basic info ---------------------------------------------------------------------------------------------------

export interface Quota {
  used: number;
  limit: number;
}
export interface BasicInfo {
  appid: string;
  principalName: string;
  nickname: string;
  headImageUrl: string;
  signature: string;
  quotas: { nickname: Quota; headImage: Quota; signature: Quota };
  verified: boolean;
}

export async function basicInfo(invoke: Invoke, appid: string): Promise<BasicInfo> {
  const r = await invoke(s.getAccountBasicInfo, appid, {});
  const q = (x: s.QuotaInfo): Quota => ({ used: x.modify_used_count, limit: x.modify_quota });
  return {
    appid: r.appid,
    principalName: r.principal_name ?? '',
    nickname: r.nickname_info.nickname,
    headImageUrl: r.head_image_info.head_image_url,
    signature: r.signature_info.signature,
    quotas: { nickname: q(r.nickname_info), headImage: q(r.head_image_info), signature: q(r.signature_info) },
    verified: r.wx_verify_info?.naming_verify === true,
  };
}

// --- nickname -----------------------------------------------------------------------------------------------------

export async function checkNickname(invoke: Invoke, appid: string, nickname: string): Promise<{ needsProof: boolean; wording: string }> {
  check('nickname', nicknameProblem(nickname));
  const r = await invoke(s.checkNickname, appid, { nick_name: nickname });
  return { needsProof: r.hit_condition, wording: r.wording ?? '' };
}

export interface NicknameInput {
  nickname: string;
  /** Media ids of proof (uploadImage): the ID card (personal) or licence (organisation), up to 5 others. */
  idCard?: string;
  license?: string;
  others?: string[];
}

/** Sets the name; auditId when WeChat runs a manual audit (the result comes as the wxa_nickname_audit push). */
export async function setNickname(invoke: Invoke, appid: string, input: NicknameInput): Promise<{ auditId: number | null; wording: string }> {
  check('nickname', nicknameProblem(input.nickname));
  const others = input.others ?? [];
  if (others.length > 5) refuse('others', { en: 'at most 5 other proofs (naming_other_stuff_1..5)', zh: '其他证明材料最多 5 份（naming_other_stuff_1..5）' });
  const req: s.SetNicknameRequest = { nick_name: input.nickname };
  if (input.idCard) req.id_card = input.idCard;
  if (input.license) req.license = input.license;
  others.forEach((m, i) => ((req as unknown as Record<string, string>)[`naming_other_stuff_${i + 1}`] = m));
  const r = await invoke(s.setNickname, appid, req);
  return { auditId: typeof r.audit_id === 'number' && r.audit_id > 0 ? r.audit_id : null, wording: r.wording ?? '' };
}

export interface NicknameAudit {
  nickname: string;
  /** 1 auditing, 2 rejected, 3 approved. */
  status: number;
  reason: string;
  createTime: number;
  auditTime: number;
}
export async function nicknameAudit(invoke: Invoke, appid: string, auditId: number): Promise<NicknameAudit> {
  if (!Number.isSafeInteger(auditId) || auditId <= 0) refuse('auditId', { en: 'must be the audit_id setnickname answered', zh: '须为设置名称时返回的 audit_id' });
  const r = await invoke(s.queryNickname, appid, { audit_id: auditId });
  return { nickname: r.nickname, status: r.audit_stat, reason: r.fail_reason ?? '', createTime: r.create_time ?? 0, auditTime: r.audit_time ?? 0 };
}

// --- avatar, intro ------------------------------------------------------------------------------------------------

/** Uploads the image and sets it as the avatar, cropped to the box (fractions of the image). */
export async function setAvatar(invoke: Invoke, appid: string, image: FileUpload, crop: CropBox): Promise<void> {
  check('crop', cropProblem(crop));
  const issue = mediaFileIssue('image', image.filename, image.data.byteLength);
  if (issue) refuse('image', issue);
  const mediaId = await uploadImage(invoke, appid, image);
  await invoke(s.modifyHeadImage, appid, { head_img_media_id: mediaId, x1: crop.x1, y1: crop.y1, x2: crop.x2, y2: crop.y2 });
}

export async function setSignature(invoke: Invoke, appid: string, signature: string): Promise<void> {
  check('signature', signatureProblem(signature));
  await invoke(s.modifySignature, appid, { signature });
}

// --- categories ---------------------------------------------------------------------------------------------------

export interface CategoryTreeNode {
  id: number;
  name: string;
  /** Certificate names addcategory must carry for this category (empty: none). */
  certificates: string[];
  children: CategoryTreeNode[];
}

/** getallcategories as a tree: the level-1 categories with their children. */
export async function categoryTree(invoke: Invoke, appid: string): Promise<CategoryTreeNode[]> {
  // The root (id 0, no name) only lists the level-1 ids: the categories are the named nodes.
  const all = (await invoke(s.getAllCategories, appid, {})).categories_list.categories.filter((c) => c.id !== 0 && typeof c.name === 'string');
  const node = (c: s.CategoryNode): CategoryTreeNode => ({
    id: c.id,
    name: c.name ?? '',
    certificates: (c.qualify?.exter_list ?? []).flatMap((e) => e.inner_list.map((i) => i.name)),
    children: all.filter((x) => x.father === c.id && x.id !== c.id).map(node),
  });
  return all.filter((c) => c.level === 1 || c.father === 0).map(node);
}

export interface SetCategories {
  categories: { first: number; firstName: string; second: number; secondName: string; status: number; reason: string }[];
  /** Changes this period, left, and the most categories the account may have. */
  limit: number;
  quota: number;
  categoryLimit: number;
}
export async function setCategories(invoke: Invoke, appid: string): Promise<SetCategories> {
  const r = await invoke(s.getSetCategories, appid, {});
  return {
    categories: r.categories.map((c) => ({ first: c.first, firstName: c.first_name, second: c.second, secondName: c.second_name, status: c.audit_status, reason: c.audit_reason ?? '' })),
    limit: r.limit,
    quota: r.quota,
    categoryLimit: r.category_limit,
  };
}

function categoryRefusal(c: s.CategoryInput, field: string, needCerts: boolean): void {
  for (const k of ['first', 'second'] as const) {
    if (!Number.isSafeInteger(c?.[k]) || c[k] <= 0) refuse(`${field}.${k}`, { en: `${field}.${k} must be a category id from the category tree`, zh: `${field}.${k} 须为类目树中的类目 id` });
  }
  const certs = c.certicates ?? [];
  if (needCerts && certs.length === 0) refuse(`${field}.certicates`, { en: `${field}: give the certificates again to modify the category`, zh: `${field}：修改类目须重新提供资质证明` });
  certs.forEach((x, i) => {
    if (!x || typeof x.key !== 'string' || !x.key.trim()) refuse(`${field}.certicates[${i}].key`, { en: 'the certificate name is required', zh: '资质名称不能为空' });
    if (typeof x.value !== 'string' || !x.value.trim()) refuse(`${field}.certicates[${i}].value`, { en: `upload the image of "${x.key}"`, zh: `请上传“${x.key}”的图片` });
  });
}

export async function addCategories(invoke: Invoke, appid: string, categories: s.CategoryInput[]): Promise<void> {
  if (!Array.isArray(categories) || categories.length === 0) refuse('categories', { en: 'choose at least one category', zh: '至少选择一个类目' });
  categories.forEach((c, i) => categoryRefusal(c, `categories[${i}]`, false));
  await invoke(s.addCategory, appid, { categories });
}

export async function modifyCategory(invoke: Invoke, appid: string, c: s.CategoryInput): Promise<void> {
  categoryRefusal(c, 'category', true);
  await invoke(s.modifyCategory, appid, c);
}

export async function deleteCategory(invoke: Invoke, appid: string, first: number, second: number): Promise<void> {
  categoryRefusal({ first, second }, 'category', false);
  await invoke(s.deleteCategory, appid, { first, second });
}

// --- domains ------------------------------------------------------------------------------------------------------

export type DomainLists = Record<ServerDomainType, string[]>;

export async function serverDomains(invoke: Invoke, appid: string): Promise<DomainLists> {
  const r = await invoke(s.modifyDomain, appid, { action: 'get' });
  return Object.fromEntries(SERVER_DOMAIN_TYPES.map((t) => [t, r[t] ?? []])) as DomainLists;
}

/** Replaces the server domains with these lists (action set); each list checked before sending. */
export async function setServerDomains(invoke: Invoke, appid: string, lists: DomainLists): Promise<DomainLists> {
  for (const t of SERVER_DOMAIN_TYPES) check(t, domainListProblem(t, lists[t] ?? []));
  const r = await invoke(s.modifyDomain, appid, { action: 'set', ...Object.fromEntries(SERVER_DOMAIN_TYPES.map((t) => [t, lists[t] ?? []])) });
  return Object.fromEntries(SERVER_DOMAIN_TYPES.map((t) => [t, r[t] ?? []])) as DomainLists;
}

export async function webviewDomains(invoke: Invoke, appid: string): Promise<string[]> {
  return (await invoke(s.setWebviewDomain, appid, { action: 'get' })).webviewdomain ?? [];
}

export async function setWebviewDomains(invoke: Invoke, appid: string, domains: string[]): Promise<string[]> {
  check('webviewdomain', domainListProblem('webviewdomain', domains));
  return (await invoke(s.setWebviewDomain, appid, { action: 'set', webviewdomain: domains })).webviewdomain ?? domains;
}

/** The file the webview domain's server must serve at its root before WeChat accepts the domain. */
export async function webviewConfirmFile(invoke: Invoke, appid: string): Promise<{ fileName: string; content: string }> {
  const r = await invoke(s.getWebviewConfirmFile, appid, {});
  return { fileName: r.file_name, content: r.file_content };
}

// --- testers ------------------------------------------------------------------------------------------------------

export async function bindTester(invoke: Invoke, appid: string, wechatId: string): Promise<{ userstr: string }> {
  check('wechatId', wechatIdProblem(wechatId));
  return { userstr: (await invoke(s.bindTester, appid, { wechatid: wechatId })).userstr };
}

export async function listTesters(invoke: Invoke, appid: string): Promise<string[]> {
  return (await invoke(s.getExperiencers, appid, { action: 'get_experiencer' })).members.map((m) => m.userstr);
}

/** Unbinds by WeChat ID or by the userstr the list shows. */
export async function unbindTester(invoke: Invoke, appid: string, who: { wechatId: string } | { userstr: string }): Promise<void> {
  if ('wechatId' in who) {
    check('wechatId', wechatIdProblem(who.wechatId));
    await invoke(s.unbindTester, appid, { wechatid: who.wechatId });
    return;
  }
  if (typeof who.userstr !== 'string' || !who.userstr.trim()) refuse('userstr', { en: 'userstr is required (from the tester list)', zh: 'userstr 不能为空（取自体验者列表）' });
  await invoke(s.unbindTester, appid, { userstr: who.userstr });
}

// --- privacy, visit status ----------------------------------------------------------------------------------------

export async function privacy(invoke: Invoke, appid: string, version: 1 | 2 = 2): Promise<s.GetPrivacyResponse> {
  return invoke(s.getPrivacySetting, appid, { privacy_ver: version });
}

export async function setPrivacy(invoke: Invoke, appid: string, req: s.SetPrivacyRequest): Promise<void> {
  const problem = s.privacyProblem(req);
  if (problem) {
    const field = /^(owner_setting[.\w]*|setting_list|privacy_ver)/.exec(problem)?.[1] ?? 'privacy';
    refuse(field, { en: problem, zh: `隐私设置有误：${problem}` });
  }
  await invoke(s.setPrivacySetting, appid, req);
}

/** A custom privacy guide (txt, at most 100 KB); the id goes into owner_setting.ext_file_media_id. */
export async function uploadPrivacyFile(invoke: Invoke, appid: string, file: FileUpload): Promise<string> {
  if (!/\.txt$/i.test(file.filename)) refuse('file', { en: `the privacy guide must be a .txt file, got "${file.filename}"`, zh: `隐私指引须为 .txt 文件，收到“${file.filename}”` });
  if (file.data.byteLength === 0 || file.data.byteLength > 100 * 1024) refuse('file', { en: `the privacy guide must be 1 byte to 100 KB, got ${file.data.byteLength} bytes`, zh: `隐私指引须为 1 字节到 100 KB，现为 ${file.data.byteLength} 字节` });
  return (await invoke(s.uploadPrivacyExtFile, appid, { file: { data: file.data, filename: file.filename } })).ext_file_media_id;
}

/** 1 serving, 0 suspended. */
export async function visitStatus(invoke: Invoke, appid: string): Promise<number> {
  return (await invoke(s.getVisitStatus, appid, {})).status;
}

export async function setVisitStatus(invoke: Invoke, appid: string, open: boolean): Promise<void> {
  if (typeof open !== 'boolean') refuse('open', { en: 'must be true (serve) or false (suspend)', zh: '须为 true（开放）或 false（暂停服务）' });
  await invoke(s.changeVisitStatus, appid, { action: open ? 'open' : 'close' });
}
