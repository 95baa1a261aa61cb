import type { ApiErrorCode, Bilingual } from '../shared/contract';
import { explainErrcode } from '../shared/errcodes';

/**
 * A failure a service reports on purpose: `code` is the envelope's error code and `text` one sentence in Chinese and
 * English saying what went wrong and what to do (`message` is the English one). Never put secret values in the text
 * or details.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly messageZh: string;
  constructor(
    readonly code: ApiErrorCode,
    text: Bilingual,
    readonly details?: unknown,
  ) {
    super(text.en);
    this.messageZh = text.zh;
  }
}

/**
 * The sentence for anything thrown, in both languages: errors that carry `messageZh` (ServiceError and others) give
 * their own; the engine's known failures (WeChat errcodes, transport, ticket, refresh token, store) are put in words
 * here, by name, so this module imports none of them; anything else is an unexpected failure, said so in Chinese
 * with its English detail.
 */
export function errorText(err: unknown): Bilingual {
  const e = err as
    | { name?: unknown; message?: unknown; messageZh?: unknown; errcode?: unknown; path?: unknown; kind?: unknown; status?: unknown; code?: unknown; authorizerAppid?: unknown }
    | null
    | undefined;
  const en = typeof e?.message === 'string' ? e.message : String(err);
  if (typeof e?.messageZh === 'string') return { zh: e.messageZh, en };
  const path = typeof e?.path === 'string' ? e.path : null;
  if (typeof e?.errcode === 'number') {
    const explanation = explainErrcode(e.errcode);
    return {
      zh: `微信${path ? `接口 ${path} ` : ''}返回错误码 ${e.errcode}：${explanation.zh}`,
      en: e.name === 'WeChatApiError' ? en : `WeChat refused the call${path ? ` to ${path}` : ''} with errcode ${e.errcode}: ${explanation.en}`,
    };
  }
  switch (e?.name) {
    case 'WeChatTransportError': {
      const where = path ? `微信接口 ${path}` : '微信接口';
      if (e.code === 'PROXY_REFUSED') {
        return { en, zh: `${where}：出口代理（中继）拒绝建立隧道（HTTP ${String(e.status)}）；请检查桌面密钥，以及中继的 egressAllow 是否包含该主机` };
      }
      const zh: Record<string, string> = {
        timeout: `${where} 在限定时间内没有应答；请检查网络后重试`,
        http_status: `${where} 返回了 HTTP ${String(e.status)}，不是微信的应答；请检查网络或出口设置后重试`,
        bad_response: `${where} 的应答不是微信的格式；请检查 API 地址与出口设置`,
        network: `无法连接${where}（网络故障）；请检查网络或出口设置后重试`,
      };
      return { en, zh: zh[String(e.kind)] ?? zh['network']! };
    }
    case 'NoTicketError':
      return {
        en,
        zh: '还没有收到 component_verify_ticket：第三方平台配置好后，微信每 10 分钟向授权事件接收URL推送一次；请检查中继是否连接、推送能否解密，或调用 api_start_push_ticket 立即请求一次',
      };
    case 'NoRefreshTokenError':
      return {
        en,
        zh: `没有 ${String(e.authorizerAppid)} 的 authorizer_refresh_token：该账号尚未授权本平台（或已取消授权）；请把授权链接发给它的管理员，授权后才能刷新令牌`,
      };
    case 'StoreError':
      if (e.code === 'not_found') return { en, zh: `要找的记录不存在（${en}）` };
      if (e.code === 'invalid_argument') return { en, zh: `参数无效，未写入本地数据库（${en}）` };
      return { en: `The local database failed: ${en}`, zh: `本地数据库出错：${en}` };
    case 'WeChatInputError':
      return { en, zh: `请求参数有误，未发送给微信（${en}）` };
    default:
      return { en, zh: `意外错误：${en}` };
  }
}
