/**
 * Customer-service messages ("OA and MP APIs" §3, message/custom/send): the types the console sends, the fields each
 * needs, the rules checked before sending (the composer while typing, the service before calling WeChat), and the
 * reply window. Shared by the renderer, the main process and the simulator; no Node or DOM imports.
 */
import { utf8Bytes } from './menu';
import type { MediaType } from './media';

export const CONSOLE_MESSAGE_TYPES = ['text', 'image', 'voice', 'video', 'news', 'miniprogrampage', 'msgmenu'] as const;
export type ConsoleMessageType = (typeof CONSOLE_MESSAGE_TYPES)[number];

export const CUSTOM_MESSAGE_LIMITS = {
  /**
   * text.content in UTF-8 bytes. The shared reference gives no number for custom/send; 2048 bytes is WeChat's limit
   * for text replies (被动回复) that SDK comments repeat for custom text, and what the simulator enforces (45002).
   */
  textBytes: 2048,
  /** news carries exactly one article (since 2018; the reference's `news{articles[1]}`). */
  newsArticles: 1,
  /** A sanity bound for msgmenu options (the reference gives none). */
  menuItems: 10,
} as const;

/** The message as custom/send takes it, for the types the console composes. */
export interface OutgoingMessage {
  touser: string;
  msgtype: ConsoleMessageType;
  text?: { content: string };
  image?: { media_id: string };
  voice?: { media_id: string };
  video?: { media_id: string; thumb_media_id?: string; title?: string; description?: string };
  news?: { articles: { title: string; description?: string; url?: string; picurl?: string }[] };
  miniprogrampage?: { title: string; appid: string; pagepath: string; thumb_media_id: string };
  msgmenu?: { head_content?: string; list: { id: string; content: string }[]; tail_content?: string };
}

/** Media fields and the media/upload type that produces their id (the composer offers an upload for each). */
export const MEDIA_FIELDS: Partial<Record<ConsoleMessageType, Record<string, MediaType>>> = {
  image: { media_id: 'image' },
  voice: { media_id: 'voice' },
  video: { media_id: 'video', thumb_media_id: 'thumb' },
  // WeChat's doc: the card picture's media id, uploaded as an image (520×416 suggested).
  miniprogrampage: { thumb_media_id: 'image' },
};

