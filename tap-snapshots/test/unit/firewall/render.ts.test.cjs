/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/unit/firewall/render.ts > TAP > snapshots > default bridge only 1`] = `
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
        "comment": "bridge: outbound traffic takes the host's address",
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
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "!=",
              "right": "berth0",
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

exports[`test/unit/firewall/render.ts > TAP > snapshots > default, user and internal networks 1`] = `
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
        "comment": "custombridge: containers on this network reach each other",
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
        "comment": "secret: containers on this network reach each other",
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
        "comment": "bridge: outbound traffic takes the host's address",
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
                "meta": Object {
                  "key": "oifname",
                },
              },
              "op": "!=",
              "right": "berth0",
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
        "comment": "custombridge: outbound traffic takes the host's address",
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
                  "addr": "172.18.0.0",
                  "len": 16,
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
]
`

exports[`test/unit/firewall/render.ts > TAP > snapshots > no networks 1`] = `
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
]
`

exports[`test/unit/firewall/render.ts > TAP > snapshots > removal 1`] = `
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
]
`
