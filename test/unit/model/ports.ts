/**
 * The `-p` syntax and Docker's PortBindings wire shape (choosePorts and
 * describeMapping: ports-choose.ts).
 */
import tap from 'tap'
import { parsePortBindings, parsePublishFlags } from '../../../src/model/ports.js'

const invalid = (code: string, message?: RegExp) => ({
  name: 'BerthError',
  kind: 'InvalidParameter',
  code,
  ...(message ? { message } : {}),
})

tap.test('parsePublishFlags: the single forms, as `docker run -p` sends them', async t => {
  t.strictSame(parsePublishFlags(['8080:80']), { '80/tcp': [{ HostIp: '', HostPort: '8080' }] })
  t.strictSame(parsePublishFlags(['127.0.0.1:8081:81']), { '81/tcp': [{ HostIp: '127.0.0.1', HostPort: '8081' }] })
  t.strictSame(parsePublishFlags(['8082:90/udp']), { '90/udp': [{ HostIp: '', HostPort: '8082' }] })
  t.strictSame(parsePublishFlags(['80']), { '80/tcp': [{ HostIp: '', HostPort: '' }] }, 'host port omitted: a random one')
  t.strictSame(parsePublishFlags(['127.0.0.1::80']), { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, 'address with a random port')
  t.strictSame(parsePublishFlags([':80']), { '80/tcp': [{ HostIp: '', HostPort: '' }] })
  t.strictSame(parsePublishFlags(['80/tcp']), parsePublishFlags(['80']), 'tcp is the default')
  t.strictSame(parsePublishFlags(['53/UDP']), { '53/udp': [{ HostIp: '', HostPort: '' }] }, 'protocol case does not matter')
  t.strictSame(parsePublishFlags(['1:65535']), { '65535/tcp': [{ HostIp: '', HostPort: '1' }] }, 'both ends of the port range')
  t.strictSame(parsePublishFlags([]), {})
})

tap.test('parsePublishFlags: equal-length ranges map one to one', async t => {
  t.strictSame(parsePublishFlags(['8000-8002:80-82']), {
    '80/tcp': [{ HostIp: '', HostPort: '8000' }],
    '81/tcp': [{ HostIp: '', HostPort: '8001' }],
    '82/tcp': [{ HostIp: '', HostPort: '8002' }],
  })
  t.strictSame(parsePublishFlags(['10.0.0.1:7000-7001:70-71/udp']), {
    '70/udp': [{ HostIp: '10.0.0.1', HostPort: '7000' }],
    '71/udp': [{ HostIp: '10.0.0.1', HostPort: '7001' }],
  })
  t.strictSame(parsePublishFlags(['80-81']), {
    '80/tcp': [{ HostIp: '', HostPort: '' }],
    '81/tcp': [{ HostIp: '', HostPort: '' }],
  }, 'a container range alone: a random port each')
  t.strictSame(parsePublishFlags(['80-80:8080-8080']), { '8080/tcp': [{ HostIp: '', HostPort: '80' }] }, 'one-port ranges are single ports')
})

tap.test('parsePublishFlags: a host range for one container port means "any port of it"', async t => {
  t.strictSame(parsePublishFlags(['8000-8010:80']), { '80/tcp': [{ HostIp: '', HostPort: '8000-8010' }] })
  t.strictSame(parsePublishFlags(['127.0.0.1:9000-9001:53/udp']), { '53/udp': [{ HostIp: '127.0.0.1', HostPort: '9000-9001' }] })
})

tap.test('parsePublishFlags: repeated flags add bindings to the same container port', async t => {
  t.strictSame(parsePublishFlags(['8080:80', '127.0.0.1:8081:80', '8080:80/udp']), {
    '80/tcp': [
      { HostIp: '', HostPort: '8080' },
      { HostIp: '127.0.0.1', HostPort: '8081' },
    ],
    '80/udp': [{ HostIp: '', HostPort: '8080' }],
  })
})

tap.test('parsePublishFlags: bad ports', async t => {
  const cases: [string, RegExp][] = [
    ['0:80', /invalid host port "0": must be 1-65535/],
    ['65536:80', /invalid host port "65536"/],
    ['abc:80', /invalid host port "abc"/],
    ['8080:0', /invalid container port "0"/],
    ['8080:65536', /invalid container port "65536"/],
    ['8080:abc', /invalid container port "abc"/],
    ['8080:-1', /invalid container port ""/],
    ['8080:8.5', /invalid container port "8.5"/],
    ['8080:123456', /invalid container port "123456"/],
    [' 80', /invalid container port " 80"/],
    ['8080:', /invalid container port ""/],
    ['8000-:80', /invalid host port ""/],
  ]
  for (const [spec, message] of cases) t.throws(() => parsePublishFlags([spec]), invalid('E_PORT', message), spec)
  t.throws(() => parsePublishFlags(['82-80']), invalid('E_PORT', /invalid container port range "82-80"/), 'reversed container range')
  t.throws(() => parsePublishFlags(['8002-8000:80']), invalid('E_PORT', /invalid host port range "8002-8000"/), 'reversed host range')
})

tap.test('parsePublishFlags: ranges of different lengths are refused', async t => {
  for (const spec of ['8000-8001:80-82', '8000-8003:80-82', '8000:80-81', '127.0.0.1:8000-8001:80-82/udp']) {
    t.throws(() => parsePublishFlags([spec]), invalid('E_PUBLISH', /host and container port ranges differ in length/), spec)
  }
})

tap.test('parsePublishFlags: bad protocol, address or shape', async t => {
  for (const spec of ['80/sctp', '80/', '8080:80/icmp']) {
    t.throws(() => parsePublishFlags([spec]), invalid('E_PROTO', /invalid protocol/), spec)
  }
  for (const spec of ['300.1.1.1:80:80', 'localhost:80:80', '127.0.0:80:80', '1.2.3.4.5:80:80']) {
    t.throws(() => parsePublishFlags([spec]), invalid('E_PUBLISH', /invalid host address/), spec)
  }
  for (const spec of ['[::1]:8080:80', 'fe80::1:8080:80', '::1:80:80', '[::]:80', '1:2:3:4']) {
    t.throws(() => parsePublishFlags([spec]), invalid('E_PUBLISH', /IPv6 host addresses are not supported/), spec)
  }
  for (const spec of ['', '/tcp', '80/tcp/x']) {
    t.throws(() => parsePublishFlags([spec]), invalid('E_PUBLISH', /invalid publish spec/), JSON.stringify(spec))
  }
  t.throws(() => parsePublishFlags(['8080:80', 'bad']), invalid('E_PORT'), 'one bad spec fails the whole list')
})

tap.test('parsePortBindings: Docker’s wire shape to requests', async t => {
  t.strictSame(
    parsePortBindings({
      '80/tcp': [
        { HostIp: '', HostPort: '8080' },
        { HostIp: '127.0.0.1', HostPort: '' },
      ],
      '53/udp': [{ HostIp: '10.0.0.1', HostPort: '9000-9009' }],
    }),
    [
      { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPorts: [8080, 8080] },
      { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPorts: [0, 0] },
      { proto: 'udp', containerPort: 53, hostIp: '10.0.0.1', hostPorts: [9000, 9009] },
    ],
  )
  t.strictSame(parsePortBindings({ '80/tcp': [{}] }), [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPorts: [0, 0] }], 'fields omitted')
  t.strictSame(parsePortBindings({ '80': null }), [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPorts: [0, 0] }], 'null: one random binding')
  t.strictSame(parsePortBindings({ '81/udp': [] }), [], 'an empty list binds nothing')
  t.strictSame(parsePortBindings({ '80/TCP': [{ HostPort: '80' }] }), [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPorts: [80, 80] }])
  for (const wire of [null, undefined, {}]) t.strictSame(parsePortBindings(wire), [], String(wire))
})

