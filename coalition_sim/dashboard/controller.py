"""The run's controls: Reset, Play/Pause and Step, and the step counter the panels follow.

Mesa's ``ModelController`` did this before; it let quick clicks run past the horizon
(fifty clicks in two seconds reached step 41 of 40), left the pause button on and Step
disabled once Play reached the horizon, and bumped Mesa's global step counter, to which
every panel subscribed on its own: each Step re-rendered the whole page once per panel.

Here one lock serialises the steps of a session and a step past the horizon does nothing
(:meth:`~coalition_sim.dashboard.controls.DashboardRun.step` checks it too); Play stops by
itself at the horizon, leaving Reset to start again. Play is a plain thread that ends when
paused: ``solara.lab.use_task`` (which Mesa's controller uses) registers every task for
good in Solara's list of session-start callbacks, so each session's run stayed in memory
after the session ended. And the run's ``version`` (a
per-session counter raised by every step and reset) is read by the Run page alone, which
hands the step to its panels, so a Step is one render of the page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import solara

from coalition_sim.dashboard.overview import quarter_label

logger = logging.getLogger(__name__)


def horizon_of(model: Any) -> int | None:
    """The last step of the run, if it has one."""
    return getattr(model, "horizon", None)


def advance(model: Any, lock: threading.Lock) -> bool:
    """One step of ``model`` unless it has stopped; True when a step was taken.

    The lock makes the check and the step one move, so clicks that arrive together (or a
    click during Play) never take the run past its horizon.
    """
    with lock:
        if not getattr(model, "running", False):
            return False
        model.step()
        return True


def status_line(model: Any) -> str:
    """Where the run stands, for the line under the buttons."""
    sim = getattr(model, "sim", model)
    step = int(getattr(sim, "steps", 0))
    horizon = horizon_of(model)
    if horizon is None:
        return f"Step {step} ({quarter_label(step)})"
    text = f"Step {step} of {horizon} ({quarter_label(step)})"
    if not getattr(model, "running", True):
        if step >= horizon:
            return text + ": the run has reached its horizon; press Reset for a new run."
        return text + ": the run stopped; press Reset for a new run."
    return text


@solara.component
def RunController(
    run: solara.Reactive,
    version: solara.Reactive,
    build: Callable[[], Any],
    play_interval: solara.Reactive,
) -> None:
    """Reset, Play/Pause (▶ and ❚❚) and Step, with a line saying where the run stands.

    Args:
        run: The session's run (a :class:`~coalition_sim.dashboard.controls.DashboardRun`).
        version: Raised by one on every step and reset; the Run page follows it.
        build: Makes a new run from the current controls (Reset).
        play_interval: Milliseconds between steps while playing.
    """
    playing = solara.use_reactive(False)
    running = solara.use_reactive(bool(getattr(run.value, "running", False)))
    lock = solara.use_memo(threading.Lock, [])

    def after_step(stepped: bool) -> None:
        if stepped:
            version.set(version.value + 1)
        still = bool(getattr(run.value, "running", False))
        running.set(still)
        if not still:
            stop_playing()

    def step() -> None:
        after_step(advance(run.value, lock))

    def reset() -> None:
        stop_playing()
        with lock:
            run.set(build())
        version.set(version.value + 1)
        running.set(bool(getattr(run.value, "running", False)))

    player = solara.use_ref(None)  # the Event that stops the current Play, if any

    def stop_playing() -> None:
        if player.current is not None:
            player.current.set()
            player.current = None
        playing.set(False)

    def play(stop: threading.Event) -> None:
        """Step until stopped; stops by itself at the horizon or on a failed step."""
        while not stop.wait(max(play_interval.value, 10) / 1000):
            after_step(advance(run.value, lock))
            if not running.value:
                stop.set()

    def play_pause() -> None:
        if playing.value:
            stop_playing()
            return
        stop = threading.Event()
        player.current = stop
        playing.set(True)
        # Solara's threads carry the session with them; this one ends when stopped
        threading.Thread(target=play, args=(stop,), daemon=True, name="play").start()

    # a session that ends (page closed) stops its Play
    solara.use_effect(lambda: stop_playing, [])

    with solara.Row(justify="space-between"):
        solara.Button(label="Reset", color="primary", on_click=reset)
        solara.Button(
            label="❚❚" if playing.value else "▶",
            color="primary",
            on_click=play_pause,
            disabled=not running.value,
        )
        solara.Button(
            label="Step",
            color="primary",
            on_click=step,
            disabled=playing.value or not running.value,
        )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=status_line(run.value) if not running.value else "",
        attributes={"id": "run-status", "data-running": str(running.value).lower()},
        style="font-size: 12px; color: #4b5563; margin-top: 6px;",
    )
