/**
 * `berth create|run|start|ps|inspect|rm|logs|wait`: sandboxes.
 */
import type { Command } from 'commander'
import { type ApiClient, CliError, daemonError } from '../client.js'
import { parsePublishFlags } from '../../model/ports.js'
import { inspectEach, removeEach } from '../each.js'
import { short, table } from '../format.js'

type Client = () => ApiClient
const out = (text: string) => void process.stdout.write(text)
const enc = encodeURIComponent

interface CreateOptions {
  publish: string[]
  networkAlias: string[]
  link: string[]
  name?: string
  network: string[]
  macAddress?: string
  ip?: string
  hostname?: string
  detach?: boolean
  rm?: boolean
}

interface Summary {
  Ports: { IP: string; PrivatePort: number; PublicPort: number; Type: string }[]
  Id: string
  Names: string[]
  Command: string
  Created: number
  Status: string
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> }
}

/**
 * Docker's /containers/create body from CLI options. `--ip`, `--mac-address`
 * and `--network-alias` apply to the first network; further `--network`s
 * are attached too (eth1, eth2, …).
 */
const createBody = (o: CreateOptions, cmd: string[]) => {
  const [first = 'default', ...rest] = o.network
  const twice = o.network.find((n, i) => o.network.indexOf(n) !== i)
  if (twice) throw new CliError(`network ${twice} is given twice`, 125)
  const modeOnly = ['host', 'none'].includes(first) || first.startsWith('container:')
  const firstEndpoint = {
    IPAMConfig: o.ip ? { IPv4Address: o.ip } : undefined,
    Aliases: o.networkAlias,
    MacAddress: o.macAddress,
  }
  return {
    Hostname: o.hostname,
    Cmd: cmd,
    HostConfig: { NetworkMode: first, PortBindings: parsePublishFlags(o.publish), Links: o.link },
    NetworkingConfig: {
      EndpointsConfig: {
        ...(modeOnly ? {} : { [first === 'default' ? 'bridge' : first]: firstEndpoint }),
        ...Object.fromEntries(rest.map(n => [n, {}])),
      },
    },
  }
}

