/**
 * Where each container's DNS DNAT table points: one small file per
 * container under `<exec-root>/dns/`, so a restarted berthd binds the same
 * ports again and leaves the table alone — one `nft` process per container
 * netns at start made a restart with 1000 containers take a minute.
 *
 * The file names the netns by its inode: a netns re-created since (repair)
 * has no table yet. It is removed before the table changes and written
 * after, so a missing or stale-looking file only ever costs the slow path
 * (new ports and a new table), never a table pointing elsewhere. The exec
 * root is runtime state: after a reboot there are neither netns nor files.
 *
 * Be aware: a table deleted behind berth's back while the file stays is not
 * noticed here (drift detection's job).
 */
import fs from 'node:fs'
import path from 'node:path'

/** The ports a container's DNAT table sends 127.0.0.11:53 to, in the netns with inode `netnsIno`. */
export interface DnsPorts {
  readonly netnsIno: number
  readonly udp: number
  readonly tcp: number
}

const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536

/** The files of one daemon. */
export class DnsPortFiles {
  constructor(private readonly dir: string) {}

  #file(id: string): string {
    return path.join(this.dir, id)
  }

  /** The recorded ports, or undefined when there is no (valid) record. */
  read(id: string): DnsPorts | undefined {
    try {
      const p = JSON.parse(fs.readFileSync(this.#file(id), 'utf8')) as Partial<DnsPorts>
      return Number.isInteger(p.netnsIno) && isPort(p.udp) && isPort(p.tcp) ? (p as DnsPorts) : undefined
    } catch {
      return undefined
    }
  }

  /** Records the ports (tmp + rename; no fsync: a lost record only costs the slow path). */
  write(id: string, p: DnsPorts): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    const tmp = `${this.#file(id)}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(p), { mode: 0o600 })
    fs.renameSync(tmp, this.#file(id))
  }

  /** Forgets a container's record (missing is fine). */
  remove(id: string): void {
    fs.rmSync(this.#file(id), { force: true })
  }

  /** Removes the directory when no record is left (after a reset: nothing of berth's stays). */
  removeDirIfEmpty(): void {
    try {
      fs.rmdirSync(this.dir)
    } catch {
      // missing, or records kept for the next start
    }
  }

  /** Removes the records of containers not in `known`. */
  prune(known: ReadonlySet<string>): void {
    const names = fs.existsSync(this.dir) ? fs.readdirSync(this.dir) : []
    for (const n of names.filter(n => !known.has(n))) fs.rmSync(path.join(this.dir, n), { force: true })
  }
}

/** The inode of the netns file at `nsPath` (identifies the netns while it lives). */
export const netnsInode = (nsPath: string): number => fs.statSync(nsPath).ino
