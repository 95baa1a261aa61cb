/** Mini-program code, audit and release (issue 11): one mini program's lifecycle and the code template library. */
import type { MpAuditRecord } from '../mp/audits';
import { defineEvents, defineMethods, payload } from './define';

export const mpcodeMethods = defineMethods({});

export const mpcodeEvents = defineEvents({
  /** An audit's recorded status changed: the console submitted it, a weapp_audit_* push or a poll decided it. */
  'mpcode:audit': payload<MpAuditRecord>(),
});

export type { MpAuditRecord };
