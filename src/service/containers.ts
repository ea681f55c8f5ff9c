/**
 * Sandbox (container) operations: create, start, remove, and the reads.
 */
import fs from 'node:fs'
import path from 'node:path'
import { conflict, invalid } from '../errors.js'
import { planEndpointCreate } from '../drivers/bridge/plan-endpoint.js'
import { netnsName, shortId } from '../model/names.js'
import type { ContainerCreateRequest } from '../model/parse-container.js'
import type { Container, State } from '../model/types.js'
import { planPortChange } from '../firewall/plan.js'
import { optional } from '../plan/ops.js'
import { planSandboxCreate, planSandboxRemove } from '../plan/sandbox.js'
import { conntrackOps, releasePorts, reservePorts } from './published.js'
import type { ServiceContext, TopologyListener } from './context.js'
import { buildEndpoint, etcFilesOf } from './endpoints.js'
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

  /** Creates the sandbox: netns, `lo`, `eth0` on the network, /etc files. */
  async create(req: ContainerCreateRequest): Promise<Container> {
    const id = newId()
    // The id's lock too: connect/disconnect/rm of this container wait for the create.
    const keys = [`name:${req.name}`, `ctr:${id}`, ...(req.ports.length > 0 ? [FIREWALL_LOCK] : [])]
    return this.ctx.locks.with(keys, async () => {
      const s = this.ctx.store.state
      const clash = s.containers.find(c => c.name === req.name)
      if (clash) {
        throw conflict(
          'E_NAME_IN_USE',
          `Conflict. The container name "/${req.name}" is already in use by container "${clash.id}". You have to remove (or rename) that container to be able to reuse that name.`,
        )
      }
      const netns = netnsName(this.ctx.cfg.netnsPrefix, req.name)
      if (this.ctx.kernel.netns.exists(netns) || fs.existsSync(path.join(this.ctx.cfg.etcNetnsDir, netns))) {
        throw conflict(
          'E_NETNS_EXISTS',
          `network namespace ${netns} (or /etc/netns/${netns}) already exists and is not this berth's; remove it or choose another name`,
        )
      }
      const { net, ep } = buildEndpoint(s, req.attach, 0)
      // Docker discards -p on internal networks; so does berth (with a log line).
      if (net.internal && req.ports.length > 0) this.ctx.log.warn({ name: req.name, network: net.name }, 'published ports are discarded on internal networks')
      const ports = reservePorts(this.ctx, s, net.internal ? [] : req.ports)
      const c: Container = {
        id,
        name: req.name,
        hostname: req.hostname ?? shortId(id),
        created: new Date().toISOString(),
        netns,
        cmd: req.cmd,
        endpoints: [ep],
        ports,
        links: this.#checkLinks(s, req.links),
        nextIfIndex: 1,
        process: { status: 'created' },
        status: 'creating',
      }
      await createRecorded(this.ctx, {
        record: putContainer(c),
        plan: (before, after) => [
          ...planSandboxCreate(c, etcFilesOf(this.ctx, c)),
          ...planEndpointCreate(net, c, ep, true),
          ...optional(planPortChange({ s: before, c: undefined }, { s: after, c })),
          ...conntrackOps(ports),
        ],
        commit: patchContainer(id, x => withEndpointStatus({ ...x, status: 'ready' }, ep.id, 'ready')),
        abandon: dropContainer(id),
      }).catch((e: unknown) => {
        releasePorts(this.ctx, ports)
        throw e
      })
      await this.topology.sync()
      this.ctx.log.info({ container: id, name: c.name, netns, ip: ep.ip }, 'container created')
      return this.inspect(id)
    })
  }

  /**
   * `--link`s name existing containers on the default bridge (legacy links
   * live there; Docker: "could not get container for X"); ids are accepted
   * and stored as names.
   */
  #checkLinks(s: State, links: ContainerCreateRequest['links']): Container['links'] {
    return links.map(l => {
      let target: Container
      try {
        target = findContainer(s, l.container)
      } catch {
        throw invalid('E_LINK', `could not get container for ${l.container}: no such container`)
      }
      const onDefault = target.endpoints.some(e => s.networks.find(n => n.id === e.networkId)?.isDefault)
      if (!onDefault) throw invalid('E_LINK', `cannot link to ${target.name}: it is not on the default bridge network`)
      return { container: target.name, alias: l.alias === l.container ? target.name : l.alias }
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
      // Every process in the netns goes: the supervised one, exec sessions,
      // and anything a crash left untracked (each would keep the netns alive).
      await this.processes.killAll(c.id, this.ctx.kernel.netns.path(c.netns))
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
