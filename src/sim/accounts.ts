/**
 * Deterministic accounts for the simulator: the seeded authorized accounts, the candidates offered on the authorization
 * page, and the five full-network-release test groups (reference §5.4).
 *
 * Profiles are computed from (seed, index) on demand so 100,000 accounts cost only an appid→index map.
 */
import { createHash } from 'node:crypto';

export type AccountKind = 'oa' | 'mp';

export interface AccountProfile {
  appid: string;
  kind: AccountKind;
  nickName: string;
  principalName: string;
  userName: string;
  alias: string;
  headImg: string;
  qrcodeUrl: string;
  /** service_type_info.id: OA 0 subscription / 2 service; mini programs 0. */
  serviceType: number;
  /** verify_type_info.id: -1 not verified, 0 WeChat verified. */
  verifyType: number;
  signature: string;
  /** The permission sets the account grants by default (funcscope_category ids). */
  funcIds: number[];
  /** Set for the release-check test accounts: the test user's openid. */
  testOpenid?: string;
}

/** Permission-set ids an official account / a mini program grants when nothing restricts them. */
export const OA_FUNC_IDS = [1, 2, 3, 4, 6, 7, 11, 15, 22, 23, 24, 26, 33, 35];
export const MP_FUNC_IDS = [17, 18, 19, 25, 30, 31, 36, 37, 40, 41, 45, 48, 49];

export interface TestGroup {
  group: number;
  oa: { appid: string; userName: string };
  mp: { appid: string; userName: string };
}

/** Reference §5.4 (group 2's OA username per the Chinese doc). */
export const RELEASE_TEST_GROUPS: readonly TestGroup[] = [
  { group: 1, oa: { appid: 'wx570bc396a51b8ff8', userName: 'gh_3c884a361561' }, mp: { appid: 'wxd101a85aa106f53e', userName: 'gh_8dad206e9538' } },
  { group: 2, oa: { appid: 'wx9252c5e0bb1836fc', userName: 'gh_c0f28a78b318' }, mp: { appid: 'wxc39235c15087f6f3', userName: 'gh_905ae9d01059' } },
  { group: 3, oa: { appid: 'wx8e1097c5bc82cde9', userName: 'gh_3f222ed8d140' }, mp: { appid: 'wx7720d01d4b2a4500', userName: 'gh_393666f1fdf4' } },
  { group: 4, oa: { appid: 'wx14550af28c71a144', userName: 'gh_26128078e9ab' }, mp: { appid: 'wx05d483572dcd5d8b', userName: 'gh_39abb5d4e1b7' } },
  { group: 5, oa: { appid: 'wxa35b9c23cfe664eb', userName: 'gh_2b3713f184a6' }, mp: { appid: 'wx5910277cae6fd970', userName: 'gh_7818dcb60240' } },
];

const NAME_HEADS = ['晨光', '青柠', '山海', '云朵', '星河', '知行', '松风', '墨白', '暖阳', '拾光', '南山', '清泉', '木棉', '远航', '初心', '橙子'];
const NAME_TAILS = ['书店', '咖啡', '生活馆', '科技', '教育', '健身', '花艺', '旅行', '美食', '文创', '宠物', '家居', '茶舍', '烘焙', '车友会', '摄影'];
const CITIES = ['深圳市', '广州市', '杭州市', '上海', '北京', '成都市', '南京市', '武汉市', '苏州市', '厦门市'];
const ENTITY_TAILS = ['科技有限公司', '文化传播有限公司', '信息技术有限公司', '餐饮管理有限公司', '教育咨询有限公司'];

export function hashHex(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** The profile of seeded account `index` (authorized ones first, then candidates). Even index: OA, odd: mini program. */
export function seededProfile(seed: string, index: number): AccountProfile {
  const h = hashHex(seed, 'account', index);
  const kind: AccountKind = index % 2 === 0 ? 'oa' : 'mp';
  const n = (at: number) => parseInt(h.slice(at, at + 4), 16);
  const head = NAME_HEADS[n(20) % NAME_HEADS.length]!;
  const tail = NAME_TAILS[n(24) % NAME_TAILS.length]!;
  // A number keeps names apart once the word pairs run out.
  const suffix = index < 64 ? '' : String(index);
  const nickName = kind === 'oa' ? `${head}${tail}${suffix}` : `${head}${tail}${suffix}小程序`;
  const principalName = `${CITIES[n(28) % CITIES.length]}${head}${ENTITY_TAILS[n(32) % ENTITY_TAILS.length]}`;
  const appid = `wx${h.slice(0, 16)}`;
  return {
    appid,
    kind,
    nickName,
    principalName,
    userName: `gh_${h.slice(16, 28)}`,
    alias: n(36) % 3 === 0 ? '' : `${['chen', 'qing', 'shan', 'yun', 'xing'][n(40) % 5]}${h.slice(44, 50)}`,
    headImg: `http://wx.qlogo.cn/mmopen/${h.slice(0, 40)}/0`,
    qrcodeUrl: `http://mmbiz.qpic.cn/mmbiz_jpg/${h.slice(24, 56)}/0`,
    serviceType: kind === 'oa' ? (n(44) % 2 === 0 ? 2 : 0) : 0,
    verifyType: n(48) % 4 === 0 ? -1 : 0,
    signature: kind === 'mp' ? `${head}${tail}的官方小程序` : `${head}${tail}官方账号`,
    funcIds: kind === 'oa' ? OA_FUNC_IDS : MP_FUNC_IDS,
  };
}

/** Profiles of the release-check test accounts, keyed by appid. */
export function testGroupProfiles(seed: string): AccountProfile[] {
  const out: AccountProfile[] = [];
  for (const g of RELEASE_TEST_GROUPS) {
    for (const kind of ['oa', 'mp'] as const) {
      const a = g[kind];
      const h = hashHex(seed, 'test', a.appid);
      out.push({
        appid: a.appid,
        kind,
        nickName: kind === 'oa' ? `全网发布测试公众号${g.group}` : `全网发布测试小程序${g.group}`,
        principalName: '腾讯科技（深圳）有限公司',
        userName: a.userName,
        alias: '',
        headImg: `http://wx.qlogo.cn/mmopen/${h.slice(0, 40)}/0`,
        qrcodeUrl: `http://mmbiz.qpic.cn/mmbiz_jpg/${h.slice(24, 56)}/0`,
        serviceType: kind === 'oa' ? 2 : 0,
        verifyType: 0,
        signature: '全网发布检测专用账号',
        funcIds: kind === 'oa' ? OA_FUNC_IDS : MP_FUNC_IDS,
        testOpenid: `o${h.slice(0, 6)}${Buffer.from(h.slice(6, 26), 'hex').toString('base64url').slice(0, 21)}`,
      });
    }
  }
  return out;
}

/** An openid for a simulated user of an account (deterministic: same user, same account, same openid). */
export function userOpenid(seed: string, appid: string, user = 'user'): string {
  const h = hashHex(seed, 'openid', appid, user);
  return `o${Buffer.from(h.slice(0, 40), 'hex').toString('base64url').slice(0, 27)}`;
}
