/**
 * The full-network release check (全网发布检测, reference §5.4): for each test group, a LOCATION event and a text
 * message that need passive replies, and a QUERY_AUTH_CODE message that needs a custom/send made with a token from
 * api_query_auth.
 */
import { RELEASE_TEST_GROUPS, type AccountKind, type AccountProfile } from '../accounts';
import { sleep } from '../kernel/http';
import type { SimKernel } from '../kernel/kernel';
import type { CustomMessageRecord, ReleaseCaseResult, ReleaseCheckOptions, ReleaseCheckResult, ReleaseGroupResult } from '../types';

export interface ReleaseCheckDeps {
  k: SimKernel;
  /** The custom messages sent so far (the custom-service family records them). */
  messages: () => readonly CustomMessageRecord[];
  closed: () => boolean;
}

export async function releaseCheck(d: ReleaseCheckDeps, options: ReleaseCheckOptions = {}): Promise<ReleaseCheckResult> {
  const which = options.group ?? 1;
  if (which !== 'all' && (!Number.isInteger(which) || which < 1 || which > 5)) throw new RangeError('group must be 1..5 or "all"');
  const kinds: AccountKind[] = options.accounts === 'both' ? ['oa', 'mp'] : [options.accounts ?? 'oa'];
  const groups = which === 'all' ? RELEASE_TEST_GROUPS : RELEASE_TEST_GROUPS.filter((g) => g.group === which);
  const out: ReleaseGroupResult[] = [];
  for (const g of groups) {
    for (const kind of kinds) {
      const profile = d.k.state.extraProfiles.get(g[kind].appid)!;
      const cases = [
        await passiveCase(d, profile, 'event_location', { event: 'LOCATION' }, 'LOCATIONfrom_callback'),
        await passiveCase(d, profile, 'text_passive', { content: 'TESTCOMPONENT_MSG_TYPE_TEXT' }, 'TESTCOMPONENT_MSG_TYPE_TEXT_callback'),
        await apiCase(d, profile, options.apiTimeoutMs ?? 10_000),
      ];
      for (const c of cases) d.k.log(`release-check group ${g.group} ${profile.appid} ${c.name}: ${c.passed ? 'pass' : `FAIL: ${c.reason}`}`);
      out.push({ group: g.group, appid: profile.appid, userName: profile.userName, kind, passed: cases.every((c) => c.passed), cases });
    }
  }
  return { passed: out.every((g) => g.passed), groups: out };
}

async function passiveCase(d: ReleaseCheckDeps, p: AccountProfile, name: ReleaseCaseResult['name'], msg: { event?: string; content?: string }, expected: string): Promise<ReleaseCaseResult> {
  const rec = await d.k.pushes.userMessage({ appid: p.appid, openid: p.testOpenid, ...msg });
  const fail = (reason: string): ReleaseCaseResult => ({ name, passed: false, reason, reply: rec.reply });
  if (rec.outcome === 'no_url') return fail('no message URL configured');
  if (rec.outcome === 'failed' || rec.outcome === 'dropped') return fail(`the push failed: ${rec.reason}`);
  if (rec.outcome === 'bad_reply') return fail(`the reply was refused: ${rec.reason}`);
  if (rec.outcome !== 'reply') return fail(`expected a passive text reply "${expected}", got an empty body or "success"`);
  const f = rec.replyFields ?? {};
  if (f.MsgType !== 'text') return fail(`reply MsgType is "${f.MsgType ?? ''}", expected "text"`);
  if (f.Content !== expected) return fail(`reply Content is "${f.Content ?? ''}", expected "${expected}"`);
  if (f.ToUserName !== p.testOpenid) return fail(`reply ToUserName is "${f.ToUserName ?? ''}", expected the user's openid "${p.testOpenid}" (From/To swapped)`);
  if (f.FromUserName !== p.userName) return fail(`reply FromUserName is "${f.FromUserName ?? ''}", expected the account "${p.userName}" (From/To swapped)`);
  return { name, passed: true, reason: `replied "${expected}"`, reply: rec.reply };
}

async function apiCase(d: ReleaseCheckDeps, p: AccountProfile, timeoutMs: number): Promise<ReleaseCaseResult> {
  const name = 'text_api' as const;
  const code = d.k.authorize(p.appid, { push: false }).authCode;
  const since = d.messages().length;
  const rec = await d.k.pushes.userMessage({ appid: p.appid, openid: p.testOpenid, content: `QUERY_AUTH_CODE:${code}` });
  if (rec.outcome === 'no_url') return { name, passed: false, reason: 'no message URL configured' };
  if (rec.outcome === 'failed' || rec.outcome === 'dropped') return { name, passed: false, reason: `the push failed: ${rec.reason}` };
  if (rec.outcome !== 'success') {
    const what = rec.outcome === 'reply' ? `a reply with Content "${rec.replyFields?.Content ?? ''}"` : `an invalid reply (${rec.reason})`;
    return { name, passed: false, reason: `expected an empty reply at once, got ${what}`, reply: rec.reply };
  }
  const expected = `${code}_from_api`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const msgs = d.messages().slice(since).filter((m) => m.appid === p.appid);
    const good = msgs.find((m) => m.content === expected && m.touser === p.testOpenid && m.tokenFromAuthCode === code);
    if (good) return { name, passed: true, reason: `custom/send "${expected}" arrived with a token from api_query_auth` };
    if (Date.now() >= deadline || d.closed()) {
      const m = msgs[0];
      if (!m) return { name, passed: false, reason: `no custom/send for ${p.appid} within ${timeoutMs} ms (expected content "${expected}")` };
      if (m.content !== expected) return { name, passed: false, reason: `custom/send content was "${m.content ?? `(${m.msgtype})`}", expected "${expected}"` };
      if (m.touser !== p.testOpenid) return { name, passed: false, reason: `custom/send touser was "${m.touser}", expected the sender "${p.testOpenid}"` };
      return { name, passed: false, reason: 'custom/send used an access token not obtained through api_query_auth with the code from the message' };
    }
    await sleep(50);
  }
}
