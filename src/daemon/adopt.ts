/**
 * After a (re)start: container processes that still run are watched again;
 * those that ended while no daemon watched are recorded as exited.
 */
import type { ContainerService } from '../service/containers.js'
import type { ProcessSupervisor } from '../service/processes.js'
import type { StateStore } from '../state/store.js'

/** Re-adopts or closes the books on every recorded running process. */
export const adoptProcesses = async (
  store: StateStore,
  processes: ProcessSupervisor,
  containers: ContainerService,
): Promise<void> => {
  for (const c of store.state.containers) {
    const { status, pid, pidStart } = c.process
    if (status !== 'running') continue
    if (pid !== undefined && pidStart !== undefined && processes.adopt(c.id, { pid, pidStart })) continue
    await containers.markExited(c.id, processes.exitCodeOf(c.id) ?? 255)
  }
}
