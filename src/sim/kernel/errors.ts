/** WeChat error codes the simulator answers with (reference §8) and the error-body shape with a rid. */
import { randomBytes } from 'node:crypto';

export const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40006: 'invalid media size',
  40007: 'invalid media_id',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40016: 'invalid button size',
  40017: 'invalid button type',
  40018: 'invalid button name size',
  40019: 'invalid button key size',
  40020: 'invalid button url size',
  40023: 'invalid sub button size',
  40024: 'invalid sub button type',
  40025: 'invalid sub button name size',
  40026: 'invalid sub button key size',
  40027: 'invalid sub button url size',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40066: 'invalid url',
  40097: 'invalid args',
  40102: 'invalid industry id',
  40125: 'invalid appsecret',
  40126: 'invalid text size',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  42001: 'access_token expired',
  44001: 'empty media data',
  45002: 'content size out of limit',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit',
  45015: 'response out of time limit or subscription is canceled',
  45026: 'template num exceeds limit',
  45027: 'template conflict with industry',
  45047: 'out of response count limit',
  46002: 'no menu version',
  46003: 'menu no exist',
  47001: 'data format error',
  43100: 'change template too frequently',
  48001: 'api unauthorized',
  65301: 'this menuid has no conditional menu',
  65302: 'no such user',
  65303: 'there is no selfmenu, please create selfmenu first',
  65304: 'match rule empty',
  65305: 'menu count limit',
  65320: 'privacy fields (sex, region, language) are no longer supported in match rules',
  48006: 'forbid to clear quota because of reaching the limit',
  61003: 'component is not authorized by this account',
  61004: 'access clientip is not registered',
  61005: 'component ticket is expired',
  61006: 'component ticket is invalid',
  61023: 'refresh_token is invalid',
  76001: 'rid not found',
  76021: 'cgi_path not found, please check',
  85009: '已经有正在审核的版本',
  85012: 'invalid audit id',
  85013: '无效的自定义配置',
  85014: '无效的模板编号',
  85019: '没有审核版本',
  85020: '审核状态未满足发布',
  85023: '审核列表填写的项目数不在 1-5 以内',
  85052: 'app is already released',
  85086: '提交代码审核之前需提前上传代码',
  89248: 'invalid code type',
  89249: 'task running',
  89250: 'task not found',
  89253: 'lack of some params',
  89255: 'code is invalid',
};

export class ApiError extends Error {
  constructor(
    readonly errcode: number,
    /** Overrides the table's text (still gets ` rid: …` appended). */
    readonly detail?: string,
  ) {
    super(detail ?? ERRMSG[errcode] ?? `error ${errcode}`);
  }
}

export function newRid(): string {
  const b = randomBytes(12).toString('hex');
  return `${b.slice(0, 8)}-${b.slice(8, 16)}-${b.slice(16, 24)}`;
}

export function errorBody(errcode: number, rid: string, detail?: string): { errcode: number; errmsg: string } {
  return { errcode, errmsg: `${detail ?? ERRMSG[errcode] ?? 'error'} rid: ${rid}` };
}
