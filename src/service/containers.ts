/**
 * Sandbox (container) operations: create, start, remove, and the reads.
 */
import fs from 'node:fs'
import path from 'node:path'
import { conflict, invalid } from '../errors.js'
import { planEndpointCreate } from '../drivers/driver.js'
import { netnsName, shortId } from '../model/names.js'
import type { ContainerCreateRequest } from '../model/parse-container.js'
import type { Container, State } from '../model/types.js'
import { planPortChange } from '../firewall/plan.js'
import { optional } from '../plan/ops.js'
import { ownsNetns, planSandboxCreate, planSandboxRemove } from '../plan/sandbox.js'
import { conntrackOps, releasePorts, reservePorts } from './published.js'
import type { ServiceContext, TopologyListener } from './context.js'
import { etcFilesOf } from './endpoints.js'
import { buildSandbox } from './sandbox-spec.js'
import { routeCarrier } from '../plan/route.js'
import { findContainer } from './lookup.js'
import { newId } from '../model/ids.js'
import { FIREWALL_LOCK } from './locks.js'
import type { ProcessSupervisor } from './processes.js'
import { createRecorded, removeRecorded } from './recorded.js'
import { dropContainer, patchContainer, putContainer, withEndpointStatus } from './state-ops.js'

const WAIT_POLL_MS = 50

