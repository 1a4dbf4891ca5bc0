"""The live dashboard: three tabs (Run, Ensemble, Sweep) around Mesa's run controls.

Serve it with ``coalition-sim dashboard`` (or ``solara run coalition_sim/dashboard/app.py``).
It needs no network: Solara's browser assets come from the ``solara-assets`` package, the
map's outlines ship in ``coalition_sim/data``, and every chart is inline SVG.

Modules, one per piece of the page:

- ``app``: the page: title, sidebar (the run's controller and the controls), tabs;
- ``server``: the web server: Solara's app behind a guard (read-only assets, the
  server's own host names, same-origin websockets, no host report), run by uvicorn;
- ``controller``: Reset, Play/Pause and Step, stopping at the horizon; the run's version
  that the Run page follows (one render per step);
- ``controls``: controls generated from the scenario schema (labelled in words with their
  unit, sliders that hold every preset's value exactly), presets by name, and
  ``DashboardRun``, the Mesa model that builds a ``CoalitionModel`` from them and turns
  bad input into a message instead of an exception;
- ``overview``: key figures, provenance, a refused control's message, the download button;
- ``map`` and ``geometry``: the map of Europe (outlines sent once, colours per step,
  tooltips on hover), by status or shaded by a share;
- ``charts``: members, parity/cohesion/credibility, threat and US commitment, Ukraine;
- ``event_log``: the latest events, votes summed per applicant;
- ``why_not``: a state's utility terms against its threshold;
- ``download``: the run's result files as a zip;
- ``ensemble``: the Ensemble tab, drawing :mod:`coalition_sim.ensemble`'s summaries;
- ``sweep_page``: outcome distributions of the sweeps the server offers, by name;
- ``memory``: memory given back after sessions and ensembles; ensembles take turns;
- ``svgplot``, ``palette``, ``layout``, ``styles``, ``common``: drawing helpers, colours,
  grid sizes, the page's one stylesheet, shared helpers.
"""
