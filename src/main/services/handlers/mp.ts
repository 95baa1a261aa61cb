/** mp/*: one mini program's settings (basic info, nickname, avatar, intro, categories, domains, testers, privacy, visit status). */
import type { mpMethods } from '../../../shared/contract/mp';
import type { HandlersOf } from '../../ipc/types';
import type { Invoke } from '../../mp/code';
import { linkedOfficialAccounts } from '../../mp/linked-accounts';
import * as mp from '../../mp/settings';
import { accountOfKind } from '../accounts';
import type { RuntimeHost } from '../host';

/**
 * The runtime's caller for a mini program stored for this platform: not_found when the appid is not an authorizer of
 * it, invalid_arguments when it is an official account.
 */
export function miniProgramCaller(host: RuntimeHost, appid: string): Invoke {
  const { runtime } = accountOfKind(host, appid, 'MP', { en: 'these settings', zh: '这些设置' });
  return (spec, id, req) => runtime.invokeAs(spec, id, req);
}

const done = { done: true } as const;
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

export function mpHandlers(host: RuntimeHost) {
  const as = (appid: string) => miniProgramCaller(host, appid);
  return {
    'mp/info': ({ appid }) => mp.basicInfo(as(appid), appid),
    'mp/checkNickname': ({ appid, nickname }) => mp.checkNickname(as(appid), appid, nickname),
    'mp/setNickname': ({ appid, ...input }) => mp.setNickname(as(appid), appid, input),
    'mp/nicknameAudit': ({ appid, auditId }) => mp.nicknameAudit(as(appid), appid, auditId),
    'mp/upload': async ({ appid, kind, filename, dataBase64 }) => {
      const file = { data: bytes(dataBase64), filename };
      return { mediaId: kind === 'image' ? await mp.uploadImage(as(appid), appid, file, 'file') : await mp.uploadPrivacyFile(as(appid), appid, file) };
    },
    'mp/setAvatar': async ({ appid, filename, dataBase64, crop }) => {
      await mp.setAvatar(as(appid), appid, { data: bytes(dataBase64), filename }, crop);
      return done;
    },
    'mp/setSignature': async ({ appid, signature }) => {
      await mp.setSignature(as(appid), appid, signature);
      return done;
    },
    'mp/categories': async ({ appid }) => {
      const invoke = as(appid);
      const [tree, set] = await Promise.all([mp.categoryTree(invoke, appid), mp.setCategories(invoke, appid)]);
      return { tree, set: set.categories, limit: set.limit, quota: set.quota, categoryLimit: set.categoryLimit };
    },
    'mp/addCategories': async ({ appid, categories }) => {
      await mp.addCategories(as(appid), appid, categories);
      return done;
    },
    'mp/modifyCategory': async ({ appid, first, second, certicates }) => {
      await mp.modifyCategory(as(appid), appid, { first, second, certicates });
      return done;
    },
    'mp/deleteCategory': async ({ appid, first, second }) => {
      await mp.deleteCategory(as(appid), appid, first, second);
      return done;
    },
    'mp/domains': async ({ appid }) => {
      const invoke = as(appid);
      const [server, webview] = await Promise.all([mp.serverDomains(invoke, appid), mp.webviewDomains(invoke, appid)]);
      return { server, webview };
    },
    'mp/setServerDomains': ({ appid, server }) => mp.setServerDomains(as(appid), appid, server),
    'mp/setWebviewDomains': ({ appid, webview }) => mp.setWebviewDomains(as(appid), appid, webview),
    'mp/webviewConfirmFile': ({ appid }) => mp.webviewConfirmFile(as(appid), appid),
    'mp/testers': ({ appid }) => mp.listTesters(as(appid), appid),
    'mp/bindTester': ({ appid, wechatId }) => mp.bindTester(as(appid), appid, wechatId),
    'mp/unbindTester': async ({ appid, wechatId, userstr }) => {
      await mp.unbindTester(as(appid), appid, wechatId !== undefined ? { wechatId } : { userstr: userstr! });
      return done;
    },
    'mp/privacy': async ({ appid, version }) => {
      const r = await mp.privacy(as(appid), appid, version ?? 2);
      return {
        codeExist: r.code_exist === 1,
        undeclared: r.privacy_list ?? [],
        settings: (r.setting_list ?? []).map((x) => ({ privacy_key: x.privacy_key, privacy_text: x.privacy_text, privacy_label: x.privacy_label ?? x.privacy_key })),
        owner: r.owner_setting ?? { notice_method: '' },
        updateTime: r.update_time ?? 0,
        keys: r.privacy_desc?.privacy_desc_list ?? [],
      };
    },
    'mp/setPrivacy': async ({ appid, version, owner, settings }) => {
      const owner_setting = Object.fromEntries(Object.entries(owner).filter(([, v]) => v !== undefined && v !== '')) as typeof owner;
      await mp.setPrivacy(as(appid), appid, { privacy_ver: version ?? 2, owner_setting: { ...owner_setting, notice_method: owner.notice_method }, setting_list: settings });
      return done;
    },
    'mp/visitStatus': async ({ appid }) => ({ status: await mp.visitStatus(as(appid), appid) }),
    'mp/setVisitStatus': async ({ appid, open }) => {
      await mp.setVisitStatus(as(appid), appid, open);
      return done;
    },
    'mp/linkedOfficialAccounts': ({ appid }) => {
      const invoke = as(appid);
      return linkedOfficialAccounts(host.store, host.requireRuntime().componentAppid, invoke, appid);
    },
  } satisfies HandlersOf<typeof mpMethods>;
}