tap.test('parsePortBindings reads what parsePublishFlags writes', async t => {
  t.strictSame(parsePortBindings(parsePublishFlags(['8000-8001:80-81', '127.0.0.1::53/udp', '9000-9009:90'])), [
    { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPorts: [8000, 8000] },
    { proto: 'tcp', containerPort: 81, hostIp: '0.0.0.0', hostPorts: [8001, 8001] },
    { proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPorts: [0, 0] },
    { proto: 'tcp', containerPort: 90, hostIp: '0.0.0.0', hostPorts: [9000, 9009] },
  ])
})

tap.test('parsePortBindings: bad keys and bindings', async t => {
  t.throws(() => parsePortBindings({ '80/tcp/x': [{}] }), invalid('E_PUBLISH', /invalid port "80\/tcp\/x"/))
  t.throws(() => parsePortBindings({ 'http/tcp': [{}] }), invalid('E_PORT', /invalid container port "http"/))
  t.throws(() => parsePortBindings({ '0/tcp': [{}] }), invalid('E_PORT'))
  t.throws(() => parsePortBindings({ '80/sctp': [{}] }), invalid('E_PROTO'))
  t.throws(() => parsePortBindings({ '80/tcp': [{ HostIp: '::' }] }), invalid('E_PUBLISH', /invalid host address "::" for 80\/tcp/))
  t.throws(() => parsePortBindings({ '80/tcp': [{ HostIp: 'localhost' }] }), invalid('E_PUBLISH'))
  t.throws(() => parsePortBindings({ '80/tcp': [{ HostPort: '70000' }] }), invalid('E_PORT', /invalid host port "70000"/))
  t.throws(() => parsePortBindings({ '80/tcp': [{ HostPort: '9009-9000' }] }), invalid('E_PORT', /range/))
})
