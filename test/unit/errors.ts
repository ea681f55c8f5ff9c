import tap from 'tap'
import { BerthError, type ErrorKind, conflict, forbidden, httpStatus, invalid, messageOf, notFound, systemError } from '../../src/errors.js'

tap.test('httpStatus maps every kind like Docker’s errdefs', async t => {
  t.strictSame(httpStatus, {
    NotFound: 404,
    InvalidParameter: 400,
    Conflict: 409,
    Forbidden: 403,
    Unavailable: 503,
    System: 500,
  })
})

tap.test('shorthand constructors set kind, code, message and cause', async t => {
  const cause = new Error('EEXIST')
  const cases: [BerthError, ErrorKind, number][] = [
    [invalid('E_A', 'a', cause), 'InvalidParameter', 400],
    [notFound('E_B', 'b'), 'NotFound', 404],
    [conflict('E_C', 'c'), 'Conflict', 409],
    [forbidden('E_D', 'd'), 'Forbidden', 403],
    [systemError('E_E', 'e', cause), 'System', 500],
  ]
  for (const [e, kind, status] of cases) {
    t.type(e, BerthError)
    t.type(e, Error)
    t.equal(e.name, 'BerthError')
    t.equal(e.kind, kind)
    t.equal(httpStatus[e.kind], status)
  }
  t.match(cases[0]?.[0], { code: 'E_A', message: 'a' })
  t.equal(cases[0]?.[0].cause, cause)
  t.equal(cases[4]?.[0].cause, cause)
  t.equal(cases[1]?.[0].cause, undefined)
})

tap.test('messageOf', async t => {
  t.equal(messageOf(new Error('boom')), 'boom')
  t.equal(messageOf(conflict('E', 'busy')), 'busy')
  t.equal(messageOf('text'), 'text')
  t.equal(messageOf(42), '42')
  t.equal(messageOf(undefined), 'undefined')
})
