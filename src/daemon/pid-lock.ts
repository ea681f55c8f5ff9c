/**
 * One daemon per exec root: a pid file created exclusively; a stale one (its
 * process gone) is taken over.
 */
import fs from 'node:fs'
import path from 'node:path'
import { conflict } from '../errors.js'

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the lock (`what` names it in errors); returns its release function. */
export const acquirePidLock = (file: string, what = file): (() => void) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o644 })
      return () => fs.rmSync(file, { force: true })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const pid = Number(fs.readFileSync(file, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && running(pid)) {
        throw conflict('E_DAEMON_RUNNING', `another berthd (pid ${pid}) is running with ${what}`)
      }
      fs.rmSync(file, { force: true })
    }
  }
  throw conflict('E_DAEMON_RUNNING', `could not take ${file}`)
}