export interface MessageIssue {
  /** Where, e.g. "text.content", "news.articles[0].title", "msgmenu.list[1].id". */
  path: string;
  rule:
    | 'touser_required'
    | 'msgtype'
    | 'text_required'
    | 'text_bytes'
    | 'media_required'
    | 'news_count'
    | 'field_required'
    | 'url_scheme'
    | 'appid_format'
    | 'menu_count'
    | 'menu_id_unique';
  en: string;
  zh: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const blank = (v: unknown): boolean => str(v).trim() === '';
const isUrl = (v: string) => /^https?:\/\/\S+$/i.test(v);

/** Every rule the message breaks (empty: it may be sent). */
export function customMessageIssues(raw: unknown): MessageIssue[] {
  const issues: MessageIssue[] = [];
  const m = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const add = (path: string, rule: MessageIssue['rule'], en: string, zh: string) => issues.push({ path, rule, en, zh });
  if (blank(m.touser)) add('touser', 'touser_required', 'Choose the recipient (the openid of a user of this account).', '请选择接收人（该公众号用户的 openid）。');
  const type = m.msgtype as ConsoleMessageType;
  if (!(CONSOLE_MESSAGE_TYPES as readonly string[]).includes(str(type))) {
    add('msgtype', 'msgtype', `The message type must be one of ${CONSOLE_MESSAGE_TYPES.join(', ')}.`, `消息类型须为 ${CONSOLE_MESSAGE_TYPES.join('、')} 之一。`);
    return issues;
  }
  const o = (m[type] && typeof m[type] === 'object' ? m[type] : {}) as Record<string, unknown>;
  const required = (field: string, en: string, zh: string) => {
    if (blank(o[field])) add(`${type}.${field}`, 'field_required', `${en} is required.`, `${zh}不能为空。`);
  };
  const mediaField = (field: string) => {
    if (blank(o[field])) {
      const kind = MEDIA_FIELDS[type]?.[field] ?? 'image';
      add(`${type}.${field}`, 'media_required', `${field} is required: upload a ${kind} file first, or paste a media_id.`, `${field} 不能为空：请先上传${kind}素材，或填入 media_id。`);
    }
  };
  switch (type) {
    case 'text': {
      const content = str(o.content);
      if (content.trim() === '') add('text.content', 'text_required', 'The text must not be empty.', '文本内容不能为空。');
      else if (utf8Bytes(content) > CUSTOM_MESSAGE_LIMITS.textBytes) {
        const n = utf8Bytes(content);
        add(
          'text.content',
          'text_bytes',
          `A text message is at most ${CUSTOM_MESSAGE_LIMITS.textBytes} bytes (a Chinese character is 3); this one is ${n}.`,
          `文本消息最多 ${CUSTOM_MESSAGE_LIMITS.textBytes} 字节（一个汉字 3 字节），这里有 ${n} 字节。`,
        );
      }
      break;
    }
    case 'image':
    case 'voice':
      mediaField('media_id');
      break;
    case 'video':
      mediaField('media_id');
      break;
    case 'news': {
      const articles = Array.isArray(o.articles) ? (o.articles as unknown[]) : [];
      if (articles.length !== CUSTOM_MESSAGE_LIMITS.newsArticles) {
        add('news.articles', 'news_count', `A news message carries exactly ${CUSTOM_MESSAGE_LIMITS.newsArticles} article; this one has ${articles.length}.`, `图文消息只能有 ${CUSTOM_MESSAGE_LIMITS.newsArticles} 篇文章，这里有 ${articles.length} 篇。`);
      }
      articles.forEach((a, i) => {
        const art = (a && typeof a === 'object' ? a : {}) as Record<string, unknown>;
        const at = `news.articles[${i}]`;
        if (blank(art.title)) add(`${at}.title`, 'field_required', 'The article title is required.', '文章标题不能为空。');
        for (const f of ['url', 'picurl'] as const) {
          const v = str(art[f]).trim();
          if (v && !isUrl(v)) add(`${at}.${f}`, 'url_scheme', `${f} must be a link starting with https:// or http://.`, `${f} 须为以 https:// 或 http:// 开头的链接。`);
        }
      });
      break;
    }
    case 'miniprogrampage':
      required('title', 'The card title', '卡片标题');
      if (blank(o.appid)) required('appid', 'The mini program appid', '小程序 appid');
      else if (!/^wx[0-9a-f]{16}$/i.test(str(o.appid).trim())) add('miniprogrampage.appid', 'appid_format', 'The mini program appid is "wx" followed by 16 hex digits.', '小程序 appid 为 wx 加 16 位十六进制字符。');
      required('pagepath', 'The page path', '页面路径');
      mediaField('thumb_media_id');
      break;
    case 'msgmenu': {
      const list = Array.isArray(o.list) ? (o.list as unknown[]) : [];
      if (list.length < 1 || list.length > CUSTOM_MESSAGE_LIMITS.menuItems) {
        add('msgmenu.list', 'menu_count', `A menu message has 1 to ${CUSTOM_MESSAGE_LIMITS.menuItems} options; this one has ${list.length}.`, `菜单消息有 1 到 ${CUSTOM_MESSAGE_LIMITS.menuItems} 个选项，这里有 ${list.length} 个。`);
      }
      const seen = new Set<string>();
      list.forEach((item, i) => {
        const it = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
        const at = `msgmenu.list[${i}]`;
        if (blank(it.id)) add(`${at}.id`, 'field_required', 'Every option needs an id (WeChat pushes it back when the user taps the option).', '每个选项都需要 id（用户点选后微信推送回来）。');
        else if (seen.has(str(it.id).trim())) add(`${at}.id`, 'menu_id_unique', `The option id "${str(it.id)}" is used twice; ids must differ.`, `选项 id “${str(it.id)}”重复；id 须各不相同。`);
        else seen.add(str(it.id).trim());
        if (blank(it.content)) add(`${at}.content`, 'field_required', 'Every option needs its text.', '每个选项都需要文字。');
      });
      break;
    }
  }
  return issues;
}

/**
 * The message as sent: only the object of its type, blank optional fields left out (WeChat takes "" literally).
 * Call after customMessageIssues() found nothing.
 */
export function toWireMessage(m: OutgoingMessage): OutgoingMessage {
  const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => !(typeof v === 'string' && v.trim() === '')).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v]));
  const type = m.msgtype;
  const payload = (m[type] ?? {}) as Record<string, unknown>;
  let body: Record<string, unknown>;
  if (type === 'text') body = { content: (payload.content as string) ?? '' }; // spaces inside a text are the user's
  else if (type === 'news') body = { articles: (payload.articles as Record<string, unknown>[]).map(clean) };
  else if (type === 'msgmenu') {
    const list = (payload.list as { id: string; content: string }[]).map((i) => ({ id: i.id.trim(), content: i.content }));
    body = { ...clean({ head_content: payload.head_content, tail_content: payload.tail_content }), list };
  } else body = clean(payload);
  return { touser: m.touser.trim(), msgtype: type, [type]: body } as unknown as OutgoingMessage;
}

