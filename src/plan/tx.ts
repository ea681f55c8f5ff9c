/**
 * Applying plans: a transaction applies ops in order and rolls back what it
 * did, in reverse, when one fails; a teardown applies every op best-effort
 * and reports all failures together (aesthetics P4, P7).
 */
import { BerthError, messageOf, systemError } from '../errors.js'
import { type Op, describeOp, inverse } from './ops.js'

/** The one side-effecting port the planners' output goes through. */
export interface OpApplier {
  apply(op: Op): Promise<void>
  /** Releases per-operation resources (e.g. sockets into container netns). */
  release(): void
}

/** Makes any failure of `op` a classified error that names the op. */
const wrap = (op: Op, e: unknown): BerthError =>
  e instanceof BerthError ? e : systemError('E_KERNEL', `${describeOp(op)}: ${messageOf(e)}`, e)

/**
 * Applies `ops` in order. On failure, undoes the applied ones in reverse and
 * throws the original error (rollback failures are attached as `cause`).
 */
export const applyPlan = async (kernel: OpApplier, ops: readonly Op[]): Promise<void> => {
  const done: Op[] = []
  try {
    for (const op of ops) {
      try {
        await kernel.apply(op)
      } catch (e) {
        throw wrap(op, e)
      }
      done.push(op)
    }
  } catch (e) {
    const failures = await applyEach(kernel, done.reverse().flatMap(op => inverse(op) ?? []))
    if (failures.length > 0 && e instanceof BerthError) {
      const agg = new AggregateError(failures)
      throw new BerthError(e.kind, e.code, `${e.message} (and rollback failed: ${failures.map(f => f.message).join('; ')})`, { cause: agg })
    }
    throw e
  } finally {
    kernel.release()
  }
}

/** Applies every op, collecting failures instead of stopping. */
const applyEach = async (kernel: OpApplier, ops: readonly Op[]): Promise<BerthError[]> => {
  const errors: BerthError[] = []
  for (const op of ops) {
    try {
      await kernel.apply(op)
    } catch (e) {
      errors.push(wrap(op, e))
    }
  }
  return errors
}

/**
 * Applies every op even when some fail, and undoes nothing; throws one error
 * listing all failures. For teardown, and for repairs, whose replayed
 * "ensure" ops must never be undone (an address that already existed is not
 * the repair's to delete).
 */
export const applyBestEffort = async (kernel: OpApplier, ops: readonly Op[]): Promise<void> => {
  const errors = await applyEach(kernel, ops)
  kernel.release()
  if (errors.length > 0) {
    throw systemError('E_TEARDOWN', errors.map(e => e.message).join('; '), new AggregateError(errors))
  }
}
