/**
 * The official accounts a mini program is linked to. WeChat answers this only from the official account's side
 * (wxopen/wxamplinkget), so the desk asks each official account of the platform, a few at a time, up to a limit, and
 * says how many it asked and which could not answer.
 */
import { getLinkedMiniPrograms } from '../../wechat/endpoints/oa-link';
import { errorText } from '../errors';
import type { Store } from '../store';
import type { Invoke } from './code';

/** Official accounts asked at most per look-up (each is one API call). */
export const LINK_LOOKUP_MAX = 300;
const CONCURRENCY = 4;

export interface LinkedOfficialAccount {
  appid: string;
  nickName: string | null;
  /** wxamplinkget's status: 1 linked; 2 waiting for the mini program's admin; 3 refused; 12 waiting for the account's admin. */
  status: number;
}

export interface LinkedOfficialAccounts {
  accounts: LinkedOfficialAccount[];
  /** Official accounts asked. */
  checked: number;
  /** Authorized official accounts of the platform (more than `checked` when the limit was reached). */
  total: number;
  /** Accounts whose answer was an error (no permission for the API, a token problem …), with the reason. */
  failed: { appid: string; en: string; zh: string }[];
}

export async function linkedOfficialAccounts(store: Store, componentAppid: string, invoke: Invoke, appid: string, max = LINK_LOOKUP_MAX): Promise<LinkedOfficialAccounts> {
  const page = store.authorizers.list({ componentAppid, kind: 'OA', status: 'active', limit: Math.min(Math.max(1, max), 1000) });
  const queue = page.rows.slice(0, max);
  const accounts: LinkedOfficialAccount[] = [];
  const failed: LinkedOfficialAccounts['failed'] = [];
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const oa = queue[next++]!;
      try {
        const res = await invoke(getLinkedMiniPrograms, oa.appid, {});
        const hit = res.wxopens.items.find((i) => i.appid === appid);
        if (hit) accounts.push({ appid: oa.appid, nickName: oa.nickName, status: hit.status });
      } catch (err) {
        failed.push({ appid: oa.appid, ...errorText(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  accounts.sort((a, b) => a.appid.localeCompare(b.appid));
  return { accounts, checked: queue.length, total: page.total, failed };
}
