/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/unit/dns/nat.ts > TAP > snapshot > udp 40001, tcp 40002 1`] = `
Array [
  Object {
    "add": Object {
      "table": Object {
        "family": "ip",
        "name": "berth_dns",
      },
    },
  },
  Object {
    "delete": Object {
      "table": Object {
        "family": "ip",
        "name": "berth_dns",
      },
    },
  },
  Object {
    "add": Object {
      "table": Object {
        "family": "ip",
        "name": "berth_dns",
      },
    },
  },
  Object {
    "add": Object {
      "chain": Object {
        "family": "ip",
        "hook": "output",
        "name": "output",
        "policy": "accept",
        "prio": -100,
        "table": "berth_dns",
        "type": "nat",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "output",
        "comment": "embedded DNS: 127.0.0.11:53/udp is served by berthd on port 40001",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "daddr",
                  "protocol": "ip",
                },
              },
              "op": "==",
              "right": Object {
                "prefix": Object {
                  "addr": "127.0.0.11",
                  "len": 32,
                },
              },
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "dport",
                  "protocol": "udp",
                },
              },
              "op": "==",
              "right": 53,
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "dnat": Object {
              "addr": "127.0.0.11",
              "family": "ip",
              "port": 40001,
            },
          },
        ],
        "family": "ip",
        "table": "berth_dns",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "output",
        "comment": "embedded DNS: 127.0.0.11:53/tcp is served by berthd on port 40002",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "daddr",
                  "protocol": "ip",
                },
              },
              "op": "==",
              "right": Object {
                "prefix": Object {
                  "addr": "127.0.0.11",
                  "len": 32,
                },
              },
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "dport",
                  "protocol": "tcp",
                },
              },
              "op": "==",
              "right": 53,
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "dnat": Object {
              "addr": "127.0.0.11",
              "family": "ip",
              "port": 40002,
            },
          },
        ],
        "family": "ip",
        "table": "berth_dns",
      },
    },
  },
]
`
