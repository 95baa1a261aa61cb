/**
 * The store's public repository interfaces (what services code against). Implementations live beside this file;
 * open a store with `openStore` from './index'. All calls are synchronous (better-sqlite3).
 * Every method validates its arguments and throws StoreError('invalid_argument') with a clear message.
 */
import type {
  ApiCallFilter,
  ApiCallFull,
  ApiCallInput,
  ApiCallRecord,
  AuthLink,
  AuthLinkInput,
  AuthLinkStatus,
  Authorizer,
  AuthorizerFilter,
  AuthorizerInput,
  AuthorizerStatus,
  AuthorizerStatusCounts,
  ErrcodeMinuteCount,
  EventFilter,
  EventInput,
  EventInsertResult,
  EventRecord,
  EventStatus,
  KeysetPage,
  MinuteCount,
  Page,
  PlatformConfig,
  PlatformInput,
  PlatformSecrets,
  TicketRecord,
  TokenRecord,
} from '../../shared/domain';
import type { BatchItem, BatchItemState, BatchPause, BatchRun, BatchRunStatus, BatchWords } from '../../shared/batch';
import type { MenuButton } from '../../shared/oa/menu';

export interface NewBatchRun {
  componentAppid: string;
  kind: string;
  title: string;
  /** The job's parameters (stored as JSON). */
  params: unknown;
  concurrency: number;
  ratePerSecond: number;
  /** Appids in the order to work on them; repeats are dropped. */
  targets: string[];
}

/** A menu published from the console. */
export interface MenuHistoryEntry {
  id: number;
  appid: string;
  publishedAt: number;
  /** "console", or "batch #<run id>". */
  publishedBy: string;
  menu: { button: MenuButton[] };
  batchRunId: number | null;
}

export interface MenuHistoryRepo {
  /** Records a published menu; keeps the newest 50 per account. */
  add(entry: { componentAppid: string; appid: string; publishedBy: string; menu: { button: MenuButton[] }; batchRunId?: number | null }): MenuHistoryEntry;
  /** Newest first. */
  list(componentAppid: string, appid: string, limit?: number): MenuHistoryEntry[];
  get(componentAppid: string, id: number): MenuHistoryEntry | null;
}

/** A user an official account's pushes came from (oa_users, kept by triggers on events). Times in epoch ms. */
export interface OaUser {
  openid: string;
  /** The latest push from this user, of any kind, and its type ("text", "event/VIEW", …). */
  lastSeenAt: number;
  lastSeenType: string;
  /** The latest message (any MsgType but event): opens the 48 h window. */
  lastMessageAt: number | null;
  /** The latest subscribe / SCAN / CLICK / scancode_* event: opens the 1-minute window. */
  lastEventAt: number | null;
  lastEvent: string | null;
  unsubscribedAt: number | null;
}

export interface OaUsersRepo {
  /** The account's users, latest seen first; `search` is a part of the openid. */
  list(componentAppid: string, appid: string, opts?: { limit?: number; offset?: number; search?: string }): { rows: OaUser[]; total: number };
  get(componentAppid: string, appid: string, openid: string): OaUser | null;
}

export type PlanRecord =
  | { apply: true; plan: unknown; summary: BatchWords }
  | { apply: false; reason: BatchWords }
  | { apply: false; failed: true; reason: BatchWords; errcode: number | null; errmsg: string | null };

/** Batch runs and their accounts (src/main/batch drives them; see src/shared/batch.ts for the states). */
export interface BatchRepo {
  /** A new run in `planning`, every target `unplanned`. */
  createRun(input: NewBatchRun): BatchRun;
  getRun(id: number): BatchRun | null;
  /** Newest first. */
  listRuns(componentAppid: string, limit?: number): BatchRun[];
  counts(runId: number): Record<BatchItemState, number>;
  setStatus(id: number, status: BatchRunStatus, pause?: BatchPause | null): void;
  /** The next accounts still to plan, in order. */
  unplanned(runId: number, limit: number): string[];
  /** Records an account's plan: pending (what will change), skipped (why), or failed (it could not be read). */
  setPlanned(runId: number, appid: string, outcome: PlanRecord): void;
  /** Atomically takes the next pending account: it becomes `applying`, its attempts + 1. Null when none is left. */
  /** The next pending account (in list order; those in `last` after all the others), now applying. */
  claim(runId: number, last?: readonly string[]): (BatchItem & { plan: unknown }) | null;
  /** Ends an `applying` account: done, failed, or back to pending (the call never went out, e.g. a paused run). */
  finish(
    runId: number,
    appid: string,
    outcome: { state: 'done' | 'failed' | 'pending'; summary?: BatchWords; reason?: BatchWords; errcode?: number | null; errmsg?: string | null },
  ): void;
  /** Appids in one state, in order (e.g. those left `applying` by a crash). */
  inState(runId: number, state: BatchItemState): string[];
  /** Keyset page by seq; `offset` skips that many rows after afterSeq (a virtual list's page in a filtered view). */
  items(runId: number, opts?: { state?: BatchItemState; afterSeq?: number; offset?: number; limit?: number }): BatchItem[];
  item(runId: number, appid: string): (BatchItem & { plan: unknown }) | null;
  /** Failed accounts back to pending (unplanned if their plan failed). Returns how many. */
  retryFailed(runId: number): number;
  /** Unplanned and pending accounts, and those waiting on WeChat (waitingSince set), become cancelled. Returns how many. */
  cancelWaitingItems(runId: number): number;
  /** Accounts per stage (only accounts with a stage). */
  stages(runId: number): Record<string, number>;
  /** Records an account's stage in a multi-step job (any item state), with what the stage keeps. */
  setStage(runId: number, appid: string, stage: string | null, data?: Record<string, unknown> | null): void;
  /** An `applying` account now waits on WeChat with no call in flight. */
  markWaiting(runId: number, appid: string, summary?: BatchWords): void;
  /** The accounts waiting on WeChat, in order. */
  waiting(runId: number): (BatchItem & { plan: unknown })[];
  waitingCount(runId: number): number;
  /** Pending accounts become skipped with the reason (e.g. beyond the audit quota). Returns how many. */
  skipPending(runId: number, appids: string[], reason: BatchWords): number;
}

