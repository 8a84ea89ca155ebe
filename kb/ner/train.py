"""Train the CRF: ``python -m kb.ner.train [BIO_FILE] [--out kb/ner/model.npz]``.

Reproducible: the development split, the page-like dressing and CRFsuite's L-BFGS are all
deterministic, so the same corpus gives the same weights. Prints the model's scores on the
tuning and development parts (names per pseudo-article, exact string).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import rjieba

from kb.ner import corpus
from kb.ner.features import BIO_TYPE, LABELS, attributes
from kb.ner.model import Model

DEFAULT_CORPUS = Path(__file__).resolve().parents[2].parent / "shared/corpora/peoples-daily-ner/train_bio.txt"
DEFAULT_OUT = Path(__file__).with_name("model.npz")
PARAMS = {"c1": 0.03, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True}


def train(sentences: list[corpus.Sentence], params: dict = PARAMS) -> dict[str, np.ndarray]:
    """CRFsuite's weights for these sentences, as the arrays Model.from_arrays reads."""
    import pycrfsuite  # a training-time dependency only (the [train] extra)

    trainer = pycrfsuite.Trainer(verbose=False)
    for s in sentences:
        trainer.append(pycrfsuite.ItemSequence(attributes(s.text, rjieba.tag(s.text))), list(s.tags))
    trainer.set_params(params)
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/crf.model"
        trainer.train(path)
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        info = tagger.info()
    return export(info.state_features, info.transitions)


def export(state: dict[tuple[str, str], float], transitions: dict[tuple[str, str], float]) -> dict[str, np.ndarray]:
    label = {name: k for k, name in enumerate(LABELS)}
    rows: dict[str, dict[int, np.ndarray]] = defaultdict(dict)
    bias = np.zeros(len(LABELS), np.float32)
    for (attr, name), weight in state.items():
        if attr == "bias":
            bias[label[name]] = weight
            continue
        template, key = attr.split(":")
        rows[template].setdefault(int(key), np.zeros(len(LABELS), np.float32))[label[name]] = weight
    trans = np.zeros((len(LABELS), len(LABELS)), np.float32)
    for (a, b), weight in transitions.items():
        trans[label[a], label[b]] = weight
    arrays = {"templates": np.array(sorted(rows)), "bias": bias, "transitions": trans}
    for template, table in rows.items():
        keys = np.array(sorted(table), np.int64)
        arrays[f"k:{template}"] = keys
        arrays[f"w:{template}"] = np.array([table[k] for k in keys.tolist()], np.float16)
    return arrays


def names_found(model: Model, text: str) -> set[tuple[str, str]]:
    return {(BIO_TYPE[s.kind], text[s.start:s.end]) for s in model.spans(text, rjieba.tag(text))}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kb.ner.train", description=__doc__.splitlines()[0])
    p.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="BIO file of annotated sentences")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    args = p.parse_args(argv)
    parts = corpus.split(corpus.read_bio(args.corpus))
    print(f"training on {len(parts['train'])} sentences; {len(parts['tune'])} kept for tuning, "
          f"{len(parts['dev'])} for development", file=sys.stderr)
    began = time.perf_counter()
    arrays = train(corpus.pagelike(parts["train"]), {**PARAMS, "max_iterations": args.iterations})
    np.savez_compressed(args.out, **arrays)
    print(f"trained in {time.perf_counter() - began:.0f} s; {args.out} is {args.out.stat().st_size / 1e6:.1f} MB",
          file=sys.stderr)
    from kb.evaluate import score_bio

    model = Model.from_arrays(arrays)
    for name in ("tune", "dev"):
        for kind, score in score_bio(corpus.documents(parts[name]), lambda text: names_found(model, text)).items():
            print(f"{name} {kind}: {score}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
