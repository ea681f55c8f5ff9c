/**
 * After a (re)start: container processes that still run are watched again;
 * those that ended while no daemon watched are recorded as exited; the
 * files of containers removed just before a crash are deleted.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { ContainerService } from '../service/containers.js'
import type { ProcessSupervisor } from '../service/processes.js'
import type { StateStore } from '../state/store.js'

/** Removes container directories (logs, exit codes) of containers the state does not know. */
export const removeStaleContainerDirs = (dataRoot: string, known: ReadonlySet<string>): string[] => {
  const dir = path.join(dataRoot, 'containers')
  const stale = fs.existsSync(dir) ? fs.readdirSync(dir).filter(id => !known.has(id)) : []
  for (const id of stale) fs.rmSync(path.join(dir, id), { recursive: true, force: true })
  return stale
}

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
