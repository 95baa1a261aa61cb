/**
 * The shared rules of customer-service messages (src/shared/oa/custom-message.ts, src/shared/oa/media.ts): each type's
 * fields, counted as WeChat counts (UTF-8 bytes), the wire message, the reply window, and the media file checks the
 * composer and the service share with the endpoint spec.
 */
import { describe, expect, it } from 'vitest';
import { CUSTOM_MESSAGE_LIMITS, SERVICE_WINDOW, customMessageIssues, serviceWindow, toWireMessage, windowGrant, type OutgoingMessage } from '../../src/shared/oa/custom-message';
import { MEDIA_UPLOAD_KINDS, mediaFileIssue } from '../../src/shared/oa/media';
import { uploadMedia } from '../../src/wechat/endpoints/media';

const rules = (m: unknown) => customMessageIssues(m).map((i) => `${i.path}:${i.rule}`);

describe('customMessageIssues', () => {
  it('text: required, at most 2048 UTF-8 bytes (a Chinese character is 3)', () => {
    expect(rules({ touser: 'o', msgtype: 'text', text: { content: 'hi' } })).toEqual([]);
    expect(rules({ touser: 'o', msgtype: 'text', text: { content: ' \n' } })).toEqual(['text.content:text_required']);
    expect(rules({ touser: 'o', msgtype: 'text', text: { content: 'a'.repeat(CUSTOM_MESSAGE_LIMITS.textBytes) } })).toEqual([]);
    expect(rules({ touser: 'o', msgtype: 'text', text: { content: '字'.repeat(682) + 'ab' } })).toEqual([]); // 2048 bytes
    const over = customMessageIssues({ touser: 'o', msgtype: 'text', text: { content: '字'.repeat(683) } });
    expect(over).toEqual([expect.objectContaining({ rule: 'text_bytes' })]);
    expect(over[0]!.zh).toContain('2049 字节');
  });

  it('the recipient and the type are required', () => {
    expect(rules({ msgtype: 'text', text: { content: 'x' } })).toEqual(['touser:touser_required']);
    expect(rules({ touser: 'o', msgtype: 'mpnews' })).toEqual(['msgtype:msgtype']);
    expect(rules(null)).toEqual(['touser:touser_required', 'msgtype:msgtype']);
  });

  it('image, voice, video need their media id; video thumb, title and description are optional', () => {
    expect(rules({ touser: 'o', msgtype: 'image', image: { media_id: '' } })).toEqual(['image.media_id:media_required']);
    expect(rules({ touser: 'o', msgtype: 'voice' })).toEqual(['voice.media_id:media_required']);
    expect(rules({ touser: 'o', msgtype: 'video', video: { media_id: 'm' } })).toEqual([]);
    expect(customMessageIssues({ touser: 'o', msgtype: 'video', video: {} })[0]!.en).toContain('upload a video file first');
  });

  it('news: exactly one article with a title; links must be http(s)', () => {
    expect(rules({ touser: 'o', msgtype: 'news', news: { articles: [{ title: 't', url: 'https://a.cn/x', picurl: 'http://a.cn/p.jpg' }] } })).toEqual([]);
    expect(rules({ touser: 'o', msgtype: 'news', news: { articles: [] } })).toEqual(['news.articles:news_count']);
    expect(rules({ touser: 'o', msgtype: 'news', news: { articles: [{ title: 'a' }, { title: 'b' }] } })).toEqual(['news.articles:news_count']);
    expect(rules({ touser: 'o', msgtype: 'news', news: { articles: [{ title: '', url: 'javascript:alert(1)' }] } })).toEqual(['news.articles[0].title:field_required', 'news.articles[0].url:url_scheme']);
  });

  it('miniprogrampage: title, appid (wx + 16 hex), pagepath and thumb_media_id', () => {
    expect(rules({ touser: 'o', msgtype: 'miniprogrampage', miniprogrampage: { title: 't', appid: 'wx1234567890abcdef', pagepath: 'pages/i', thumb_media_id: 'm' } })).toEqual([]);
    expect(rules({ touser: 'o', msgtype: 'miniprogrampage', miniprogrampage: {} })).toEqual([
      'miniprogrampage.title:field_required',
      'miniprogrampage.appid:field_required',
      'miniprogrampage.pagepath:field_required',
      'miniprogrampage.thumb_media_id:media_required',
    ]);
    expect(rules({ touser: 'o', msgtype: 'miniprogrampage', miniprogrampage: { title: 't', appid: 'wx123', pagepath: 'p', thumb_media_id: 'm' } })).toEqual(['miniprogrampage.appid:appid_format']);
  });

  it('msgmenu: 1 to 10 options, each with an id (unique) and its text; head and tail optional', () => {
    expect(rules({ touser: 'o', msgtype: 'msgmenu', msgmenu: { list: [{ id: '1', content: '满意' }] } })).toEqual([]);
    expect(rules({ touser: 'o', msgtype: 'msgmenu', msgmenu: { list: [] } })).toEqual(['msgmenu.list:menu_count']);
    expect(rules({ touser: 'o', msgtype: 'msgmenu', msgmenu: {} })).toEqual(['msgmenu.list:menu_count']);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ id: `${i}`, content: 'x' }));
    expect(rules({ touser: 'o', msgtype: 'msgmenu', msgmenu: { list: eleven } })).toEqual(['msgmenu.list:menu_count']);
    expect(rules({ touser: 'o', msgtype: 'msgmenu', msgmenu: { list: [{ id: '1', content: 'a' }, { id: ' 1 ', content: '' }, { id: '', content: 'c' }] } })).toEqual([
      'msgmenu.list[1].id:menu_id_unique',
      'msgmenu.list[1].content:field_required',
      'msgmenu.list[2].id:field_required',
    ]);
  });
});

