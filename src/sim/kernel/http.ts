/** HTTP plumbing shared by the simulator's API, page and control handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpRefusal, readBody as readNodeBody, sendJson } from '../../node/http';
import { ApiError } from './errors';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The request body, refusing more than max bytes with the given errcode (WeChat's "data format error" by default). */
export async function readBytes(req: IncomingMessage, max: number, tooLarge = 47001): Promise<Buffer> {
  try {
    return await readNodeBody(req, max);
  } catch (err) {
    if (!(err instanceof HttpRefusal) || err.status !== 413) throw err;
    req.destroy();
    throw new ApiError(tooLarge, tooLarge === 47001 ? `data format error: body larger than ${max} bytes` : undefined);
  }
}

export async function readBody(req: IncomingMessage, max: number): Promise<string> {
  return (await readBytes(req, max)).toString('utf8');
}

export { sendJson };

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html);
}

export function normaliseIp(ip: string | undefined): string {
  if (!ip) return '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** A push URL ($APPID$ allowed), or a RangeError naming the setting. */
export function checkUrl(url: string, name: string): string {
  let u: URL;
  try {
    u = new URL(url.split('$APPID$').join('wx0000000000000000'));
  } catch {
    throw new RangeError(`${name} "${url}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RangeError(`${name} must be an http(s) URL`);
  return url;
}
