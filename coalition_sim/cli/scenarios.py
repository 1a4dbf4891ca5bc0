"""``coalition-sim scenarios``: list the presets, or show every value of one."""

from __future__ import annotations

import argparse

from coalition_sim.errors import EXIT_BAD_INPUT, EXIT_OK

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = (
    EXIT_OK,
    EXIT_BAD_INPUT,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``scenarios`` subcommand."""
    parser = subparsers.add_parser(
        "scenarios",
        help="list scenario presets, or show every parameter of one",
        description=(
            "Without arguments, list the presets with a one-line description. "
            "`scenarios show NAME|FILE.toml` prints every parameter with its value, unit, "
            "range and source; `--toml` prints it as a scenario file to edit."
        ),
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=("list", "show", "reference"),
        default="list",
        help="list presets (default), show one, or print the parameter reference (Markdown)",
    )
    parser.add_argument("name", nargs="?", metavar="NAME|FILE.toml", help="scenario to show")
    parser.add_argument("--toml", action="store_true", help="print as a scenario TOML file")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """List or show."""
    from coalition_sim.errors import InputError
    from coalition_sim.parameters import PRESETS, SCHEMA, load_scenario

    if args.action == "reference":
        from coalition_sim.parameters import reference_markdown

        print(reference_markdown(), end="")
        return 0
    if args.action == "list":
        width = max(map(len, PRESETS))
        for name, scenario in PRESETS.items():
            print(f"{name:<{width}}  {scenario.description}")
        return 0
    if not args.name:
        raise InputError(f"scenarios show: name a scenario; allowed: {', '.join(PRESETS)}")
    scenario = load_scenario(args.name)
    if args.toml:
        print(scenario.to_toml(), end="")
        return 0
    print(f"{scenario.name}: {scenario.description}\n")
    group = None
    for name, parameter in SCHEMA.items():
        if parameter.group != group:
            group = parameter.group
            print(f"[{group}]")
        value = scenario[name]
        if isinstance(value, tuple):
            value = " ".join(value)
        elif value is None:
            value = "never"
        marker = " " if scenario[name] == parameter.default else "*"
        print(f" {marker}{name:<30} {value!s:<12} {parameter.unit:<24} {parameter.help}")
        print(f"  {'':<30} allowed: {parameter.describe_allowed()}; source: {parameter.source}")
    for iso3, traits in sorted(scenario.state_overrides.items()):
        for trait, value in traits.items():
            print(f" *state.{iso3}.{trait:<18} {value:<12g}")
    print("\n* differs from the default; `coalition-sim scenarios show NAME --toml` for a file")
    return 0
