/** The protocol module: endpoint specs by API family, and the list of all of them. */
import * as component from './endpoints/component';
import * as media from './endpoints/media';
import * as mpAudit from './endpoints/mp-audit';
import * as mpCode from './endpoints/mp-code';
import * as mpRegister from './endpoints/mp-register';
import * as mpRelease from './endpoints/mp-release';
import * as mpSettings from './endpoints/mp-settings';
import * as mpTemplate from './endpoints/mp-template';
import * as oaCustomService from './endpoints/oa-custom-service';
import * as oaLink from './endpoints/oa-link';
import * as oaMenu from './endpoints/oa-menu';
import * as oaTemplate from './endpoints/oa-template';
import * as quota from './endpoints/quota';
import type { EndpointSpec } from './spec';

export { component, media, mpAudit, mpCode, mpRegister, mpRelease, mpSettings, mpTemplate, oaCustomService, oaLink, oaMenu, oaTemplate, quota };
export * from './spec';
export * from './uploads';
export type { WeChatBaseResponse } from './endpoints/common';

const isSpec = (v: unknown): v is EndpointSpec =>
  typeof v === 'object' && v !== null && typeof (v as EndpointSpec).path === 'string' && typeof (v as EndpointSpec).family === 'string';

/** Every endpoint spec, in family order. The simulator serves exactly these (a test checks it). */
export const ENDPOINTS: readonly EndpointSpec[] = Object.freeze(
  [component, quota, oaMenu, oaLink, oaTemplate, oaCustomService, media, mpRegister, mpSettings, mpTemplate, mpCode, mpAudit, mpRelease].flatMap((family) =>
    Object.values(family as Record<string, unknown>).filter(isSpec),
  ),
);
