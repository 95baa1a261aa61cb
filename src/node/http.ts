/**
 * The few node:http helpers the relay, the console server and the simulator share: read a bounded body, answer JSON,
 * escape text for HTML. Node only; no DOM, nothing of the desktop.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request the server refuses with `status`; `reason` is a short code for logs and counts. Not an Error: refusals
 * are routine under attack, and capturing a stack trace for each one was a measurable part of the cost of a flood.
 */
export class HttpRefusal {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {}
}

/**
 * The body, within `maxBytes` and (when given) by `deadline` (epoch ms). Otherwise rejects with an HttpRefusal:
 * 413 body_too_large (declared or counted), 408 body_timeout, 400 client_aborted; a stream error rejects as it is.
 * On a refusal the request is paused, not drained: the caller answers and decides what happens to the connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number, deadline?: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new HttpRefusal(413, 'body_too_large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const timer = deadline === undefined ? undefined : setTimeout(() => finish(new HttpRefusal(408, 'body_timeout')), Math.max(0, deadline - Date.now()));
    const finish = (err: Error | HttpRefusal | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      if (err) {
        req.pause();
        reject(err);
      } else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) finish(new HttpRefusal(413, 'body_too_large'));
      else chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => finish(null));
    req.on('error', (e) => finish(e));
    req.on('aborted', () => finish(new HttpRefusal(400, 'client_aborted')));
  });
}

/** Answers `body` as JSON (never cached); does nothing once an answer has started. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
