/**
 * A batch run's report: one row per account, as CSV or XLSX, made like the authorizer export (export.ts): for people
 * ('zh-CN' / 'en') headers and values in words and local times (XLSX date cells); for scripts ('snake_case') stable
 * headers, codes and UTC ISO times.
 */
import { KIND_WORDS } from '../../shared/authorizer-words';
import type { BatchItem, BatchItemState, BatchRun } from '../../shared/batch';
import { isTimeZone, type ExportHeaderStyle, type ExportResult } from '../../shared/contract';
import type { AuthorizerKind } from '../../shared/domain';
import { explainErrcode } from '../../shared/errcodes';
import { RELEASE_STAGE_WORDS } from '../../shared/mp/release';
import { ServiceError } from '../errors';
import { csvCell, csvResult, defaultExportTimeZone, timeZoneError, wallSerial, wallText, xlsxResult, zoneClock } from './export';
import { buildXlsx, type Cell, type XlsxCell } from './xlsx';

type Lang = 'zh' | 'en';

/** An account of the run with what the store knows of it. */
export interface ReportRow extends BatchItem {
  nickName: string | null;
  kind: AuthorizerKind | null;
}

export const ITEM_STATE_WORDS: Record<BatchItemState, { zh: string; en: string }> = {
  unplanned: { zh: '待计划', en: 'To plan' },
  pending: { zh: '待执行', en: 'To apply' },
  skipped: { zh: '跳过', en: 'Skipped' },
  applying: { zh: '执行中', en: 'Applying' },
  done: { zh: '完成', en: 'Done' },
  failed: { zh: '失败', en: 'Failed' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

interface Column {
  header: string;
  zh: string;
  en: string;
  /** The value for people, in `lang`; scripts get `lang` 'en' words only where the column has no code. */
  value: (r: ReportRow, lang: Lang, forPeople: boolean) => Cell;
  time?: (r: ReportRow) => number | null;
}

const COLUMNS: Column[] = [
  { header: 'appid', zh: 'AppID', en: 'AppID', value: (r) => r.appid },
  { header: 'nick_name', zh: '名称', en: 'Name', value: (r) => r.nickName },
  { header: 'kind', zh: '账号类型', en: 'Account kind', value: (r, l, people) => (r.kind === null ? null : people ? KIND_WORDS[r.kind][l] : r.kind) },
  { header: 'state', zh: '状态', en: 'State', value: (r, l, people) => (people ? ITEM_STATE_WORDS[r.state][l] : r.state) },
  { header: 'errcode', zh: '错误码', en: 'Errcode', value: (r) => r.errcode },
  { header: 'errcode_meaning', zh: '错误码含义', en: 'Errcode meaning', value: (r, l) => (r.errcode === null || r.errcode === 0 ? null : explainErrcode(r.errcode)[l]) },
  { header: 'errmsg', zh: '微信返回信息', en: "WeChat's errmsg", value: (r) => r.errmsg },
  { header: 'summary', zh: '变更 / 结果', en: 'Change / outcome', value: (r, l) => r.summary?.[l] ?? null },
  { header: 'reason', zh: '原因', en: 'Reason', value: (r, l) => r.reason?.[l] ?? null },
  { header: 'attempts', zh: '发送次数', en: 'Tries', value: (r) => r.attempts },
  { header: 'started_at', zh: '开始时间', en: 'Started at', value: (r) => iso(r.startedAt), time: (r) => r.startedAt },
  { header: 'finished_at', zh: '结束时间', en: 'Finished at', value: (r) => iso(r.finishedAt), time: (r) => r.finishedAt },
];


const dataOf = (r: ReportRow, key: string): unknown => (r.stageData ? r.stageData[key] : undefined);

/** A release run's report also has each account's stage, auditid, the reviewers' reason and screenshot ids. */
const RELEASE_COLUMNS: Column[] = [
  { header: 'release_stage', zh: '发布阶段', en: 'Release stage', value: (r, l, people) => (r.stage === null ? null : people ? (RELEASE_STAGE_WORDS[r.stage as keyof typeof RELEASE_STAGE_WORDS]?.[l] ?? r.stage) : r.stage) },
  { header: 'audit_id', zh: '审核编号', en: 'Audit id', value: (r) => (typeof dataOf(r, 'auditid') === 'number' ? (dataOf(r, 'auditid') as number) : null) },
  { header: 'audit_reason', zh: '审核意见', en: "Reviewers' reason", value: (r) => (typeof dataOf(r, 'reason') === 'string' ? (dataOf(r, 'reason') as string) : null) },
  { header: 'audit_screenshots', zh: '审核截图', en: 'Screenshots', value: (r) => (Array.isArray(dataOf(r, 'screenshots')) ? (dataOf(r, 'screenshots') as string[]).join('|') : null) },
];

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function buildBatchReport(
  run: BatchRun,
  rows: Iterable<ReportRow>,
  opts: { format: 'csv' | 'xlsx'; headerStyle?: ExportHeaderStyle; timeZone?: string; now: Date },
): ExportResult {
  const style = opts.headerStyle ?? 'snake_case';
  const forPeople = style !== 'snake_case';
  const lang: Lang = style === 'zh-CN' ? 'zh' : 'en';
  const timeZone = opts.timeZone ?? defaultExportTimeZone(style);
  if (forPeople && !isTimeZone(timeZone)) throw new ServiceError('invalid_arguments', timeZoneError(timeZone));
  const clock = forPeople ? zoneClock(timeZone) : null;
  const columns = run.kind === 'mp.release' ? [...COLUMNS.slice(0, 4), ...RELEASE_COLUMNS, ...COLUMNS.slice(4)] : COLUMNS;
  const header = columns.map((c) => (!forPeople ? c.header : c.time ? `${c[lang]} (${timeZone})` : c[lang]));
  const cellsOf = (r: ReportRow): XlsxCell[] =>
    columns.map((c) => {
      if (c.time && clock) {
        const ms = c.time(r);
        if (ms === null) return null;
        const wall = clock(ms);
        return opts.format === 'xlsx' ? { dateSerial: wallSerial(wall) } : wallText(wall);
      }
      return c.value(r, lang, forPeople);
    });
  const stamp = opts.now.toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const base = `batch-run-${run.id}-${run.componentAppid}-${stamp}`;
  let count = 0;
  if (opts.format === 'xlsx') {
    const cells = (function* () {
      for (const r of rows) {
        count++;
        yield cellsOf(r);
      }
    })();
    const file = buildXlsx(header, cells, { sheetName: forPeople && lang === 'zh' ? `批量任务 ${run.id}` : `batch run ${run.id}` });
    return xlsxResult(base, file, count);
  }
  const lines = [header.map((h) => csvCell(h)).join(',')];
  for (const r of rows) {
    count++;
    lines.push(cellsOf(r).map((c) => csvCell(c as Cell)).join(','));
  }
  return csvResult(base, lines, count);
}
