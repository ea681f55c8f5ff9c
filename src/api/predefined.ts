/**
 * Docker's predefined networks `host` and `none`, shown by `network ls` and
 * `network inspect` (they are modes, not networks berth creates: nothing in
 * the state or the kernel). Their ids are stable for one data root.
 */
import { createHash } from 'node:crypto'
import type { State } from '../model/types.js'

export const PREDEFINED_MODES = ['host', 'none'] as const
export type PredefinedMode = (typeof PREDEFINED_MODES)[number]

/** A stable 64-hex id for a predefined network of this daemon. */
export const predefinedId = (dataRoot: string, name: PredefinedMode): string =>
  createHash('sha256').update(`berth:${dataRoot}:${name}`).digest('hex')

/** The predefined network `ref` names (by name, id or id prefix), if any. */
export const findPredefined = (dataRoot: string, ref: string): PredefinedMode | undefined =>
  PREDEFINED_MODES.find(n => n === ref || (/^[0-9a-f]{4,64}$/.test(ref) && predefinedId(dataRoot, n).startsWith(ref)))

/** Docker's JSON for `host` (driver host) or `none` (driver null). */
export const predefinedJSON = (dataRoot: string, name: PredefinedMode, s: State) => ({
  Name: name,
  Id: predefinedId(dataRoot, name),
  Created: '0001-01-01T00:00:00Z',
  Scope: 'local',
  Driver: name === 'host' ? 'host' : 'null',
  EnableIPv6: false,
  IPAM: { Driver: 'default', Options: null, Config: [] },
  Internal: false,
  Attachable: false,
  Ingress: false,
  ConfigFrom: { Network: '' },
  ConfigOnly: false,
  Containers: Object.fromEntries(
    s.containers
      .filter(c => c.mode === name && c.status === 'ready')
      .map(c => [c.id, { Name: c.name, EndpointID: '', MacAddress: '', IPv4Address: '', IPv6Address: '' }]),
  ),
  Options: {},
  Labels: {},
})
