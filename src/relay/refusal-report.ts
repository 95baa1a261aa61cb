/**
 * Refusing a public request: the answer, a log line (rate-limited per reason, so a flood does not flood the journal
 * too) and a count in the refusal record (addition 2), which is restored at start and saved to SQLite.
 */
import type http from 'node:http';
import { sendJson } from '../node/http';
import type { RefusalsFrame } from '../shared/relay-protocol';
import { sourceAddress } from './limits';
import type { LogFields, RelayLogger } from './log';
import type { PushQueue } from './queue';
import { RefusalLog, type RefusalSnapshot } from './refusals';
import { lingeringClose, send } from './respond';

const LOG_WINDOW_MS = 10_000;
const LOG_PER_REASON = 10;

export class RefusalReport {
  /** The counts and recent refusals; its onRecord is the delivery's (it sends refusals frames). */
  readonly log = new RefusalLog();
  private savedVersion: number;
  private logWindowStart = 0;
  private readonly loggedByReason = new Map<string, number>();

  constructor(
    private readonly queue: PushQueue,
    private readonly logger: RelayLogger,
    private readonly trustedProxies: ReadonlySet<string>,
    /** config.debugBodies: a refused push's body goes into its log line. */
    private readonly debugBodies: boolean,
  ) {
    try {
      const saved = queue.getInfo('refusals');
      if (saved) this.log.restore(JSON.parse(saved) as RefusalSnapshot);
    } catch (err) {
      logger('warn', 'saved refusal record unreadable; starting a new one', { error: (err as Error).message });
    }
    this.savedVersion = this.log.version;
  }

  /** Saves the record with the queue's next group commit, when it changed since the last save. */
  save(): void {
    if (this.log.version === this.savedVersion) return;
    try {
      this.queue.saveInfo('refusals', JSON.stringify(this.log.snapshot()));
      this.savedVersion = this.log.version;
    } catch (err) {
      this.logger('error', 'saving the refusal record failed', { error: (err as Error).message });
    }
  }

  frame(): string {
    return JSON.stringify({ type: 'refusals', ...this.log.summary() } satisfies RefusalsFrame);
  }

  /** Counts a refusal; the source is the request's (behind a trusted proxy: the forwarded one), else `remote`. */
  count(req: http.IncomingMessage | null, remote: string, status: number, reason: string, path: string): void {
    this.log.record({ reason, status, path, remote: req ? sourceAddress(req, this.trustedProxies) : remote });
  }

  /**
   * One log line per refusal, but at most LOG_PER_REASON per reason in each LOG_WINDOW_MS. What was not logged is
   * counted in one line (and every refusal is in the refusal counts).
   */
  logLine(msg: string, fields: LogFields & { reason: string }): void {
    const now = Date.now();
    if (now - this.logWindowStart >= LOG_WINDOW_MS) {
      const skipped = [...this.loggedByReason].filter(([, n]) => n > LOG_PER_REASON).map(([r, n]) => [r, n - LOG_PER_REASON] as const);
      if (skipped.length) this.logger('warn', 'more refusals than logged (all are counted in the refusal record)', { windowMs: LOG_WINDOW_MS, ...Object.fromEntries(skipped) });
      this.logWindowStart = now;
      this.loggedByReason.clear();
    }
    const n = (this.loggedByReason.get(fields.reason) ?? 0) + 1;
    this.loggedByReason.set(fields.reason, n);
    if (n <= LOG_PER_REASON) this.logger('warn', msg, fields);
  }

  /** Refuse a public request: answer (a page or `status reason`), log it, and count it as a refusal. */
  reject(res: http.ServerResponse, req: http.IncomingMessage, status: number, reason: string, path: string, body?: string, html?: string): void {
    if (res.headersSent) return;
    // Oversized or unfinished bodies: close the connection instead of reading the rest.
    const close = status === 413 || status === 408 || !req.complete;
    if (close) lingeringClose(req.socket);
    if (html !== undefined) send(res, status, html, 'text/html; charset=utf-8', close);
    else send(res, status, `${status} ${reason}\n`, 'text/plain; charset=utf-8', close);
    this.logLine('request refused', { reason, status, path, ...(this.debugBodies && body !== undefined ? { body } : {}) });
    this.count(req, '', status, reason, path);
  }

  /** A desk-side request (healthz with a key, auth links) without the right desk key: 401 with a JSON error. */
  refuseDeskKey(req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
    this.logLine('refused: missing or wrong desk key', { reason: 'bad_desk_key', path, remote: sourceAddress(req, this.trustedProxies) });
    this.count(req, '', 401, 'bad_desk_key', path);
    sendJson(res, 401, { error: 'missing or wrong desk key (Authorization: Bearer <deskKey>)' });
  }
}
