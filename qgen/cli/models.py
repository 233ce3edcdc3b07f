"""``qgen fit``, ``qgen predict``, ``qgen models``: train, use and list QML models (qgen.models)."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import typer
from rich.table import Table

from qgen.cli._common import console, err_console, handle_errors, print_json

MAX_AUTO_FEATURES = 8


@handle_errors
def fit_cmd(
    model: str = typer.Option("vqc", "--model", "-m", help="Model name (see `qgen models`)."),
    circuit: str | None = typer.Option(
        None, "--circuit", "-c",
        help="Circuit: QASM file, registered name, `qgen search` folder, `qgen tn-init` .qasm (default: "
        "the model's own).",
    ),
    feature_map: str = typer.Option("angle", "--feature-map", help="Feature map (angle, zz)."),
    ansatz: str = typer.Option("hardware-efficient", "--ansatz", help="Ansatz appended when needed."),
    reps: int | None = typer.Option(None, "--reps", help="Ansatz / layer repetitions."),
    data: str = typer.Option(
        ..., "--data", "-d",
        help="iris, wine, breast_cancer, digits, digits01, digits35, moons, or a .csv / .parquet file.",
    ),
    target_col: str | None = typer.Option(None, "--target-col", help="Target column (default: last)."),
    features: int | None = typer.Option(
        None, "--features",
        help=f"Reduce to N features (qubits) by PCA (default: the --circuit's data inputs x0..x{{N-1}} when "
        f"the data has more; else {MAX_AUTO_FEATURES} if more).",
    ),
    test_size: float = typer.Option(0.25, "--test-size", help="Share of the data held out for testing."),
    epochs: int = typer.Option(100, "--epochs", help="Training epochs."),
    lr: float = typer.Option(0.05, "--lr", help="Learning rate."),
    batch_size: int | None = typer.Option(None, "--batch-size", help="Mini-batch size (default: all)."),
    validation: float = typer.Option(0.0, "--validation", help="Validation share of the training data."),
    early_stopping: bool = typer.Option(False, "--early-stopping", help="Stop when the loss stalls."),
    patience: int = typer.Option(10, "--patience", help="Epochs without improvement before stopping."),
    seed: int = typer.Option(0, "--seed", help="Seed of the split, the weights and the shuffling."),
    device: str = typer.Option("cpu", "--device", help="cpu, cuda or auto."),
    out: Path = typer.Option(..., "--out", "-o", help="Model folder to write."),
    no_plots: bool = typer.Option(False, "--no-plots", help="Skip the PNG figures."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:  # fmt: skip
    """Train a model on a dataset; write the model folder, a learning curve and a confusion matrix."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    from qgen.cli.progress import RichProgress
    from qgen.models.data import Reducer, load_data
    from qgen.models.errors import DataError
    from qgen.models.io import save_model
    from qgen.models.registry import MODELS
    from qgen.sim.device import configure_threads

    entry = MODELS[model]
    configure_threads()
    ds = load_data(data, target_col)
    classify = entry.task == "classification"
    if classify and ds.y.dtype.kind == "f":
        raise DataError(f"{model} is a classifier but the target {ds.target_name!r} has non-integer values")
    stratify = ds.y if classify and min(np.unique(ds.y, return_counts=True)[1]) >= 2 else None
    Xtr, Xte, ytr, yte = train_test_split(
        ds.X, ds.y, test_size=test_size, random_state=seed, stratify=stratify
    )
    n = features
    inputs = None if features is not None or circuit is None else circuit_inputs(circuit)
    if inputs is not None and ds.X.shape[1] > inputs:
        n = inputs
    if n is None and inputs is None and ds.X.shape[1] > MAX_AUTO_FEATURES:
        n = MAX_AUTO_FEATURES
    reducer = None
    if n is not None:
        reducer = Reducer(n).fit(Xtr)
        Xtr, Xte = reducer.transform(Xtr), reducer.transform(Xte)
        if features is None:
            why = f"the circuit's {n} data inputs" if inputs is not None else "--features to choose"
            err_console.print(f"{ds.X.shape[1]} features reduced to {n} by PCA ({why})")
    cls = entry.load()
    wanted = {
        "source": circuit, "feature_map": feature_map, "ansatz": ansatz, "reps": reps, "epochs": epochs,
        "lr": lr, "batch_size": batch_size, "validation_fraction": validation,
        "early_stopping": early_stopping, "n_iter_no_change": patience, "random_state": seed,
        "device": device,
    }  # fmt: skip
    accepted = cls().get_params()
    params = {k: v for k, v in wanted.items() if k in accepted and v is not None}
    if circuit is not None and "source" not in accepted:
        raise DataError(f"model {model!r} builds its own circuit; --circuit applies to vqc and vqr")
    estimator = cls(**params)
    with RichProgress(enabled=not quiet) as progress:
        estimator.fit(Xtr, ytr, progress=progress)
    metric = "accuracy" if classify else "r2"
    metrics = {
        f"train_{metric}": float(estimator.score(Xtr, ytr)),
        f"test_{metric}": float(estimator.score(Xte, yte)),
    }
    if hasattr(estimator, "fit_seconds_"):
        metrics["fit_seconds"] = round(float(estimator.fit_seconds_), 3)
    info = {**ds.summary(), "train_samples": len(Xtr), "test_samples": len(Xte), "test_size": test_size,
            "seed": seed, "model_features": int(Xtr.shape[1]), "target_col": ds.target_name}  # fmt: skip
    if reducer is not None:
        info["pca_components"] = reducer.n_components
    save_model(estimator, out, data=info, metrics=metrics, preprocess=reducer.arrays if reducer else None)
    written = [str(out)]
    if not no_plots:
        from qgen.models.plots import confusion_matrix, learning_curve

        if getattr(estimator, "history_", None):
            title = f"{model} on {ds.name}"
            written.append(str(learning_curve(estimator.history_, out / "learning_curve.png", title)))
        if classify:
            pred = estimator.predict(Xte)
            written.append(str(confusion_matrix(yte, pred, estimator.classes_, out / "confusion_matrix.png",
                                                f"{model} on {ds.name} (test)")))  # fmt: skip
    summary = {"model": model, "data": info, "metrics": metrics, "written": written}
    if as_json:
        print_json(summary)
        return
    table = Table(title=f"qgen fit: {model} on {ds.name}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in metrics.items():
        table.add_row(k, f"{v:.4f}" if isinstance(v, float) else str(v))
    console.print(table)
    err_console.print(f"wrote {', '.join(written)}")


def circuit_inputs(circuit: str) -> int | None:
    """The number of data inputs (``x0..``) of a ``--circuit`` file or folder; None for a registered name
    (built for the data's width) or a circuit without inputs (a feature map goes in front of it)."""
    from qgen.models.builders import CIRCUITS
    from qgen.models.sources import resolve_circuit

    if circuit in CIRCUITS:
        return None
    return len(resolve_circuit(circuit).inputs) or None


@handle_errors
def predict_cmd(
    model: Path = typer.Option(..., "--model", "-m", help="Model folder written by `qgen fit`."),
    data: str = typer.Option(..., "--data", "-d", help="A .csv / .parquet file or a bundled dataset name."),
    target_col: str | None = typer.Option(
        None, "--target-col", help="Target column to score against (default: none for files)."
    ),
    backend: str | None = typer.Option(
        None, "--backend",
        help="Evaluate by shots on a local backend (quantinuum-h2-emulator, ibm-torino-aer, qgen-exact); "
        "default: exact simulation.",
    ),
    shots: int = typer.Option(1000, "--shots", help="Shots per sample with --backend."),
    seed: int = typer.Option(0, "--seed", help="Seed of the backend runs."),
    out: Path | None = typer.Option(None, "--out", "-o", help="CSV of predictions (default: stdout)."),
    as_json: bool = typer.Option(False, "--json", help="Print predictions and score as JSON."),
) -> None:  # fmt: skip
    """Predict with a saved model (exactly, or by shots on a local emulator)."""
    from qgen.files import atomic_write_text
    from qgen.models.data import BUILTIN, apply_preprocess, load_data
    from qgen.models.io import load_model
    from qgen.sim.device import configure_threads

    configure_threads()
    est = load_model(model)
    ds = load_data(data, target_col, need_target=data in BUILTIN or target_col is not None)
    X = apply_preprocess(est.preprocess_, ds.X)
    kwargs = {"backend": backend, "shots": shots, "seed": seed} if backend else {}
    if backend and "backend" not in type(est).predict.__code__.co_varnames:
        from qgen.models.errors import ModelError

        raise ModelError(f"{type(est).__name__} cannot be evaluated by shots; drop --backend")
    pred = est.predict(X, **kwargs)
    score = None
    if ds.y is not None:
        from sklearn.metrics import accuracy_score, r2_score

        score = float(accuracy_score(ds.y, pred) if hasattr(est, "classes_") else r2_score(ds.y, pred))
    if as_json:
        print_json({"predictions": pred.tolist(), "score": score, "backend": backend or "exact"})
        return
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["prediction"])
    writer.writerows([[p] for p in pred.tolist()])
    if out is not None:
        atomic_write_text(out, buf.getvalue())
        err_console.print(f"wrote {len(pred)} predictions to {out}")
    else:
        sys.stdout.write(buf.getvalue())
    if score is not None:
        name = "accuracy" if hasattr(est, "classes_") else "r2"
        err_console.print(f"{name}: {score:.4f} ({backend or 'exact'})")


@handle_errors
def models_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List the models and the registered circuits they can use."""
    from qgen.models.builders import CIRCUITS
    from qgen.models.registry import MODELS

    if as_json:
        print_json({
            "models": {n: {"task": e.task, "description": e.description} for n, e in MODELS.items()},
            "circuits": {n: {"kind": b.kind, "description": b.description} for n, b in CIRCUITS.items()},
        })  # fmt: skip
        return
    table = Table(title="models (qgen fit --model NAME)")
    for col in ("name", "task", "description"):
        table.add_column(col)
    for name, e in MODELS.items():
        table.add_row(name, e.task, e.description)
    console.print(table)
    table = Table(title="circuits (--circuit / --feature-map / --ansatz NAME)")
    for col in ("name", "kind", "description"):
        table.add_column(col)
    for name, b in CIRCUITS.items():
        table.add_row(name, b.kind, b.description)
    console.print(table)
