"""``coalition-sim protocols``: the negotiation protocols a scenario can choose.

Lists every protocol of the registry with its description, the parameters it reads
(with their defaults and units from the scenario schema) and the work it comes from.
Pick one with ``--set protocol=NAME`` or ``protocol = "NAME"`` in a scenario file.
"""

from __future__ import annotations

import argparse
import json

from coalition_sim.errors import EXIT_BAD_INPUT, EXIT_OK

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = (
    EXIT_OK,
    EXIT_BAD_INPUT,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``protocols`` subcommand."""
    parser = subparsers.add_parser(
        "protocols",
        help="list the negotiation protocols (name, description, parameters, reference)",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="print the list as JSON")
    parser.set_defaults(handler=handle)


def describe() -> list[dict[str, object]]:
    """Every protocol as a plain dict, in registry order."""
    from coalition_sim.parameters import SCHEMA
    from coalition_sim.protocols import PROTOCOLS

    out = []
    for name, cls in PROTOCOLS.items():
        out.append(
            {
                "name": name,
                "description": cls.description,
                "parameters": [
                    {
                        "name": p,
                        "default": SCHEMA[p].default,
                        "unit": SCHEMA[p].unit,
                        "help": SCHEMA[p].help,
                    }
                    for p in cls.parameters
                ],
                "reference": cls.reference,
            }
        )
    return out


def handle(args: argparse.Namespace) -> int:
    """Print the protocols."""
    from coalition_sim.parameters import SCHEMA

    protocols = describe()
    if args.json:
        print(json.dumps(protocols, indent=2, default=list))
        return 0
    default = SCHEMA["protocol"].default
    blocks = []
    for entry in protocols:
        mark = " (default)" if entry["name"] == default else ""
        lines = [f"{entry['name']}{mark}", f"  {entry['description']}"]
        lines.append(f"  reference: {entry['reference']}")
        lines.append("  parameters:")
        width = max(len(p["name"]) for p in entry["parameters"])
        for p in entry["parameters"]:
            value = p["default"]
            value = " ".join(value) if isinstance(value, tuple) else value
            unit = "" if p["unit"] in ("-", "") else f" {p['unit']}"
            lines.append(f"    {p['name']:<{width}}  {value}{unit}: {p['help']}")
        blocks.append("\n".join(lines))
    print("\n\n".join(blocks))
    print('\nChoose one with --set protocol=NAME (run, sweep) or protocol = "NAME" in a scenario.')
    return 0