/** Container create/start/remove/list/inspect. */
export class ContainerService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly processes: ProcessSupervisor,
    private readonly topology: TopologyListener,
  ) {}

  /** Containers; only running ones unless `all`. */
  list(all: boolean): Container[] {
    return this.ctx.store.state.containers.filter(
      c => c.status !== 'removing' && (all || c.process.status === 'running'),
    )
  }

  /** One container by name, id or id prefix. */
  inspect(ref: string): Container {
    return findContainer(this.ctx.store.state, ref)
  }

  /** Creates the sandbox for the request's network mode (see sandbox-spec.ts). */
  async create(req: ContainerCreateRequest): Promise<{ container: Container; warnings: readonly string[] }> {
    const id = newId()
    // The id's lock too: connect/disconnect/rm of this container wait for the create.
    const keys = [`name:${req.name}`, `ctr:${id}`, ...(req.ports.length > 0 ? [FIREWALL_LOCK] : [])]
    return this.ctx.locks.with(keys, async () => {
      const s = this.ctx.store.state
      const spec = buildSandbox(this.ctx, s, req, id)
      for (const w of spec.warnings) this.ctx.log.warn({ name: req.name }, w)
      const ports = reservePorts(this.ctx, s, spec.canPublish ? req.ports : [])
      const c: Container = { ...spec.container, ports }
      const carrier = routeCarrier(id2 => s.networks.find(n => n.id === id2), c)
      await createRecorded(this.ctx, {
        record: putContainer(c),
        plan: (before, after) =>
          ownsNetns(c)
            ? [
                ...planSandboxCreate(c, etcFilesOf(this.ctx, c)),
                ...c.endpoints.flatMap(ep => {
                  const net = spec.networks.get(ep.id)
                  return net ? planEndpointCreate(net, c, ep, ep.id === carrier?.id) : []
                }),
                ...optional(planPortChange({ s: before, c: undefined }, { s: after, c })),
                ...conntrackOps(ports),
              ]
            : [],
        commit: patchContainer(id, x => ({ ...x, status: 'ready', endpoints: x.endpoints.map(e => ({ ...e, status: 'ready' })) })),
        abandon: dropContainer(id),
      }).catch((e: unknown) => {
        releasePorts(this.ctx, ports)
        throw e
      })
      await this.topology.sync()
      this.ctx.log.info({ container: id, name: c.name, mode: c.mode, netns: c.netns, ips: c.endpoints.map(e => e.ip) }, 'container created')
      return { container: this.inspect(id), warnings: spec.warnings }
    })
  }

  /** Starts the container's command in its netns. */
  async start(ref: string): Promise<void> {
    const c0 = this.inspect(ref)
    await this.ctx.locks.with([`ctr:${c0.id}`], async () => {
      const c = this.inspect(c0.id)
      if (c.status !== 'ready') throw conflict('E_CONTAINER_BUSY', `container ${c.name} is being ${c.status === 'creating' ? 'created' : 'removed'}`)
      if (c.process.status === 'running') return // Docker: starting a running container is a no-op
      if (c.cmd.length === 0) throw invalid('E_NO_COMMAND', `No command specified for container ${c.name}: give one after "--"`)
      const h = await this.processes.start(c.id, c.netns, c.cmd)
      await this.ctx.store.update(
        patchContainer(c.id, x => ({
          ...x,
          process: { status: 'running', pid: h.pid, pidStart: h.pidStart, startedAt: new Date().toISOString() },
        })),
      )
      this.ctx.log.info({ container: c.id, pid: h.pid }, 'container started')
    })
  }

  /** Records that the container's process ended. */
  async markExited(id: string, exitCode: number): Promise<void> {
    await this.ctx.store.update(
      patchContainer(id, x => ({
        ...x,
        process: { ...x.process, status: 'exited', pid: undefined, pidStart: undefined, exitCode, finishedAt: new Date().toISOString() },
      })),
    )
    this.ctx.log.info({ container: id, exitCode }, 'container exited')
  }

  /**
   * Removes the container and everything it owns; `force` kills it first.
   * A removal that failed half-way is finished by running it again.
   */
  async remove(ref: string, force: boolean): Promise<void> {
    const find = (r: string) => findContainer(this.ctx.store.state, r, { removing: true })
    const c0 = find(ref)
    await this.ctx.locks.with([`ctr:${c0.id}`, ...(c0.ports.length > 0 ? [FIREWALL_LOCK] : [])], async () => {
      const c = find(c0.id)
      if (c.process.status === 'running' && !force) {
        throw conflict(
          'E_CONTAINER_RUNNING',
          `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`,
        )
      }
      const joiners = this.ctx.store.state.containers.filter(x => x.joined === c.id)
      if (joiners.length > 0) {
        throw conflict(
          'E_NETNS_IN_USE',
          `container ${c.name} is the network namespace of ${joiners.map(j => j.name).join(', ')} (--network container:${c.name}); remove them first`,
        )
      }
      if (ownsNetns(c)) {
        // Every process in the netns goes: the supervised one, exec sessions,
        // and anything a crash left untracked (each would keep the netns alive).
        await this.processes.killAll(c.id, this.ctx.kernel.netns.path(c.netns))
      } else if (c.process.pid !== undefined && c.process.pidStart !== undefined) {
        // The netns is the host's or another container's: only this container's own processes.
        await this.processes.killGroup(c.id, { pid: c.process.pid, pidStart: c.process.pidStart })
      }
      await removeRecorded(this.ctx, {
        mark: patchContainer(c.id, x => ({ ...x, status: 'removing' })),
        plan: before => [
          ...optional(planPortChange({ s: before, c }, { s: before, c: undefined })),
          ...conntrackOps(c.ports),
          ...planSandboxRemove(c),
        ],
        drop: dropContainer(c.id),
      })
      releasePorts(this.ctx, c.ports)
      await this.topology.sync()
      fs.rmSync(this.processes.dir(c.id), { recursive: true, force: true })
      this.ctx.log.info({ container: c.id, name: c.name }, 'container removed')
    })
  }

  /** Waits until the container's process is not running (or `signal` aborts); its exit code. */
  async wait(ref: string, signal?: AbortSignal): Promise<number> {
    const id = this.inspect(ref).id
    while (!signal?.aborted) {
      const c = this.ctx.store.state.containers.find(x => x.id === id)
      if (!c || c.process.status !== 'running') return c?.process.exitCode ?? 0
      await new Promise(r => setTimeout(r, WAIT_POLL_MS))
    }
    return -1
  }

  /** The container's output so far. */
  logs(ref: string): { path: string; container: Container } {
    const container = this.inspect(ref)
    return { path: this.processes.logPath(container.id), container }
  }
}
