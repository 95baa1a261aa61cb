/** The WeChat simulator's programmatic API (in-process use by the demo sandbox and tests). */
export { Simulator, startSimulator, SIM_CONTROL_HEADER, SIM_CONTROL_HEADERS } from './simulator';
export type {
  SimulatorOptions,
  SimulatorConfig,
  FaultRule,
  FaultSettings,
  ApiCallRecord,
  CustomMessageRecord,
  TemplateMessageRecord,
  AuthorizeResult,
  UserMessageInput,
  FastRegisterInput,
  ReleaseCheckOptions,
  ReleaseCheckResult,
  ReleaseGroupResult,
  ReleaseCaseResult,
} from './types';
export type { PushRecord, PushAttempt, PushOutcome, PushKind } from './pushes/delivery';
export { RELEASE_TEST_GROUPS, OA_FUNC_IDS, MP_FUNC_IDS, type AccountProfile, type AccountKind, type TestGroup } from './accounts';
