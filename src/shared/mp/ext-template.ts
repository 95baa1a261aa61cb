/**
 * The ext_json template of a batch release: JSON text with per-account variables `${name}`, filled from the account's
 * fields (appid, nickname, username, principal, alias) or from an imported CSV keyed by appid. Shared by the desk
 * (which fills it per account) and the UI (which checks it as it is typed). Values are put in as JSON string content
 * (escaped), so a variable belongs inside a JSON string: "name": "${nickname}".
 */

export const ACCOUNT_VARIABLES = ['appid', 'nickname', 'username', 'principal', 'alias'] as const;
export type AccountVariable = (typeof ACCOUNT_VARIABLES)[number];

/** WeChat's limit for ext_json is not published; the desk refuses more than this (the JSON text, in UTF-8 bytes). */
export const EXT_JSON_MAX_BYTES = 100_000;

export interface Problem {
  path: string;
  zh: string;
  en: string;
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The variable names the template uses, each once, in order of first use. */
export function templateVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VAR)].map((m) => m[1]!))];
}

/** Fills the template with the values (each escaped as JSON string content) and parses it: an object, or the problem. */
export function fillExtTemplate(text: string, values: Record<string, string>): { ext: Record<string, unknown> } | { problem: Problem } {
  const missing = templateVariables(text).filter((v) => values[v] === undefined);
  if (missing.length > 0) {
    return { problem: { path: 'extJson', zh: `变量没有值：${missing.map((m) => '${' + m + '}').join('、')}`, en: `no value for ${missing.map((m) => '${' + m + '}').join(', ')}` } };
  }
  const filled = text.replace(VAR, (_m, name: string) => JSON.stringify(values[name]).slice(1, -1));
  let parsed: unknown;
  try {
    parsed = JSON.parse(filled);
  } catch (err) {
    return { problem: { path: 'extJson', zh: `填入变量后不是合法的 JSON（85013）：${(err as Error).message}`, en: `is not valid JSON once filled in (85013): ${(err as Error).message}` } };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { problem: { path: 'extJson', zh: 'ext_json 须为 JSON 对象（{…}）（85013）', en: 'ext_json must be a JSON object ({…}) (85013)' } };
  }
  const bytes = new TextEncoder().encode(filled).length;
  if (bytes > EXT_JSON_MAX_BYTES) {
    return { problem: { path: 'extJson', zh: `填入变量后超过 ${EXT_JSON_MAX_BYTES} 字节（现为 ${bytes}）`, en: `is over ${EXT_JSON_MAX_BYTES} bytes once filled in (${bytes})` } };
  }
  return { ext: parsed as Record<string, unknown> };
}

/** One CSV line's cells (RFC 4180 quotes: "a ""b""", commas and line breaks inside quotes). */
function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell), rows.push(row), (row = []), (cell = '');
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}

/**
 * The per-account values of an imported CSV: a header row with an `appid` column, then one row per account. Problems
 * name the line (1 is the header).
 */
export function parseVariablesCsv(text: string): { columns: string[]; byAppid: Map<string, Record<string, string>> } | { problem: Problem } {
  const rows = parseCsvRows(text.replace(/^\uFEFF/, ''));
  const header = (rows[0] ?? []).map((h) => h.trim());
  const at = header.indexOf('appid');
  if (at < 0) return { problem: { path: 'csv', zh: '第 1 行须为表头，且有 appid 列', en: 'line 1 must be a header with an appid column' } };
  const bad = header.find((h) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(h));
  if (bad !== undefined) return { problem: { path: 'csv', zh: `表头“${bad}”不能作变量名（字母、数字、下划线，不以数字开头）`, en: `header "${bad}" cannot be a variable name (letters, digits, _; not starting with a digit)` } };
  const byAppid = new Map<string, Record<string, string>>();
  for (const [i, r] of rows.slice(1).entries()) {
    if (r.length !== header.length) return { problem: { path: 'csv', zh: `第 ${i + 2} 行有 ${r.length} 列，表头有 ${header.length} 列`, en: `line ${i + 2} has ${r.length} cells, the header ${header.length}` } };
    const appid = r[at]!.trim();
    if (!/^wx[0-9a-f]{16}$/i.test(appid)) return { problem: { path: 'csv', zh: `第 ${i + 2} 行的 appid“${appid}”不是 AppID`, en: `line ${i + 2}: "${appid}" is not an appid` } };
    if (byAppid.has(appid)) return { problem: { path: 'csv', zh: `第 ${i + 2} 行：appid ${appid} 出现了两次`, en: `line ${i + 2}: appid ${appid} appears twice` } };
    byAppid.set(appid, Object.fromEntries(header.map((h, j) => [h, r[j]!])));
  }
  return { columns: header, byAppid };
}

/**
 * Checks a template before any account is read: every variable is an account field or a CSV column, and with every
 * variable filled with a sample it is a JSON object.
 */
export function extTemplateProblems(text: string, csvColumns: readonly string[]): Problem[] {
  if (typeof text !== 'string' || !text.trim()) return [{ path: 'extJson', zh: '必填：ext_json 模板（JSON 对象，可用 ${appid} 等变量）', en: 'is required: the ext_json template (a JSON object; variables such as ${appid})' }];
  const known = new Set<string>([...ACCOUNT_VARIABLES, ...csvColumns]);
  const unknown = templateVariables(text).filter((v) => !known.has(v));
  if (unknown.length > 0) {
    return [{ path: 'extJson', zh: `未知变量 ${unknown.map((u) => '${' + u + '}').join('、')}：可用账号字段 ${ACCOUNT_VARIABLES.join('、')} 或导入的 CSV 列`, en: `unknown variable ${unknown.map((u) => '${' + u + '}').join(', ')}: use an account field (${ACCOUNT_VARIABLES.join(', ')}) or an imported CSV column` }];
  }
  const sample = Object.fromEntries(templateVariables(text).map((v) => [v, 'x']));
  const filled = fillExtTemplate(text, sample);
  return 'problem' in filled ? [filled.problem] : [];
}