describe('toWireMessage', () => {
  it('keeps only the type object, drops blank optional fields, trims ids, keeps the text as typed', () => {
    const m = { touser: ' o1 ', msgtype: 'video', text: { content: 'stale' }, video: { media_id: ' m ', thumb_media_id: '', title: 't', description: ' ' } } as OutgoingMessage;
    expect(toWireMessage(m)).toEqual({ touser: 'o1', msgtype: 'video', video: { media_id: 'm', title: 't' } });
    expect(toWireMessage({ touser: 'o', msgtype: 'text', text: { content: '  两个空格  ' } })).toEqual({ touser: 'o', msgtype: 'text', text: { content: '  两个空格  ' } });
    expect(toWireMessage({ touser: 'o', msgtype: 'msgmenu', msgmenu: { head_content: '', list: [{ id: ' 1', content: '是' }], tail_content: '谢谢' } })).toEqual({
      touser: 'o',
      msgtype: 'msgmenu',
      msgmenu: { tail_content: '谢谢', list: [{ id: '1', content: '是' }] },
    });
  });
});

describe('the reply window', () => {
  it('messages open 48 h / 5 sends; subscribe, SCAN, CLICK, scancode_* open 1 min / 3 sends; nothing else does', () => {
    expect(['text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link'].map((t) => windowGrant(t, null))).toEqual(Array(7).fill('message'));
    expect(['subscribe', 'SCAN', 'CLICK', 'scancode_push', 'scancode_waitmsg'].map((e) => windowGrant('event', e))).toEqual(Array(5).fill('event'));
    expect(['VIEW', 'LOCATION', 'unsubscribe', 'TEMPLATESENDJOBFINISH', 'view_miniprogram', null].map((e) => windowGrant('event', e))).toEqual(Array(6).fill(null));
    expect(windowGrant(null, null)).toBeNull();
  });

  it('open while the latest allowance runs; an unfollow after the last interaction closes it', () => {
    const t = 1_000_000_000_000;
    const H48 = SERVICE_WINDOW.message.ms;
    expect(serviceWindow(null, null, null, t)).toEqual({ open: false, by: null, closesAt: null, sends: null, unsubscribed: false });
    expect(serviceWindow(t, null, null, t + H48 - 1)).toEqual({ open: true, by: 'message', closesAt: t + H48, sends: 5, unsubscribed: false });
    expect(serviceWindow(t, null, null, t + H48).open).toBe(false);
    expect(serviceWindow(null, t, null, t + 59_999)).toMatchObject({ open: true, by: 'event', sends: 3, closesAt: t + 60_000 });
    expect(serviceWindow(null, t, null, t + 60_000).open).toBe(false);
    // A click after a message: the message's 48 h still run longer.
    expect(serviceWindow(t, t + 1000, null, t + 120_000)).toMatchObject({ open: true, by: 'message' });
    expect(serviceWindow(t, null, t + 5, t + 10)).toMatchObject({ open: false, unsubscribed: true });
    expect(serviceWindow(t + 10, null, t + 5, t + 20)).toMatchObject({ open: true, unsubscribed: false }); // followed again and wrote
  });
});

describe('mediaFileIssue', () => {
  it('is the table the endpoint spec uploads with', () => {
    expect(uploadMedia.upload!.kinds).toBe(MEDIA_UPLOAD_KINDS);
  });

  it('names the broken rule: type, empty, extension for the kind, size for the kind', () => {
    expect(mediaFileIssue('image', 'a.PNG', 2 * 1024 * 1024)).toBeNull();
    expect(mediaFileIssue('image', 'a.png', 2 * 1024 * 1024 + 1)).toMatchObject({ rule: 'file_size', zh: expect.stringContaining('最大 2 MB') });
    expect(mediaFileIssue('thumb', 'a.jpg', 64 * 1024 + 1)).toMatchObject({ rule: 'file_size', en: expect.stringContaining('64 KB') });
    expect(mediaFileIssue('thumb', 'a.png', 10)).toMatchObject({ rule: 'file_type', en: expect.stringContaining('jpg') });
    expect(mediaFileIssue('video', 'clip.mov', 10)).toMatchObject({ rule: 'file_type' });
    expect(mediaFileIssue('voice', 'noext', 10)).toMatchObject({ rule: 'file_type', zh: expect.stringContaining('没有扩展名') });
    expect(mediaFileIssue('voice', 'a.mp3', 0)).toMatchObject({ rule: 'file_empty' });
    expect(mediaFileIssue('file', 'a.mp3', 1)).toMatchObject({ rule: 'media_type' });
    expect(mediaFileIssue('video', 'a.mp4', 10 * 1024 * 1024)).toBeNull();
  });
});
