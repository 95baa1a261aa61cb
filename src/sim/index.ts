/** The WeChat simulator's programmatic API (in-process use by the demo sandbox and tests). */
export {
  Simulator,
  startSimulator,
  SIM_CONTROL_HEADER,
  SIM_CONTROL_HEADERS,
  type SimulatorOptions,
  type SimulatorConfig,
  type FaultRule,
  type FaultSettings,
  type ApiCallRecord,
  type CustomMessageRecord,
  type AuthorizeResult,
  type UserMessageInput,
  type FastRegisterInput,
  type ReleaseCheckOptions,
  type ReleaseCheckResult,
  type ReleaseGroupResult,
  type ReleaseCaseResult,
} from './simulator';
export type { PushRecord, PushAttempt, PushOutcome, PushKind } from './push';
export { RELEASE_TEST_GROUPS, OA_FUNC_IDS, MP_FUNC_IDS, type AccountProfile, type AccountKind, type TestGroup } from './accounts';
