/** The stages of one account in a batch release (job mp.release: src/main/mp/release-batch.ts), and their words. */

export const RELEASE_STAGES = ['committed', 'submitting', 'submitted', 'delayed', 'approved', 'released', 'gray', 'held', 'rejected', 'withdrawn', 'rolled_back'] as const;
export type ReleaseStage = (typeof RELEASE_STAGES)[number];

/** For the desk's notes and the run's report (the screen has the same words in its catalogue, batch.stage.*). */
export const RELEASE_STAGE_WORDS: Record<ReleaseStage, { zh: string; en: string }> = {
  committed: { zh: '已提交代码', en: 'Committed' },
  submitting: { zh: '提交审核中', en: 'Submitting' },
  submitted: { zh: '审核中', en: 'In audit' },
  delayed: { zh: '审核延后', en: 'Audit delayed' },
  approved: { zh: '审核通过', en: 'Approved' },
  released: { zh: '已发布', en: 'Released' },
  gray: { zh: '灰度发布中', en: 'Gray release' },
  held: { zh: '通过，待确认发布', en: 'Approved, held' },
  rejected: { zh: '审核未通过', en: 'Rejected' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
  rolled_back: { zh: '已回退', en: 'Rolled back' },
};

/**
 * What an operator can do next with a finished release run (batch/releaseFollowUp): release the accounts it held,
 * release the ones in gray to everyone (`full`), or roll back the released (stop the gray of the ones in gray).
 */
export const FOLLOW_UP_ACTIONS = ['release', 'full', 'rollback'] as const;
export type FollowUpAction = (typeof FOLLOW_UP_ACTIONS)[number];

/** The accounts of the earlier run each follow-up takes, by their stage (batch/releaseFollowUp, and its buttons). */
export const FOLLOW_UP_STAGES: Record<FollowUpAction, readonly ReleaseStage[]> = {
  release: ['held'],
  full: ['gray'],
  rollback: ['released', 'gray'],
};
