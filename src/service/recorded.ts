/**
 * The two shapes every mutating operation takes, so the crash-safety rule
 * lives in one place (ARCHITECTURE.md §4: intent is recorded before the
 * kernel is touched):
 *  - create: record the object as `creating` → apply the plan → mark it
 *    `ready`; on failure the plan rolls back and the record is dropped;
 *  - remove: mark `removing` → tear down best-effort → drop the record; on
 *    failure the mark stays, so a retry or the next start finishes the job.
 *
 * The `creating`/`removing` marks are written without fsync: if a crash
 * loses one, the next start still finds every kernel object of the
 * operation by its owner alias — as garbage (a create not in the state) or
 * as something to re-create (a removal of an object still recorded ready).
 * Only the outcome (`ready`, or the record gone) is made durable.
 */
import type { State } from '../model/types.js'
import type { Op } from '../plan/ops.js'
import { applyPlan, applyBestEffort } from '../plan/tx.js'
import type { ServiceContext } from './context.js'

type Update = (s: State) => State

/** Runs a create: `record`, then the plan built from (before, after), then `commit`. */
export const createRecorded = async (
  ctx: ServiceContext,
  steps: { record: Update; plan: (before: State, after: State) => Op[]; commit: Update; abandon: Update },
): Promise<void> => {
  const before = ctx.store.state
  const after = await ctx.store.update(steps.record, { durable: false })
  try {
    await applyPlan(ctx.kernel.session(), steps.plan(before, after))
  } catch (e) {
    await ctx.store.update(steps.abandon, { durable: false })
    throw e
  }
  await ctx.store.update(steps.commit)
}

/** Runs a removal: `mark`, then the teardown built from (before, after), then `drop`. */
export const removeRecorded = async (
  ctx: ServiceContext,
  steps: { mark: Update; plan: (before: State, after: State) => Op[]; drop: Update },
): Promise<void> => {
  const before = ctx.store.state
  const after = await ctx.store.update(steps.mark, { durable: false })
  await applyBestEffort(ctx.kernel.session(), steps.plan(before, after))
  await ctx.store.update(steps.drop)
}
