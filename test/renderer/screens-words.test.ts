// @vitest-environment happy-dom
/** What the screens show for times, durations, codes and the Open Platform registration values. */
import { describe, expect, it } from 'vitest';
import { FUNC_SCOPE_KIND, FUNC_SCOPE_NAMES, OPTION_KINDS, OPTION_WORDS } from '../../src/shared/authorizer-words';
import { accountStatusText, funcScopeName, KNOWN_FUNC_IDS, serviceTypeText, verifyTypeText } from '../../src/renderer/src/domains/authorizers/funcscope';
import { refreshTokenState } from '../../src/renderer/src/domains/authorizers/token-state';
import { registrationValues } from '../../src/renderer/src/domains/setup/registration';
import { defaultTimeZone, effectiveTimeZone, formatClock, formatDate, formatDuration, formatTime, pickedTime, systemTimeZone, zoneLabel } from '../../src/renderer/src/lib/format';

const AT = Date.UTC(2026, 10, 30, 21, 1, 5); // 2026-11-30 21:01:05 UTC

describe('times and durations', () => {
  it('durations read in the UI language, two units at most', () => {
    const h = 3_600_000;
    expect(formatDuration(h + 58 * 60_000 + 30_000, 'zh-CN')).toBe('1 小时 58 分');
    expect(formatDuration(16_400, 'zh-CN')).toBe('16 秒');
    expect(formatDuration(4 * 60_000 + 10_000, 'zh-CN')).toBe('4 分 10 秒');
    expect(formatDuration(2 * 86_400_000 + 3 * h, 'zh-CN')).toBe('2 天 3 小时');
    expect(formatDuration(h + 58 * 60_000, 'en')).toBe('1 h 58 min');
    expect(formatDuration(16_000, 'en')).toBe('16 s');
    expect(formatDuration(-90_000, 'en')).toBe('-1 min 30 s');
  });

  it('times are shown in the chosen zone, the same instant', () => {
    expect(formatTime(AT, 'zh-CN', 'Asia/Shanghai')).toBe('2026-12-01 05:01:05');
    expect(formatTime(AT, 'en', 'UTC')).toBe('2026-11-30 21:01:05');
    expect(formatTime(AT, 'en', 'America/New_York')).toBe('2026-11-30 16:01:05');
    expect(formatDate(AT, 'zh-CN', 'Asia/Shanghai')).toBe('2026-12-01');
    expect(formatClock(AT, 'Europe/Berlin')).toBe('22:01');
    expect(formatTime(null, 'zh-CN', 'UTC')).toBe('—');
    expect(zoneLabel('Asia/Shanghai', AT)).toBe('Asia/Shanghai (UTC+08:00)');
    expect(zoneLabel('UTC', AT)).toBe('UTC (UTC+00:00)');
    expect(zoneLabel('America/New_York', AT)).toBe('America/New_York (UTC-05:00)');
    expect(zoneLabel('America/New_York', Date.UTC(2026, 6, 1))).toBe('America/New_York (UTC-04:00)'); // summer time
    expect(zoneLabel('Asia/Kolkata', AT)).toBe('Asia/Kolkata (UTC+05:30)');
    expect(zoneLabel('America/St_Johns', AT)).toBe('America/St_Johns (UTC-03:30)');
    expect(zoneLabel('Mars/Olympus', AT)).toBe('Mars/Olympus');
  });

  it('the arithmetic wall clock of Asia/Shanghai and UTC agrees with Intl, summer time of 1986–1991 included', () => {
    const intl = (ms: number, timeZone: string) => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
          .formatToParts(ms)
          .map((x) => [x.type, x.value]),
      );
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    };
    const times = [Date.UTC(1988, 6, 1, 3), Date.UTC(1991, 8, 15, 12), Date.UTC(1991, 8, 16, 0), AT, Date.UTC(2038, 0, 19, 3, 14, 7)];
    for (let i = 0; i < 200; i++) times.push(Date.UTC(1992, 0, 1) + Math.floor(((i * 7919) % 1000) / 1000 * 2e12) + i * 997);
    for (const ms of times) {
      expect(formatTime(ms, 'zh-CN', 'Asia/Shanghai'), new Date(ms).toISOString()).toBe(intl(ms, 'Asia/Shanghai'));
      expect(formatTime(ms, 'en', 'UTC')).toBe(intl(ms, 'UTC'));
    }
  });

  it('the default zone is China’s for Chinese and the system’s for English; the setting wins when Intl knows it', () => {
    expect(defaultTimeZone('zh-CN')).toBe('Asia/Shanghai');
    expect(defaultTimeZone('en')).toBe(systemTimeZone());
    expect(effectiveTimeZone(null, 'zh-CN')).toBe('Asia/Shanghai');
    expect(effectiveTimeZone('Europe/Berlin', 'zh-CN')).toBe('Europe/Berlin');
    expect(effectiveTimeZone('Mars/Olympus', 'zh-CN')).toBe('Asia/Shanghai');
  });
});

