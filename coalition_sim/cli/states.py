"""``coalition-sim states``: every input of the model, raw and derived, per state."""

from __future__ import annotations

import argparse
import math

from coalition_sim.cli.common import (
    add_data_options,
    add_scenario_options,
    load_data,
    scenario_from_args,
)
from coalition_sim.errors import EXIT_BAD_INPUT, EXIT_OK

EPILOG = """\
examples:
  coalition-sim states                              # the table, 41 European states
  coalition-sim states --format csv > states.csv    # a states file to edit ...
  coalition-sim run --states states.csv             # ... and to run with

--format csv writes a states file that --states reads back: every row of the data
(Russia, Belarus and the United States included) with every column of the states
file, then the derived traits (proximity, alignment, reliability,
commitment_keeping, industry, the equipment stocks land_usd_bn, air_usd_bn and
enablers_usd_bn, personnel_k, fielded_usd_bn, status) for reading. Those are
computed, not read: an edited derived column is ignored; change a trait with
--set state.ISO3.TRAIT=VALUE or a scenario file instead.
"""

#: The traits the model derives, written after the states file's own columns.
DERIVED = (
    "proximity", "alignment", "reliability", "commitment_keeping", "industry",
    "land_usd_bn", "air_usd_bn", "enablers_usd_bn", "personnel_k", "fielded_usd_bn", "status",
)  # fmt: skip

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = (
    EXIT_OK,
    EXIT_BAD_INPUT,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``states`` subcommand."""
    parser = subparsers.add_parser(
        "states",
        help="print the table of states with their raw and derived traits",
        description=(
            "Print every European state of the data with its raw figures and the derived "
            "traits the model uses (proximity, alignment, reliability, commitment keeping, "
            "industry, equipment stocks, personnel, fielded forces), under the chosen "
            "scenario's overrides."
        ),
        epilog=EPILOG,
    )
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default: table)",
    )
    add_scenario_options(parser, run_options=False)
    add_data_options(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the table in the chosen format."""
    import sys

    from coalition_sim.simulation import states_table

    dataset = load_data(args)
    table = states_table(scenario_from_args(args), dataset)
    if args.format == "csv":
        states_file(dataset, table).to_csv(sys.stdout, index=False, lineterminator="\n")
    elif args.format == "json":
        print(table.to_json(orient="records", indent=2))
    else:
        import pandas as pd

        shown = table.drop(columns=["name", "unga_es11_1_vote", "unga_es11_7_2025_vote"])
        shown = shown.rename(
            columns={
                "gdp_usd_bn_2024": "gdp_bn",
                "population_m_2024": "pop_m",
                "defence_spend_usd_bn_2024": "spend_bn",
                "defence_pct_gdp_2024": "pct_gdp",
                "km_capital_to_russia_or_belarus": "km_rus",
                "arms_industry_revenue_usd_bn_2023": "arms_bn",
                "commitment_keeping": "keeping",
                "land_usd_bn": "land",
                "air_usd_bn": "air",
                "enablers_usd_bn": "enablers",
                "personnel_k": "personnel_k",
                "fielded_usd_bn": "fielded",
            }
        )
        with pd.option_context(
            "display.width",
            200,
            "display.max_columns",
            50,
            "display.max_rows",
            200,
            "display.float_format",
            readable_number,
        ):
            print(shown.to_string(index=False))
    return 0


def readable_number(value: float) -> str:
    """Three significant digits without scientific notation (2233 km, not 2.23e+03)."""
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"


def states_file(dataset, table):
    """The data as a states file ``--states`` reads back, with the derived traits after it.

    Every row in the data's order with the file's own columns (booleans as
    ``true``/``false``, figures as read, blanks as blanks), then :data:`DERIVED` from
    ``table`` for the European states (blank for Russia, Belarus and the United
    States, whose status is ``adversary`` or ``external``).
    """
    import pandas as pd

    derived = table.set_index("iso3")
    rows = []
    for raw in dataset.states:
        row = {name: _cell(value) for name, value in raw.items()}
        code = raw["iso3"]
        if code in derived.index:
            row.update({name: derived.at[code, name] for name in DERIVED})
        else:
            row["status"] = "adversary" if raw["region"] == "Adversary" else "external"
        rows.append(row)
    columns = [*dataset.states[0].keys(), *DERIVED]
    return pd.DataFrame(rows, columns=columns)


def _cell(value):
    """A value as the states file writes it: ``true``/``false``, a blank for "not reported"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