// --- the reply window --------------------------------------------------------------------------------------------

/**
 * Who may be sent customer-service messages, and how many ("OA and MP APIs" §3; since 2023-06): a user's message
 * allows 5 sends within 48 h; a menu click (click, scancode_push, scancode_waitmsg), a follow (subscribe) or a QR scan
 * (SCAN) allows 3 sends within 1 minute. Outside every allowance WeChat answers 45015; over the count, 45047.
 * (WeChat's page also lists payment and rights-protection events; the console never sees those pushes.)
 */
export const SERVICE_WINDOW = {
  message: { ms: 48 * 3600_000, sends: 5 },
  event: { ms: 60_000, sends: 3 },
} as const;

/** Events that open the window, lower case (WeChat spells SCAN and CLICK in capitals). */
export const WINDOW_OPENING_EVENTS = ['subscribe', 'scan', 'click', 'scancode_push', 'scancode_waitmsg'] as const;

/** What a push from a user grants: 'message' (any MsgType but event), 'event' (the events above), or null. */
export function windowGrant(msgType: string | null | undefined, event: string | null | undefined): 'message' | 'event' | null {
  if (!msgType) return null;
  if (msgType !== 'event') return 'message';
  return (WINDOW_OPENING_EVENTS as readonly string[]).includes((event ?? '').toLowerCase()) ? 'event' : null;
}

export interface ServiceWindow {
  open: boolean;
  /** What opened the latest allowance still running (or the latest one, when closed). */
  by: 'message' | 'event' | null;
  /** When the allowance ends (null: the user never did anything that opens it). */
  closesAt: number | null;
  /** Sends the allowance gives (5 after a message, 3 after an event); the console cannot see how many are used. */
  sends: number | null;
  /** The user unfollowed after the last interaction. */
  unsubscribed: boolean;
}

/** The window from the latest message and window-opening event the console saw (epoch ms), at `now`. */
export function serviceWindow(lastMessageAt: number | null, lastEventAt: number | null, unsubscribedAt: number | null, now: number): ServiceWindow {
  const grants = [
    lastMessageAt !== null ? { by: 'message' as const, closesAt: lastMessageAt + SERVICE_WINDOW.message.ms, at: lastMessageAt, sends: SERVICE_WINDOW.message.sends } : null,
    lastEventAt !== null ? { by: 'event' as const, closesAt: lastEventAt + SERVICE_WINDOW.event.ms, at: lastEventAt, sends: SERVICE_WINDOW.event.sends } : null,
  ].filter((g) => g !== null);
  if (grants.length === 0) return { open: false, by: null, closesAt: null, sends: null, unsubscribed: unsubscribedAt !== null };
  const latest = grants.reduce((a, b) => (b.closesAt > a.closesAt ? b : a));
  const lastInteraction = Math.max(...grants.map((g) => g.at));
  const unsubscribed = unsubscribedAt !== null && unsubscribedAt >= lastInteraction;
  return { open: !unsubscribed && now < latest.closesAt, by: latest.by, closesAt: latest.closesAt, sends: latest.sends, unsubscribed };
}
