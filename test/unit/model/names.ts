import t from 'tap'
import { parseIpv4 } from '../../../src/model/ipv4.js'
import {
  IFNAME_MAX,
  NAME_MAX,
  OWNER_ALIAS_PREFIX,
  bridgeName,
  checkHostname,
  checkIfname,
  checkObjectName,
  containerIfname,
  containerMac,
  isDerivedName,
  netnsName,
  ownerAlias,
  shortId,
  vethName,
} from '../../../src/model/names.js'

const ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'

t.test('kernel names fit in IFNAMSIZ', async t => {
  t.equal(IFNAME_MAX, 15)
  t.equal(bridgeName(ID), 'br-a1b2c3d4e5f6')
  t.equal(bridgeName(ID).length, 15)
  t.equal(vethName(ID), 'vetha1b2c3d')
  t.ok(vethName(ID).length <= 15)
  t.equal(containerIfname(0), 'eth0')
  t.equal(containerIfname(12), 'eth12')
  t.equal(shortId(ID), 'a1b2c3d4e5f6')
  t.equal(netnsName('berth-', 'web'), 'berth-web')
})

t.test('containerMac is 02:42 + the IPv4 bytes in hex', async t => {
  t.equal(containerMac(parseIpv4('172.18.0.100') as number), '02:42:ac:12:00:64')
  t.equal(containerMac(parseIpv4('172.17.0.2') as number), '02:42:ac:11:00:02')
  t.equal(containerMac(parseIpv4('192.168.255.255') as number), '02:42:c0:a8:ff:ff')
  t.equal(containerMac(0), '02:42:00:00:00:00')
})

t.test('owner alias', async t => {
  t.equal(OWNER_ALIAS_PREFIX, 'berth:')
  t.equal(ownerAlias('abc'), 'berth:abc')
})

t.test('checkIfname', async t => {
  t.equal(checkIfname('berth0', 'bridge name'), 'berth0')
  t.equal(checkIfname('a'.repeat(15), 'bridge name'), 'a'.repeat(15), '15 characters are fine')
  t.equal(checkIfname('br_x.y-z', 'bridge name'), 'br_x.y-z')
  t.throws(() => checkIfname('a'.repeat(16), 'bridge name'), {
    name: 'BerthError',
    kind: 'InvalidParameter',
    code: 'E_IFNAME_LENGTH',
    message: /at most 15 characters/,
  })
  t.throws(() => checkIfname('averyverylongname', 'bridge name'), { message: /^bridge name "averyverylongname"/ })
  t.throws(() => checkIfname('', 'bridge name'), { kind: 'InvalidParameter', code: 'E_IFNAME_EMPTY' })
  for (const bad of ['br 0', 'br/0', 'br:0', '.', '..', 'brü', 'br\n']) {
    t.throws(() => checkIfname(bad, 'bridge name'), { kind: 'InvalidParameter', code: 'E_IFNAME_CHARS' }, JSON.stringify(bad))
  }
})

t.test('checkObjectName follows Docker’s rule', async t => {
  for (const ok of ['a', 'web', 'Web1', 'my_net.v2-x', '0abc', 'a'.repeat(NAME_MAX)]) {
    t.equal(checkObjectName(ok, 'network'), ok)
  }
  for (const bad of ['', '-a', '_a', '.a', 'a b', 'a/b', 'a:b', 'ä']) {
    t.throws(() => checkObjectName(bad, 'network'), { kind: 'InvalidParameter', code: 'E_NAME_CHARS' }, JSON.stringify(bad))
  }
  t.throws(() => checkObjectName('x y', 'container'), { message: /^invalid container name "x y"/ })
  t.throws(() => checkObjectName('a'.repeat(NAME_MAX + 1), 'container'), {
    kind: 'InvalidParameter',
    code: 'E_NAME_LENGTH',
    message: 'container name is too long: at most 128 characters',
  })
})

t.test('checkHostname: RFC 1123 labels', async t => {
  for (const ok of ['apollo', 'a', 'web-1', 'db.example.com', '1host', 'A'.repeat(63), `${'a'.repeat(63)}.${'b'.repeat(63)}`]) {
    t.equal(checkHostname(ok), ok)
  }
  for (const bad of [
    '',
    '-web',
    'web-',
    'a_b',
    'a..b',
    'a.',
    '.a',
    'a b',
    'a'.repeat(64),
    Array.from({ length: 4 }, () => 'a'.repeat(63)).join('.'), // 255 characters
  ]) {
    t.throws(() => checkHostname(bad), { kind: 'InvalidParameter', code: 'E_HOSTNAME' }, JSON.stringify(bad).slice(0, 40))
  }
})

t.test('checkIfname: an empty name is not "too long"', async t => {
  t.throws(() => checkIfname('', 'bridge name'), {
    name: 'BerthError',
    kind: 'InvalidParameter',
    code: 'E_IFNAME_EMPTY',
    message: 'bridge name must not be empty',
  })
})

t.test('container names need 2+ characters (Docker), network names do not', async t => {
  for (const one of ['a', 'Z', '0']) {
    t.throws(() => checkObjectName(one, 'container'), { kind: 'InvalidParameter', code: 'E_NAME_CHARS', message: `invalid container name "${one}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed` })
    t.equal(checkObjectName(one, 'network'), one)
  }
  for (const ok of ['ab', 'a1', 'a_', 'a.', 'a-', 'db1']) t.equal(checkObjectName(ok, 'container'), ok)
  t.throws(() => checkObjectName('', 'container'), { code: 'E_NAME_CHARS' })
  t.throws(() => checkObjectName('-a', 'container'), { code: 'E_NAME_CHARS' }, 'two characters must still start right')
})

t.test('isDerivedName: the bridge and veth names berth derives from the id in an owner alias', async t => {
  t.ok(isDerivedName('br-0123456789ab', 'berth:0123456789abcdef'))
  t.ok(isDerivedName('veth0123456', 'berth:0123456789abcdef'))
  t.notOk(isDerivedName('mybr', 'berth:0123456789abcdef'), 'a user-chosen bridge name')
  t.notOk(isDerivedName('br-0123456789ab', 'berth:ffff'), 'another object’s id')
  t.notOk(isDerivedName('br-0123456789ab', 'docker:0123456789abcdef'), 'not berth’s alias')
})
