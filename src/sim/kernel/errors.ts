/** WeChat error codes the simulator answers with (reference §8) and the error-body shape with a rid. */
import { randomBytes } from 'node:crypto';

export const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40006: 'invalid media size',
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
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit',
  45026: 'template num exceeds limit',
  45027: 'template conflict with industry',
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
  61039: '隐私接口检查任务未完成，请稍等一分钟再重试',
  85007: '页面路径错误',
  85008: '当前小程序没有已经审核通过的类目，请添加类目成功后重试',
  85009: '已经有正在审核的版本',
  85010: 'item_list 有项目为空',
  85012: 'invalid audit id',
  85013: '无效的自定义配置',
  85014: '无效的模板编号',
  85015: '版本输入错误',
  85019: '没有审核版本',
  85020: '审核状态未满足发布',
  85023: '审核列表填写的项目数不在 1-5 以内',
  85052: 'app is already released',
  85064: '找不到模板',
  85065: '模板库已满',
  85079: 'miniprogram has no online release',
  85080: 'miniprogram commit not approved',
  85081: 'invalid gray percentage',
  85082: 'current percentage must be bigger than the last percentage',
  85085: 'submit audit reach limit, please try later',
  85086: '提交代码审核之前需提前上传代码',
  86001: '不存在第三方的已经提交的代码',
  87011: '现网已经在灰度发布，不能进行版本回退',
  87012: 'forbid revert this version release',
  87013: 'no quota to undo code',
  89402: '该审核单不在待审核队列，请检查是否已提交审核或已审完',
  89404: '本单已加速成功，请勿重复提交',
  89405: '本月加急额度已用完，请提高提审质量以获取更多额度',
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