const createOptions = (c: Command) =>
  c
    .option('--name <name>', 'container name (its netns is <netns-prefix><name>)')
    .option(
      '--network <network>',
      'network to connect to (repeatable; default: bridge), or host, none, container:<name|id>',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('--mac-address <mac>', 'MAC address on the first network (default: 02:42 + the IPv4 bytes)')
    .option('--ip <ip>', 'IPv4 address (networks with a user-given subnet)')
    .option('-h, --hostname <name>', 'hostname (default: the short id)')
    .option('--network-alias <name>', 'an extra DNS name on the network (repeatable)', (v: string, acc: string[]) => [...acc, v], [])
    .option('--link <name[:alias]>', "add another container's address to /etc/hosts (repeatable)", (v: string, acc: string[]) => [...acc, v], [])
    .option(
      '-p, --publish <[ip:][hostPort:]port[/proto]>',
      'publish a container port on the host (repeatable; ranges like 8000-8002:80-82)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .argument('[cmd...]', 'command run in the container, after --')

/** Creates a container; daemon errors exit 125 like `docker run`. */
const createContainer = async (client: ApiClient, o: CreateOptions, cmd: string[]): Promise<string> => {
  try {
    const name = o.name ? `?name=${enc(o.name)}` : ''
    const r = await client.json<{ Id: string; Warnings?: string[] }>('POST', `/containers/create${name}`, createBody(o, cmd))
    for (const w of r.Warnings ?? []) process.stderr.write(`WARNING: ${w}\n`)
    return r.Id
  } catch (e) {
    // Like `docker run`: any failure to create exits 125 (bad flags included).
    throw e instanceof CliError ? new CliError(e.message, 125, e.status) : new CliError((e as Error).message, 125)
  }
}

/** Prints the container's output until it exits; returns its exit code. */
const attach = async (client: ApiClient, id: string): Promise<number> => {
  const r = await client.send('GET', `/containers/${id}/logs?follow=1`, undefined, chunk => process.stdout.write(chunk))
  if (r.status >= 400) throw daemonError(r)
  return (await client.json<{ StatusCode: number }>('POST', `/containers/${id}/wait`)).StatusCode
}

/** Registers the container commands. */
export const registerContainerCommands = (program: Command, client: Client): void => {
  createOptions(program.command('create').description('create a sandbox (netns + network endpoint)')).action(
    async (cmd: string[], o: CreateOptions) => out(`${await createContainer(client(), o, cmd)}\n`),
  )

  createOptions(program.command('run').description('create a sandbox and run a command in it'))
    .option('-d, --detach', 'run in the background and print the id')
    .option('--rm', 'remove the container when its command exits')
    .action(async (cmd: string[], o: CreateOptions) => {
      const c = client()
      const id = await createContainer(c, o, cmd)
      const started = await c.send('POST', `/containers/${id}/start`)
      if (started.status >= 400) {
        const e = daemonError(started)
        throw new CliError(e.message, 125, e.status)
      }
      if (o.detach) return out(`${id}\n`)
      const code = await attach(c, id)
      if (o.rm) await c.json('DELETE', `/containers/${id}?force=1`)
      process.exitCode = code
    })

  program
    .command('start')
    .description('start a created or exited container')
    .argument('<container...>')
    .action(async (refs: string[]) => {
      for (const ref of refs) {
        await client().json('POST', `/containers/${enc(ref)}/start`)
        out(`${ref}\n`)
      }
    })

  program
    .command('ps')
    .description('list containers')
    .option('-a, --all', 'include created and exited ones')
    .option('-q, --quiet', 'only ids')
    .action(async (o: { all?: boolean; quiet?: boolean }) => {
      const list = await client().json<Summary[]>('GET', `/containers/json${o.all ? '?all=1' : ''}`)
      if (o.quiet) return out(list.map(c => `${short(c.Id)}\n`).join(''))
      const rows = list.map(c => [
        short(c.Id),
        c.Names[0]?.slice(1) ?? '',
        JSON.stringify(c.Command),
        new Date(c.Created * 1000).toISOString().replace('T', ' ').slice(0, 19),
        c.Status,
        c.Ports.map(p => `${p.IP}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`).join(', '),
        Object.entries(c.NetworkSettings.Networks).map(([n, e]) => `${n}=${e.IPAddress}`).join(','),
      ])
      out(table(['CONTAINER ID', 'NAME', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NETWORKS'], rows))
    })

  program
    .command('inspect')
    .description('show containers in detail (Docker JSON)')
    .argument('<container...>')
    .action((refs: string[]) => inspectEach(client(), refs, 'container', ref => `/containers/${ref}/json`))

  program
    .command('rm')
    .description('remove containers (netns, veths, addresses, files)')
    .argument('<container...>')
    .option('-f, --force', 'kill a running container first')
    .action((refs: string[], o: { force?: boolean }) =>
      removeEach(client(), refs, ref => `/containers/${ref}${o.force ? '?force=1' : ''}`),
    )

  program
    .command('port')
    .description("list a container's published ports")
    .argument('<container>')
    .argument('[port]', 'only this container port (80 or 80/tcp)')
    .action(async (ref: string, only?: string) => {
      const c = await client().json<{ NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[]> } }>(
        'GET',
        `/containers/${enc(ref)}/json`,
      )
      const want = only && !only.includes('/') ? `${only}/tcp` : only
      const lines = Object.entries(c.NetworkSettings.Ports)
        .filter(([k]) => !want || k === want)
        .flatMap(([k, bindings]) => bindings.map(b => (want ? `${b.HostIp}:${b.HostPort}` : `${k} -> ${b.HostIp}:${b.HostPort}`)))
      if (want && lines.length === 0) throw new CliError(`Error: No public port '${want}' published for ${ref}`)
      out(lines.map(l => `${l}\n`).join(''))
    })

  program
    .command('logs')
    .description("print a container's output")
    .argument('<container>')
    .option('-f, --follow', 'keep printing while it runs')
    .action(async (ref: string, o: { follow?: boolean }) => {
      const r = await client().send('GET', `/containers/${enc(ref)}/logs${o.follow ? '?follow=1' : ''}`, undefined, chunk =>
        process.stdout.write(chunk),
      )
      if (r.status >= 400) throw daemonError(r)
    })

  program
    .command('wait')
    .description('wait for a container to exit and print its exit code')
    .argument('<container>')
    .action(async (ref: string) => {
      out(`${(await client().json<{ StatusCode: number }>('POST', `/containers/${enc(ref)}/wait`)).StatusCode}\n`)
    })
}
