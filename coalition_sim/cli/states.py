"""``coalition-sim states``: every input of the model, raw and derived, per state."""

from __future__ import annotations

import argparse

from coalition_sim.cli.common import (
    add_data_options,
    add_scenario_options,
    load_data,
    scenario_from_args,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``states`` subcommand."""
    parser = subparsers.add_parser(
        "states",
        help="print the table of states with their raw and derived traits",
        description=(
            "Print every European state of the data with its raw figures and the derived "
            "traits the model uses (proximity, alignment, reliability, industry, "
            "capability), under the chosen scenario's overrides."
        ),
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

    table = states_table(scenario_from_args(args), load_data(args))
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False)
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
                "capability_usd_bn": "capability",
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
