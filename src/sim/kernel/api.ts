/**
 * One API request: body (JSON or a multipart form), faults, the IP whitelist, the token, quotas, then the route's
 * handler. Every call gets a rid, is recorded, and answers HTTP 200 with JSON (or the bytes of a binary answer).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiCallRecord } from '../types';
import { ApiError, errorBody, newRid } from './errors';
import { normaliseIp, readBytes } from './http';
import type { SimKernel } from './kernel';
import { redactBody, redactQuery } from './rid';
import { SimBinary, type ApiResult, type Route } from './routes';

const MAX_JSON_BYTES = 1024 * 1024;
const MAX_RECORDS = 10_000;

export async function handleApi(k: SimKernel, req: IncomingMessage, res: ServerResponse, method: string, url: URL, route: Route): Promise<void> {
  const path = url.pathname;
  const started = Date.now();
  const rid = newRid();
  const ip = normaliseIp(req.socket.remoteAddress);
  const upload = route.spec.upload;
  let raw = '';
  let out: ApiResult;
  let errcode = 0;
  let appid: string | null = null;
  try {
    // An upload may be as large as its biggest kind allows, with room to answer "too large" with WeChat's errcode.
    const max = upload ? 2 * Math.max(...Object.values(upload.kinds).map((x) => x.maxBytes)) + 64 * 1024 : MAX_JSON_BYTES;
    const bytes = await readBytes(req, max, upload?.errcodes.tooLarge);
    const form = upload ? await parseForm(bytes, req.headers['content-type']) : null;
    raw = upload ? (form ? describeForm(form) : '') : bytes.toString('utf8');
    await k.faults.apply(path);
    let body: Record<string, unknown> = {};
    if (!upload && raw.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new ApiError(47001, 'data format error: the body is not valid JSON');
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError(47001, 'data format error: the body must be a JSON object');
      body = parsed as Record<string, unknown>;
    }
    if (route.ipCheck && k.settings.allowIps.length > 0 && !k.settings.allowIps.includes(ip)) {
      throw new ApiError(61004, `access clientip is not registered requestIP: ${ip}`);
    }
    const principal = k.state.authenticate(route.spec.token, url.searchParams);
    appid = principal.appid;
    await k.faults.apply(path, appid);
    k.quotas.check(principal.appid, path);
    out = await route.handler({ method, path, query: url.searchParams, body, form, principal, ip });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    errcode = err.errcode;
    out = errorBody(err.errcode, rid, err.detail);
  }
  const text = out instanceof SimBinary ? `<${out.contentType}, ${out.bytes.byteLength} bytes>` : JSON.stringify(out);
  const ms = Date.now() - started;
  const call: ApiCallRecord = { rid, at: k.clock.now(), method, path, ip, errcode, ms, appid };
  k.calls.push(call);
  if (k.calls.length > MAX_RECORDS) k.calls.shift();
  k.rids.set(rid, {
    invoke_time: k.clock.nowS(),
    cost_in_ms: ms,
    request_url: `${path}${url.search ? '?' + redactQuery(url.searchParams) : ''}`,
    request_body: redactBody(raw).slice(0, 4096),
    response_body: text.slice(0, 4096),
    client_ip: ip,
  });
  if (out instanceof SimBinary) {
    const headers: Record<string, string> = { 'content-type': out.contentType, 'cache-control': 'no-cache, must-revalidate' };
    if (out.filename) headers['content-disposition'] = `attachment; filename="${out.filename}"`;
    res.writeHead(200, headers).end(out.bytes);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(text);
}

/** The multipart form, or null when the body is not one (the handler then finds no file: 41005). */
async function parseForm(bytes: Buffer, contentType: string | undefined): Promise<FormData | null> {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
  try {
    return await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return null;
  }
}

/** What rid/get shows for an upload: the fields, with files as name and size (never their bytes). */
function describeForm(form: FormData): string {
  const parts: string[] = [];
  form.forEach((v, name) => parts.push(typeof v === 'string' ? `${name}=${v}` : `${name}=<file "${v.name}", ${v.size} bytes>`));
  return `multipart: ${parts.join('; ')}`;
}