/** What setOutcome writes; the Chinese fields may be left out (stored as null: the UI shows the English). */
export interface EventOutcome {
  status: EventStatus;
  failReason: string | null;
  failReasonZh?: string | null;
  handledNote: string | null;
  handledNoteZh?: string | null;
}

export interface PlatformsRepo {
  /** Creates or updates; secrets: undefined keeps, null clears, string sets (encrypted). Returns the public part. */
  upsert(input: PlatformInput): PlatformConfig;
  get(componentAppid: string): PlatformConfig | null;
  list(): PlatformConfig[];
  /** Decrypted secrets (main process only; never send to the renderer). Throws not_found for an unknown platform. */
  getSecrets(componentAppid: string): PlatformSecrets;
  /** Deletes the platform and everything keyed by it (tickets, tokens, authorizers, links, events, API log, settings). */
  remove(componentAppid: string): boolean;
}

export interface TicketsRepo {
  add(componentAppid: string, ticket: string, createTime: number, receivedAt?: number): TicketRecord;
  latest(componentAppid: string): TicketRecord | null;
  /** Newest first. */
  list(componentAppid: string, limit?: number): TicketRecord[];
}

export interface TokensRepo {
  getComponent(componentAppid: string): TokenRecord | null;
  setComponent(componentAppid: string, record: TokenRecord): void;
  /** Clears the stored component token only if it is still exactly `token`. Returns whether it cleared it. */
  invalidateComponent(componentAppid: string, token: string): boolean;
  getAuthorizer(componentAppid: string, authorizerAppid: string): TokenRecord | null;
  setAuthorizer(componentAppid: string, authorizerAppid: string, record: TokenRecord): void;
  invalidateAuthorizer(componentAppid: string, authorizerAppid: string, token: string): boolean;
}

export interface AuthorizersRepo {
  upsert(input: AuthorizerInput): Authorizer;
  /** Upserts many in one transaction (e.g. a page of api_get_authorizer_list); all are validated first. */
  upsertMany(inputs: AuthorizerInput[]): number;
  get(componentAppid: string, appid: string): Authorizer | null;
  getRefreshToken(componentAppid: string, appid: string): string | null;
  /** Sets (or clears with null) the refresh token; also resets refreshTokenMismatch. Throws not_found. */
  setRefreshToken(componentAppid: string, appid: string, refreshToken: string | null): void;
  /** Records a check of the stored refresh token against WeChat's list. */
  markRefreshTokenChecked(componentAppid: string, appid: string, mismatch: boolean, at?: number): void;
  /** Sets the status; 'revoked' also sets revokedAt (now unless given), other statuses clear it. Throws not_found. */
  setStatus(componentAppid: string, appid: string, status: AuthorizerStatus, at?: number): void;
  list(filter: AuthorizerFilter): Page<Authorizer>;
  /** Prepares the search of a platform's authorizers ahead of the first search (it is built on demand otherwise). */
  warmSearch(componentAppid: string): void;
  countsByStatus(componentAppid: string): AuthorizerStatusCounts;
  /** All authorizer appids of a platform, in appid order. */
  listAllIds(componentAppid: string): string[];
  /**
   * The nicknames of these appids (one primary-key lookup each, in one statement: for a page of events or API calls).
   * Appids without a stored account or nickname are left out. At most 1000 appids.
   */
  nickNames(componentAppid: string, appids: readonly string[]): Map<string, string>;
  /** Streams the authorizers of a platform matching the filter (appid order) without loading them all. */
  iterate(componentAppid: string, filter?: Omit<AuthorizerFilter, 'componentAppid' | 'sort' | 'dir' | 'offset' | 'limit'>): IterableIterator<Authorizer>;
  /** How many authorizers are flagged with a refresh token that differs from WeChat's list. */
  countRefreshTokenMismatches(componentAppid: string): number;
}