describe('names, not codes', () => {
  it('names every permission set of both lists, official accounts first, and says when one is unknown', () => {
    for (const id of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 22, 23, 24, 26, 27, 33, 34, 35, 44, 46, 47, 54]) expect(FUNC_SCOPE_KIND[id]).toBe('OA');
    for (const id of [17, 18, 19, 25, 30, 31, 36, 37, 40, 41, 45, 48, 49, 51, 52]) expect(FUNC_SCOPE_KIND[id]).toBe('MP');
    for (const id of KNOWN_FUNC_IDS) {
      expect(funcScopeName(id, 'zh-CN')).toMatch(/[\u4e00-\u9fff]/);
      expect(funcScopeName(id, 'en')).toMatch(/^[A-Z][^\u4e00-\u9fff]+ \(#\d+\)$/);
    }
    expect(KNOWN_FUNC_IDS.length).toBe(Object.keys(FUNC_SCOPE_NAMES).length);
    expect(FUNC_SCOPE_KIND[KNOWN_FUNC_IDS[0]!]).toBe('OA');
    expect(FUNC_SCOPE_KIND[KNOWN_FUNC_IDS.at(-1)!]).toBe('MP');
    expect(funcScopeName(1, 'zh-CN')).toBe('消息管理 (#1)');
    expect(funcScopeName(999, 'zh-CN')).toBe('未知权限集 (#999)');
    expect(funcScopeName(999, 'en')).toBe('Unknown permission set (#999)');
  });

  it('service type, verification and account status in words', () => {
    expect(serviceTypeText('OA', 2, 'zh-CN')).toBe('服务号');
    expect(serviceTypeText('OA', 0, 'en')).toBe('Subscription account');
    expect(serviceTypeText('MP', 0, 'zh-CN')).toBe('小程序');
    expect(serviceTypeText('OA', 7, 'zh-CN')).toBe('未知 (7)');
    expect(serviceTypeText('OA', null, 'zh-CN')).toBe('—');
    expect(verifyTypeText(-1, 'zh-CN')).toBe('未认证');
    expect(verifyTypeText(0, 'en')).toBe('WeChat verified');
    expect(accountStatusText(1, 'zh-CN')).toBe('正常');
  });

  it('account options have a meaning in both languages and apply to official accounts only', () => {
    expect(OPTION_KINDS).toEqual(['OA']);
    for (const o of Object.values(OPTION_WORDS)) {
      expect(o.meaning.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(o.meaning.en).toMatch(/^[A-Z]/);
      expect(Object.keys(o.values)).toContain('0');
    }
  });

  it('a refresh token is green only when stored and not known to be dead', () => {
    expect(refreshTokenState({ hasRefreshToken: true, status: 'active' })).toBe('stored');
    expect(refreshTokenState({ hasRefreshToken: false, status: 'active' })).toBe('missing');
    expect(refreshTokenState({ hasRefreshToken: true, status: 'needs_reauth' })).toBe('dead');
    expect(refreshTokenState({ hasRefreshToken: true, status: 'revoked' })).toBe('revoked');
    expect(refreshTokenState({ hasRefreshToken: true, status: 'active' }, { ok: false })).toBe('checkFailed');
  });
});

describe('what to register on the Open Platform', () => {
  it('derives the relay routes from its URL', () => {
    expect(registrationValues('wss://relay.example.com/')).toEqual({
      authEventUrl: 'https://relay.example.com/wechat/component',
      messageUrl: 'https://relay.example.com/wechat/authorizer/$APPID$',
      startPageDomain: 'relay.example.com',
      webDomain: 'relay.example.com',
      whitelistIp: null,
    });
    expect(registrationValues('https://relay.example.com/wx?x=1')?.authEventUrl).toBe('https://relay.example.com/wx/wechat/component');
    expect(registrationValues('http://203.0.113.7:8787')?.whitelistIp).toBe('203.0.113.7');
    expect(registrationValues('https://relay.example.com', { egressIp: '198.51.100.4' })?.whitelistIp).toBe('198.51.100.4');
    expect(registrationValues(null)).toBeNull();
    expect(registrationValues('not a url')).toBeNull();
  });
});

describe('date pickers read in the app\'s time zone', () => {
  it('a picked date and time means that wall clock in the zone the screens show, whatever the computer\'s zone', () => {
    // The picker returns the browser's wall clock: 2026-11-30 09:00 picked means 09:00 in Shanghai.
    expect(pickedTime(new Date(2026, 10, 30, 9, 0, 0), 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 30, 1, 0, 0));
    expect(pickedTime(new Date(2026, 10, 30, 9, 0, 0), 'UTC')).toBe(Date.UTC(2026, 10, 30, 9, 0, 0));
    // Either side of a daylight-saving change in New York (2026-03-08 02:00 → 03:00).
    expect(pickedTime(new Date(2026, 2, 8, 0, 0, 0), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5, 0, 0));
    expect(pickedTime(new Date(2026, 2, 8, 12, 0, 0), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 16, 0, 0));
  });

  it('the end of a date range is the start of the day after it, so "today to today" is all of today', () => {
    const day = new Date(2026, 10, 30); // the picker's 00:00 of the last day
    expect(pickedTime(day, 'Asia/Shanghai', true)).toBe(Date.UTC(2026, 11, 1, 0, 0, 0) - 8 * 3_600_000);
    expect(pickedTime(day, 'Asia/Shanghai', true) - pickedTime(day, 'Asia/Shanghai')).toBe(86_400_000);
  });
});
