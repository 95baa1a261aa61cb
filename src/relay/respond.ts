/** How the relay answers on its public side: plain text, JSON or a static page, never cached. */
import type http from 'node:http';
import type net from 'node:net';
import { escapeHtml } from '../node/http';

export function send(res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', close = false): void {
  if (res.headersSent || res.writableEnded) return;
  const headers: http.OutgoingHttpHeaders = { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' };
  if (close) headers['Connection'] = 'close';
  if (type.startsWith('text/html')) {
    // The pages are static: no scripts, no framing; the one link is the registered login URL.
    headers['Content-Security-Policy'] = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    headers['X-Frame-Options'] = 'DENY';
    headers['X-Content-Type-Options'] = 'nosniff';
  }
  res.writeHead(status, headers);
  res.end(body);
}

/** A bilingual static page (the authorization start and landing pages). */
export function page(title: string, bodyHtml: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.6}
.button{display:inline-block;padding:.8rem 1.6rem;background:#07c160;color:#fff;border-radius:6px;text-decoration:none;font-size:1.1rem}
p.en{color:#555}</style></head><body>${bodyHtml}</body></html>`;
}

/**
 * Closing right after an early 413/408 while the client is still sending makes the kernel answer with RST, and the
 * client may lose our response. Instead: send FIN after the response, discard what still arrives, destroy after 2 s.
 */
export function lingeringClose(socket: net.Socket): void {
  const sock = socket as net.Socket & { destroySoon?: () => void };
  sock.destroySoon = () => {
    sock.end();
    sock.resume();
    setTimeout(() => sock.destroy(), 2000).unref();
  };
}