export interface AuthLinksRepo {
  create(input: AuthLinkInput): AuthLink;
  get(id: string): AuthLink | null;
  findByPreAuthCode(componentAppid: string, preAuthCode: string): AuthLink | null;
  /** Newest first. */
  list(componentAppid: string, opts?: { status?: AuthLinkStatus; limit?: number }): AuthLink[];
  /** Marks a pending or expired link completed; returns false if it was already completed (or does not exist). */
  complete(id: string, authorizerAppid: string, at?: number): boolean;
  /** Marks pending links whose expiresAt <= now as expired; returns how many. */
  expireDue(now?: number): number;
  /** Marks this platform's pending links whose expiresAt <= now as expired; returns them as now stored. */
  expirePlatform(componentAppid: string, now?: number): AuthLink[];
  /** The earliest expiresAt among this platform's pending links, or null when none is pending. */
  nextExpiry(componentAppid: string): number | null;
}

export interface EventsRepo {
  /**
   * Idempotent insert in one transaction: a duplicate seq (within the relay queue the cursor belongs to), then a
   * duplicate non-null dedupeKey (across queues), returns the stored row's id with inserted=false. A non-null seq
   * always advances the relay cursor (even for duplicates).
   */
  insert(event: EventInput): EventInsertResult;
  setReply(id: number, replyBody: string | null, replyMs: number | null): void;
  /** The handling note in English, and in Chinese (null/absent: none, old callers). */
  setHandledNote(id: number, note: string | null, noteZh?: string | null): void;
  /** The outcome of the push's handling, in one write: status, the failure (null when ok) and the note, each also in Chinese. */
  setOutcome(id: number, outcome: EventOutcome): void;
  get(id: number): EventRecord | null;
  getMany(ids: number[]): EventRecord[];
  /** Newest first, keyset pagination by id. */
  list(filter: EventFilter): KeysetPage<EventRecord>;
  count(filter: Omit<EventFilter, 'beforeId' | 'limit'>): number;
  /** Per-minute counts of events received in [from, to) (at most 31 days), minutes with none omitted. */
  countPerMinute(componentAppid: string, from: number, to: number): MinuteCount[];
  /**
   * Deletes up to `limit` (default 5,000) of the oldest events received before `before`, so a caller can prune in
   * small batches between other work. Returns how many were deleted.
   */
  pruneBefore(componentAppid: string, before: number, limit?: number): number;
}

export interface ApiLogRepo {
  insert(call: ApiCallInput): number;
  /** Newest first, without the bodies (get() has them). */
  list(filter: ApiCallFilter): KeysetPage<ApiCallRecord>;
  /** One call with its bodies, or null when there is no such call for this platform (or it was pruned). */
  get(componentAppid: string, id: number): ApiCallFull | null;
  /** Per-minute, per-errcode call counts in [from, to) (at most 31 days). */
  errcodesPerMinute(componentAppid: string, from: number, to: number): ErrcodeMinuteCount[];
  /** Deletes all but the newest `keep` rows of a platform (default: the store's apiLogKeep). Returns rows deleted. */
  prune(componentAppid: string, keep?: number): number;
}

export interface RelayCursorRepo {
  /** The highest relay seq durably stored for this platform (0 if none). */
  getCursor(componentAppid: string): number;
  /** The cursor with the relay queue it belongs to. */
  getQueue(componentAppid: string): RelayQueueState;
  /** cursor = max(cursor, seq). Returns the new cursor. */
  advance(componentAppid: string, seq: number): number;
  /** Remembers the id of the queue the cursor already belongs to (first `queue` frame after an upgrade). */
  setQueueId(componentAppid: string, queueId: string): void;
  /**
   * Another relay queue: the cursor goes back to 0, the queue id is kept, and a new epoch starts (seqs are unique per
   * epoch). Returns the new epoch.
   */
  startNewQueue(componentAppid: string, queueId: string): number;
}

export interface RelayQueueState {
  cursor: number;
  /** The relay's queue id as last received in a `queue` frame; null before the first one. */
  queueId: string | null;
  /** Counts queue changes; the events of each queue carry it, so seq 1 of a new queue is not a duplicate. */
  epoch: number;
}

/** JSON values per platform (componentAppid) or global (componentAppid null/omitted). */
export interface SettingsRepo {
  get<T = unknown>(key: string, componentAppid?: string | null): T | undefined;
  set(key: string, value: unknown, componentAppid?: string | null): void;
  delete(key: string, componentAppid?: string | null): boolean;
  all(componentAppid?: string | null): Record<string, unknown>;
}
