/**
 * What to enter in the 开放平台 console (第三方平台 → 开发资料), derived from the relay URL: the relay's routes are
 * POST /wechat/component (tickets and authorization events), POST /wechat/authorizer/:appid (messages, registered with
 * WeChat's $APPID$ placeholder), GET /authorize/:id (the start pages, on the relay's domain). See docs/relay.md.
 */

export interface RegistrationValues {
  /** 授权事件接收URL */
  authEventUrl: string;
  /** 消息与事件接收URL */
  messageUrl: string;
  /** 授权发起页域名 */
  startPageDomain: string;
  /** 公众号开发域名 */
  webDomain: string;
  /** IP 白名单: the relay's egress IP when known (its health details, or a relay addressed by IPv4), else null. */
  whitelistIp: string | null;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * The values for a relay URL (https:// or wss://, as saved in Setup), or null when it is not a URL. `health` is the
 * relay check's healthz details, if any: an `egressIp` there wins.
 */
export function registrationValues(relayUrl: string | null | undefined, health?: Record<string, unknown> | null): RegistrationValues | null {
  if (!relayUrl) return null;
  let u: URL;
  try {
    u = new URL(relayUrl);
  } catch {
    return null;
  }
  const scheme = u.protocol === 'wss:' || u.protocol === 'https:' ? 'https:' : u.protocol === 'ws:' || u.protocol === 'http:' ? 'http:' : null;
  if (!scheme) return null;
  // The desk client appends /desk to the path, so a relay behind a path prefix serves its routes under it too.
  const base = `${scheme}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  const egress = typeof health?.['egressIp'] === 'string' ? (health['egressIp'] as string) : null;
  return {
    authEventUrl: `${base}/wechat/component`,
    messageUrl: `${base}/wechat/authorizer/$APPID$`,
    startPageDomain: u.host,
    webDomain: u.host,
    whitelistIp: egress ?? (IPV4.test(u.hostname) ? u.hostname : null),
  };
}
