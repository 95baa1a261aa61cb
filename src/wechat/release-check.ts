/**
 * The full-network release responder (全网发布检测, reference §5.4). WeChat picks one of five test groups at random,
 * so all five are known here; the rules apply only to these accounts, never to real users.
 */
export const RELEASE_TEST_ACCOUNTS: ReadonlyArray<{ group: number; oa: [appid: string, userName: string]; mp: [appid: string, userName: string] }> = [
  { group: 1, oa: ['wx570bc396a51b8ff8', 'gh_3c884a361561'], mp: ['wxd101a85aa106f53e', 'gh_8dad206e9538'] },
  { group: 2, oa: ['wx9252c5e0bb1836fc', 'gh_c0f28a78b318'], mp: ['wxc39235c15087f6f3', 'gh_905ae9d01059'] },
  { group: 3, oa: ['wx8e1097c5bc82cde9', 'gh_3f222ed8d140'], mp: ['wx7720d01d4b2a4500', 'gh_393666f1fdf4'] },
  { group: 4, oa: ['wx14550af28c71a144', 'gh_26128078e9ab'], mp: ['wx05d483572dcd5d8b', 'gh_39abb5d4e1b7'] },
  { group: 5, oa: ['wxa35b9c23cfe664eb', 'gh_2b3713f184a6'], mp: ['wx5910277cae6fd970', 'gh_7818dcb60240'] },
];

const TEST_APPIDS = new Set(RELEASE_TEST_ACCOUNTS.flatMap((g) => [g.oa[0], g.mp[0]]));
const TEST_USERNAMES = new Set(RELEASE_TEST_ACCOUNTS.flatMap((g) => [g.oa[1], g.mp[1]]));

export function isReleaseTestAccount(appid: string | null, toUserName: string | undefined): boolean {
  return (appid !== null && TEST_APPIDS.has(appid)) || (toUserName !== undefined && TEST_USERNAMES.has(toUserName));
}

export const QUERY_AUTH_CODE_PREFIX = 'QUERY_AUTH_CODE:';
export const TEXT_CASE = 'TESTCOMPONENT_MSG_TYPE_TEXT';

/** What to do with one message from a test account. */
export type ReleaseAction =
  | { kind: 'text'; content: string }
  | { kind: 'empty_then_api'; queryAuthCode: string }
  | { kind: 'none' };

export function releaseAction(msg: { MsgType?: string; Event?: string; Content?: string }): ReleaseAction {
  if (msg.MsgType === 'event' && msg.Event) return { kind: 'text', content: `${msg.Event}from_callback` };
  if (msg.MsgType === 'text' && msg.Content === TEXT_CASE) return { kind: 'text', content: `${TEXT_CASE}_callback` };
  if (msg.MsgType === 'text' && msg.Content?.startsWith(QUERY_AUTH_CODE_PREFIX)) {
    return { kind: 'empty_then_api', queryAuthCode: msg.Content.slice(QUERY_AUTH_CODE_PREFIX.length) };
  }
  return { kind: 'none' };
}
