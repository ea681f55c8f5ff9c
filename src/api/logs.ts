/**
 * `GET /containers/{id}/logs`: the container's output; with `follow`, the
 * response stays open and grows until the process exits.
 */
import fs from 'node:fs'
import type { ContainerService } from '../service/containers.js'
import type { Call } from './routes.js'

const POLL_MS = 50

const readFrom = (file: string, offset: number): Buffer => {
  try {
    const fd = fs.openSync(file, 'r')
    try {
      const size = fs.fstatSync(fd).size
      const buf = Buffer.alloc(Math.max(0, size - offset))
      fs.readSync(fd, buf, 0, buf.length, offset)
      return buf
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    return Buffer.alloc(0)
  }
}

/** Streams the log file, following it while the container runs. */
export const streamLogs = async (c: Call, containers: ContainerService, ref: string, follow: boolean): Promise<void> => {
  const { path, container } = containers.logs(ref)
  c.res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
  let offset = 0
  let closed = false
  c.res.on('close', () => (closed = true))
  for (;;) {
    const chunk = readFrom(path, offset)
    offset += chunk.length
    if (chunk.length > 0) c.res.write(chunk)
    const running = containers.list(true).find(x => x.id === container.id)?.process.status === 'running'
    if (!follow || !running || closed) break
    await new Promise(r => setTimeout(r, POLL_MS))
  }
  // One last read: output written just before the exit was recorded.
  const tail = readFrom(path, offset)
  if (tail.length > 0 && !closed) c.res.write(tail)
  c.res.end()
}
