"""``coalition-sim protocols``: every registered protocol with its metadata."""

from __future__ import annotations

import json

from coalition_sim import cli
from coalition_sim.parameters import SCHEMA
from coalition_sim.protocols import PROTOCOLS


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["protocols", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_protocols_is_a_command():
    assert "protocols" in cli.COMMANDS


def test_lists_every_protocol_with_its_parameters_and_reference(capsys):
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    for name, cls in PROTOCOLS.items():
        assert name in out
        assert cls.description in out
        assert cls.reference in out
        for parameter in cls.parameters:
            assert parameter in out
    assert "threshold (default)" in out
    assert "--set protocol=NAME" in out


def test_json(capsys):
    code, out, _ = run(capsys, "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["name"] for r in rows] == list(PROTOCOLS)
    bargaining = next(r for r in rows if r["name"] == "bargaining")
    rounds = next(p for p in bargaining["parameters"] if p["name"] == "bargaining_rounds")
    assert rounds["default"] == SCHEMA["bargaining_rounds"].default
    assert rounds["unit"] == SCHEMA["bargaining_rounds"].unit
    assert all(r["reference"] and r["description"] for r in rows)


def test_run_accepts_every_protocol(capsys, tmp_path):
    for name in PROTOCOLS:
        code = cli.main(
            [
                "run",
                "--quiet",
                "--set",
                f"protocol={name}",
                "--steps",
                "4",
                "--out",
                str(tmp_path / name),
            ]
        )
        capsys.readouterr()
        assert code == 0, name


def test_run_refuses_an_unknown_protocol(capsys, tmp_path):
    code = cli.main(["run", "--set", "protocol=haggle", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2
    assert "protocol" in err and "threshold, bargaining, landscape" in err
