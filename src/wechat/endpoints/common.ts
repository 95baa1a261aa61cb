/** Shapes every family shares. */

/** Every WeChat JSON answer may carry these; success omits errcode or sends 0. */
export interface WeChatBaseResponse {
  errcode?: number;
  errmsg?: string;
}
