/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/unit/firewall/render-options.ts > TAP > snapshots > bridge table, every network with ICC 1`] = `
Array [
  Object {
    "add": Object {
      "table": Object {
        "family": "bridge",
        "name": "berth",
      },
    },
  },
  Object {
    "delete": Object {
      "table": Object {
        "family": "bridge",
        "name": "berth",
      },
    },
  },
]
`

exports[`test/unit/firewall/render-options.ts > TAP > snapshots > bridge table, one network without ICC 1`] = `
Array [
  Object {
    "add": Object {
      "table": Object {
        "family": "bridge",
        "name": "berth",
      },
    },
  },
  Object {
    "delete": Object {
      "table": Object {
        "family": "bridge",
        "name": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "table": Object {
        "family": "bridge",
        "name": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "chain": Object {
        "family": "bridge",
        "hook": "forward",
        "name": "forward",
        "policy": "accept",
        "prio": 0,
        "table": "berth",
        "type": "filter",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "noicc: enable_icc=false, no IPv4 between its containers",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "saddr",
                  "protocol": "ip",
                },
              },
              "op": "==",
              "right": Object {
                "prefix": Object {
                  "addr": "10.87.0.0",
                  "len": 24,
                },
              },
            },
          },
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
                  "addr": "10.87.0.0",
                  "len": 24,
                },
              },
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "saddr",
                  "protocol": "ether",
                },
              },
              "op": "!=",
              "right": "02:42:17:c7:74:52",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "drop": null,
          },
        ],
        "family": "bridge",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "secret: enable_icc=false, no IPv4 between its containers",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "saddr",
                  "protocol": "ip",
                },
              },
              "op": "==",
              "right": Object {
                "prefix": Object {
                  "addr": "172.20.0.0",
                  "len": 16,
                },
              },
            },
          },
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
                  "addr": "172.20.0.0",
                  "len": 16,
                },
              },
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "saddr",
                  "protocol": "ether",
                },
              },
              "op": "!=",
              "right": "02:42:0a:1b:2c:3d",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "drop": null,
          },
        ],
        "family": "bridge",
        "table": "berth",
      },
    },
  },
]
`

exports[`test/unit/firewall/render-options.ts > TAP > snapshots > icc and masquerade off, with a published port 1`] = `
Array [
  Object {
    "add": Object {
      "table": Object {
        "family": "inet",
        "name": "berth",
      },
    },
  },
  Object {
    "delete": Object {
      "table": Object {
        "family": "inet",
        "name": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "table": Object {
        "family": "inet",
        "name": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "set": Object {
        "comment": "bridges of all berth networks",
        "elem": Array [
          "berth0",
          "br-17c77452ce21",
          "br-0a1b2c3d4e5f",
        ],
        "family": "inet",
        "name": "bridges",
        "table": "berth",
        "type": "ifname",
      },
    },
  },
  Object {
    "add": Object {
      "chain": Object {
        "family": "inet",
        "hook": "forward",
        "name": "forward",
        "policy": "accept",
        "prio": 0,
        "table": "berth",
        "type": "filter",
      },
    },
  },
  Object {
    "add": Object {
      "chain": Object {
        "family": "inet",
        "hook": "postrouting",
        "name": "postrouting",
        "policy": "accept",
        "prio": 100,
        "table": "berth",
        "type": "nat",
      },
    },
  },
  Object {
    "add": Object {
      "chain": Object {
        "family": "inet",
        "hook": "prerouting",
        "name": "raw_prerouting",
        "policy": "accept",
        "prio": -300,
        "table": "berth",
        "type": "filter",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "raw_prerouting",
        "comment": "CVE-2020-8558: 127.0.0.0/8 only from lo (berth bridges have route_localnet on)",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "iifname",
                },
              },
              "op": "!=",
              "right": "lo",
            },
          },
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
                  "addr": "127.0.0.0",
                  "len": 8,
                },
              },
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "drop": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "raw_prerouting",
        "comment": "noicc: containers are reached only from their bridge (or through a published port)",
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
                  "addr": "10.87.0.0",
                  "len": 24,
                },
              },
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "daddr",
                  "protocol": "ip",
                },
              },
              "op": "!=",
              "right": Object {
                "prefix": Object {
                  "addr": "10.87.0.1",
                  "len": 32,
                },
              },
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "iifname",
                },
              },
              "op": "!=",
              "right": "br-17c77452ce21",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "drop": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "map": Object {
        "elem": Array [
          Array [
            Object {
              "concat": Array [
                "tcp",
                8080,
              ],
            },
            "10.87.0.2",
          ],
        ],
        "family": "inet",
        "map": "ipv4_addr",
        "name": "pub_any_addr",
        "table": "berth",
        "type": Array [
          "inet_proto",
          "inet_service",
        ],
      },
    },
  },
  Object {
    "add": Object {
      "map": Object {
        "elem": Array [
          Array [
            Object {
              "concat": Array [
                "tcp",
                8080,
              ],
            },
            80,
          ],
        ],
        "family": "inet",
        "map": "inet_service",
        "name": "pub_any_port",
        "table": "berth",
        "type": Array [
          "inet_proto",
          "inet_service",
        ],
      },
    },
  },
  Object {
    "add": Object {
      "map": Object {
        "family": "inet",
        "map": "ipv4_addr",
        "name": "pub_ip_addr",
        "table": "berth",
        "type": Array [
          "ipv4_addr",
          "inet_proto",
          "inet_service",
        ],
      },
    },
  },
  Object {
    "add": Object {
      "map": Object {
        "family": "inet",
        "map": "inet_service",
        "name": "pub_ip_port",
        "table": "berth",
        "type": Array [
          "ipv4_addr",
          "inet_proto",
          "inet_service",
        ],
      },
    },
  },
  Object {
    "add": Object {
      "chain": Object {
        "family": "inet",
        "hook": "prerouting",
        "name": "nat_prerouting",
        "policy": "accept",
        "prio": -100,
        "table": "berth",
        "type": "nat",
      },
    },
  },
  Object {
    "add": Object {
      "chain": Object {
        "family": "inet",
        "hook": "output",
        "name": "nat_output",
        "policy": "accept",
        "prio": -100,
        "table": "berth",
        "type": "nat",
      },
    },
  },
  Object {
    "add": Object {
      "chain": Object {
        "family": "inet",
        "name": "published",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "nat_prerouting",
        "comment": "to a host address: published ports",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "fib": Object {
                  "flags": Array [
                    "daddr",
                  ],
                  "result": "type",
                },
              },
              "op": "==",
              "right": "local",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "jump": Object {
              "target": "published",
            },
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "nat_output",
        "comment": "from the host to its own addresses (127.0.0.1 too): published ports",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "fib": Object {
                  "flags": Array [
                    "daddr",
                  ],
                  "result": "type",
                },
              },
              "op": "==",
              "right": "local",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "jump": Object {
              "target": "published",
            },
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "published",
        "comment": "ports published on one host address",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "l4proto",
                },
              },
              "op": "==",
              "right": Object {
                "set": Array [
                  "tcp",
                  "udp",
                ],
              },
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "dnat": Object {
              "addr": Object {
                "map": Object {
                  "data": "@pub_ip_addr",
                  "key": Object {
                    "concat": Array [
                      Object {
                        "payload": Object {
                          "field": "daddr",
                          "protocol": "ip",
                        },
                      },
                      Object {
                        "meta": Object {
                          "key": "l4proto",
                        },
                      },
                      Object {
                        "payload": Object {
                          "field": "dport",
                          "protocol": "th",
                        },
                      },
                    ],
                  },
                },
              },
              "family": "ip",
              "port": Object {
                "map": Object {
                  "data": "@pub_ip_port",
                  "key": Object {
                    "concat": Array [
                      Object {
                        "payload": Object {
                          "field": "daddr",
                          "protocol": "ip",
                        },
                      },
                      Object {
                        "meta": Object {
                          "key": "l4proto",
                        },
                      },
                      Object {
                        "payload": Object {
                          "field": "dport",
                          "protocol": "th",
                        },
                      },
                    ],
                  },
                },
              },
            },
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "published",
        "comment": "ports published on every host address",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "l4proto",
                },
              },
              "op": "==",
              "right": Object {
                "set": Array [
                  "tcp",
                  "udp",
                ],
              },
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "dnat": Object {
              "addr": Object {
                "map": Object {
                  "data": "@pub_any_addr",
                  "key": Object {
                    "concat": Array [
                      Object {
                        "meta": Object {
                          "key": "l4proto",
                        },
                      },
                      Object {
                        "payload": Object {
                          "field": "dport",
                          "protocol": "th",
                        },
                      },
                    ],
                  },
                },
              },
              "family": "ip",
              "port": Object {
                "map": Object {
                  "data": "@pub_any_port",
                  "key": Object {
                    "concat": Array [
                      Object {
                        "meta": Object {
                          "key": "l4proto",
                        },
                      },
                      Object {
                        "payload": Object {
                          "field": "dport",
                          "protocol": "th",
                        },
                      },
                    ],
                  },
                },
              },
            },
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "replies to connections containers opened",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "==",
              "right": "@bridges",
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "ct": Object {
                  "key": "state",
                },
              },
              "op": "in",
              "right": Array [
                "established",
                "related",
              ],
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "accept": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "bridge: containers on this network reach each other",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "iifname",
                },
              },
              "op": "==",
              "right": "berth0",
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "==",
              "right": "berth0",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "accept": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "secret is internal: nothing leaves it",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "iifname",
                },
              },
              "op": "==",
              "right": "br-0a1b2c3d4e5f",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "drop": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "secret is internal: nothing enters it",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "==",
              "right": "br-0a1b2c3d4e5f",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "drop": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "published ports (DNAT by this table), from anywhere",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "==",
              "right": "@bridges",
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "ct": Object {
                  "key": "status",
                },
              },
              "op": "in",
              "right": "dnat",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "accept": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "noicc: enable_icc=false, containers on this network do not reach each other",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "iifname",
                },
              },
              "op": "==",
              "right": "br-17c77452ce21",
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "==",
              "right": "br-17c77452ce21",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "drop": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "secret: enable_icc=false, containers on this network do not reach each other",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "iifname",
                },
              },
              "op": "==",
              "right": "br-0a1b2c3d4e5f",
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "==",
              "right": "br-0a1b2c3d4e5f",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "drop": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "isolation: berth networks never reach each other",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "iifname",
                },
              },
              "op": "==",
              "right": "@bridges",
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "==",
              "right": "@bridges",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "drop": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "containers may open connections out of the host",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "iifname",
                },
              },
              "op": "==",
              "right": "@bridges",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "accept": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "forward",
        "comment": "nothing outside may open a connection to a container",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "==",
              "right": "@bridges",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "drop": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "postrouting",
        "comment": "bridge: hairpin, a container reaching a published port on its own network",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "saddr",
                  "protocol": "ip",
                },
              },
              "op": "==",
              "right": Object {
                "prefix": Object {
                  "addr": "172.17.0.0",
                  "len": 16,
                },
              },
            },
          },
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
                  "addr": "172.17.0.0",
                  "len": 16,
                },
              },
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "ct": Object {
                  "key": "status",
                },
              },
              "op": "in",
              "right": "dnat",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "masquerade": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "postrouting",
        "comment": "noicc: outbound traffic takes the host's address",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "saddr",
                  "protocol": "ip",
                },
              },
              "op": "==",
              "right": Object {
                "prefix": Object {
                  "addr": "10.87.0.0",
                  "len": 24,
                },
              },
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "!=",
              "right": "br-17c77452ce21",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "masquerade": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "postrouting",
        "comment": "noicc: hairpin, a container reaching a published port on its own network",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "saddr",
                  "protocol": "ip",
                },
              },
              "op": "==",
              "right": Object {
                "prefix": Object {
                  "addr": "10.87.0.0",
                  "len": 24,
                },
              },
            },
          },
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
                  "addr": "10.87.0.0",
                  "len": 24,
                },
              },
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "ct": Object {
                  "key": "status",
                },
              },
              "op": "in",
              "right": "dnat",
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "masquerade": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
  Object {
    "add": Object {
      "rule": Object {
        "chain": "postrouting",
        "comment": "the host via 127.0.0.1 to a published port: from the gateway address",
        "expr": Array [
          Object {
            "match": Object {
              "left": Object {
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "==",
              "right": "@bridges",
            },
          },
          Object {
            "match": Object {
              "left": Object {
                "payload": Object {
                  "field": "saddr",
                  "protocol": "ip",
                },
              },
              "op": "==",
              "right": Object {
                "prefix": Object {
                  "addr": "127.0.0.0",
                  "len": 8,
                },
              },
            },
          },
          Object {
            "counter": null,
          },
          Object {
            "masquerade": null,
          },
        ],
        "family": "inet",
        "table": "berth",
      },
    },
  },
]
`
