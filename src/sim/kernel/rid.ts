/** What /cgi-bin/openapi/rid/get shows for each call's rid, with secrets and tokens masked. */
export interface RidRec {
  invoke_time: number;
  cost_in_ms: number;
  request_url: string;
  request_body: string;
  response_body: string;
  client_ip: string;
}

const MAX_RECORDS = 10_000;
const SECRET_FIELDS = /"(component_appsecret|component_secret|appsecret|authorizer_refresh_token)"\s*:\s*"[^"]*"/g;

/** rid/get shows request bodies: keep secrets and refresh tokens out of them. */
export function redactBody(raw: string): string {
  return raw.replace(SECRET_FIELDS, '"$1":"***"');
}

export function redactQuery(q: URLSearchParams): string {
  const c = new URLSearchParams(q);
  for (const k of ['access_token', 'component_access_token']) if (c.has(k)) c.set(k, 'ACCESS_TOKEN');
  return c.toString();
}

export class RidLog {
  private readonly rids = new Map<string, RidRec>();

  set(rid: string, rec: RidRec): void {
    this.rids.set(rid, rec);
    if (this.rids.size > MAX_RECORDS) this.rids.delete(this.rids.keys().next().value!);
  }
  get(rid: string): RidRec | undefined {
    return this.rids.get(rid);
  }
  reset(): void {
    this.rids.clear();
  }
}
