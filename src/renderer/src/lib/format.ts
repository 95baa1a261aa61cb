/**
 * Every time and duration the renderer shows goes through here: times in one IANA zone (the setting, or the default:
 * China's for Chinese, this computer's otherwise), durations in the UI's language. Pure functions; views use them via
 * useFormat() (lib/use-format.ts), which supplies the locale and the zone.
 */

export const CHINA_TIME_ZONE = 'Asia/Shanghai';

let systemZone: string | null = null;
/** Zones already checked: building an Intl.DateTimeFormat costs ~0.1–1 ms, and every formatted time asks. */
const knownZones = new Map<string, boolean>();

/** This computer's zone (the browser's, in console mode); read once. */
export function systemTimeZone(): string {
  return (systemZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

/** The zone used when the setting is empty: Asia/Shanghai for a Chinese UI, the system's otherwise. */
export function defaultTimeZone(locale: string): string {
  return locale === 'en' ? systemTimeZone() : CHINA_TIME_ZONE;
}

/** The zone times are shown in: the setting when it is a zone Intl knows, else the default for the locale. */
export function effectiveTimeZone(setting: string | null | undefined, locale: string): string {
  if (setting) {
    let known = knownZones.get(setting);
    if (known === undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: setting });
        known = true;
      } catch {
        // an unknown zone (saved by an older build?) falls back to the default
        known = false;
      }
      knownZones.set(setting, known);
    }
    if (known) return setting;
  }
  return defaultTimeZone(locale);
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Zones whose wall clock is plain arithmetic: the default zones need no Intl formatter, whose first use costs 50–150 ms
 * at start-up (loading the zone data). China has kept UTC+8 without summer time since 1991.
 */
const FIXED_OFFSET_MINUTES: Record<string, { minutes: number; since: number }> = {
  UTC: { minutes: 0, since: -Infinity },
  'Etc/UTC': { minutes: 0, since: -Infinity },
  'Asia/Shanghai': { minutes: 480, since: Date.UTC(1991, 8, 16) },
};

type WallClock = Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;

function fixedWallClock(ms: number, offsetMinutes: number): WallClock {
  const d = new Date(ms + offsetMinutes * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    year: String(d.getUTCFullYear()),
    month: two(d.getUTCMonth() + 1),
    day: two(d.getUTCDate()),
    hour: two(d.getUTCHours()),
    minute: two(d.getUTCMinutes()),
    second: two(d.getUTCSeconds()),
  };
}

/** The wall-clock fields of `ms` in `timeZone` (formatters are cached: the tables format thousands of cells). */
function wallClock(ms: number, timeZone: string): WallClock {
  const fixed = FIXED_OFFSET_MINUTES[timeZone];
  if (fixed && ms >= fixed.since) return fixedWallClock(ms, fixed.minutes);
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partsFormatters.set(timeZone, f);
  }
  const out = { year: '', month: '', day: '', hour: '', minute: '', second: '' };
  for (const p of f.formatToParts(ms)) if (p.type in out) out[p.type as keyof typeof out] = p.value;
  return out;
}

/**
 * A date and time such as 2026-11-30 21:01:00 in `timeZone` (the same unambiguous order in both languages; the
 * locale argument is kept for callers and future use).
 */
export function formatTime(ms: number | null | undefined, _locale: string, timeZone: string): string {
  if (ms === null || ms === undefined) return '—';
  const w = wallClock(ms, timeZone);
  return `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}`;
}

/** A date such as 2026-11-30 in `timeZone`. */
export function formatDate(ms: number | null | undefined, _locale: string, timeZone: string): string {
  if (ms === null || ms === undefined) return '—';
  const w = wallClock(ms, timeZone);
  return `${w.year}-${w.month}-${w.day}`;
}

/**
 * The instant a date picker's value means in `timeZone`. The picker shows and returns the browser's own wall clock,
 * while every time on the screens is shown in the app's zone: its fields are read as a wall clock in `timeZone`.
 * `dayAfter`: the start of the next day (the end of a date range that includes its last day).
 */
export function pickedTime(picked: Date, timeZone: string, dayAfter = false): number {
  const asUtc = Date.UTC(picked.getFullYear(), picked.getMonth(), picked.getDate() + (dayAfter ? 1 : 0), picked.getHours(), picked.getMinutes(), picked.getSeconds(), picked.getMilliseconds());
  const offsetAt = (ms: number) => {
    const w = wallClock(ms, timeZone);
    return Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second) - Math.floor(ms / 1000) * 1000;
  };
  // Twice: the offset at the first guess may differ from the one at the answer (a daylight-saving change between).
  return asUtc - offsetAt(asUtc - offsetAt(asUtc));
}

/** Hours and minutes such as 21:01 in `timeZone` (chart axes). */
export function formatClock(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${w.hour}:${w.minute}`;
}

/**
 * The zone as shown beside times: "Asia/Shanghai (UTC+08:00)". The offset comes from the wall clock the time
 * formatter already gives (a formatter with timeZoneName costs ~70 ms on first use at start-up).
 */
export function zoneLabel(timeZone: string, at: number = Date.now()): string {
  let minutes: number;
  try {
    const whole = Math.floor(at / 1000) * 1000;
    const w = wallClock(whole, timeZone);
    minutes = Math.round((Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second) - whole) / 60_000);
  } catch {
    return timeZone;
  }
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${timeZone} (UTC${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)})`;
}

const DURATION_UNITS = {
  'zh-CN': { d: '天', h: '小时', m: '分', s: '秒' },
  en: { d: 'd', h: 'h', m: 'min', s: 's' },
} as const;

/** A duration in the UI's language: "1 小时 58 分", "16 秒" / "1 h 58 min", "16 s" (the two largest units). */
export function formatDuration(ms: number, locale: string): string {
  const u = locale === 'en' ? DURATION_UNITS.en : DURATION_UNITS['zh-CN'];
  const negative = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const text =
    d > 0 ? `${d} ${u.d} ${h} ${u.h}` : h > 0 ? `${h} ${u.h} ${m} ${u.m}` : m > 0 ? `${m} ${u.m} ${s} ${u.s}` : `${s} ${u.s}`;
  return negative ? `-${text}` : text;
}

/** Trigger a browser download of text or bytes (console mode). */
export function downloadBlob(data: BlobPart, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: some browsers start the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
