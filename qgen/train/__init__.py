"""qgen.train: the shared training layer every model's training loop builds on; it imports no model.

What a training loop in qgen uses from here and below, so that every model trains, saves and resumes alike:

- **device**: :func:`qgen.sim.device.resolve_device` is the one device rule (``"auto"`` picks CUDA when
  present) and :func:`qgen.sim.device.configure_threads` sets torch's threads to the free cores.
- **checkpoints and resume**: :mod:`qgen.train.checkpoints` saves ``checkpoint-<step>`` folders (weights as
  safetensors, never pickles, and a JSON state) through a staging folder and a rename, so a killed run leaves
  a whole checkpoint or none; :func:`~qgen.train.checkpoints.latest_checkpoint` finds the newest complete
  one to resume from and :func:`~qgen.train.checkpoints.prune_checkpoints` keeps the newest few.
- **progress**: loops take ``progress: qgen.progress.Progress | None`` and report ``start`` / ``advance``
  (with figures such as the loss) / ``finish``; the command line draws it, library code never prints.
- **files**: everything else a run writes (metrics, configs) goes through :mod:`qgen.files` (atomic).

The models themselves live with the subsystem that uses them (KetGPT and the LLM generators in
``qgen.generate``, the deep-Q synthesiser in ``qgen.compiler.synthesis``, arch2vec in ``qgen.search``);
they import this layer, never the reverse. See ``docs/architecture.md``.
"""

__all__: list[str] = []
