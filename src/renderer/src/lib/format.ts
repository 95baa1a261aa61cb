/** Small display helpers shared by the views. Locale-aware parts take the locale as an argument. */

export function formatTime(ms: number | null | undefined, locale: string): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString(locale, { hour12: false });
}

export function formatDate(ms: number | null | undefined, locale: string): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleDateString(locale);
}

/** A duration like "1h 52m", "4m 10s", "12s" (units are universal enough to not translate). */
export function formatDuration(ms: number): string {
  const negative = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const text = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
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
