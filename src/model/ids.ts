/**
 * Object ids: 64 hex characters, like Docker's.
 */
import { randomBytes } from 'node:crypto'

/** A new random 64-hex object id. */
export const newId = (): string => randomBytes(32).toString('hex')
