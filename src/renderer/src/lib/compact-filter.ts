/** Drop empty values so the server sees only the filters actually set. */
export function compactFilter<T extends object>(f: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(f) as [keyof T, T[keyof T]][]) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    out[k] = v;
  }
  return out;
}
