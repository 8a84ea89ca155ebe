"""Decode the CRF with numpy: emission scores from per-template weight tables, then Viterbi over
the text's clauses side by side (a batch), constrained to well-formed BIO, and each name's
probability by forward-backward over the clauses that hold one."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import numpy as np

from kb.ner.features import DENSE, KINDS, LABELS, keys

MODEL = "model.npz"
_CHUNK = 64  # longest stretch decoded as one sequence; text is cut after punctuation
_PAUSE = re.compile(r"[。！？；，、：!?;,:]")  # names never run across these: Viterbi restarts after them
_NEVER = -1e4


class Span(NamedTuple):
    kind: str  # person, organization, place
    start: int
    end: int
    confidence: float  # the least probability the model gives any of its labels (0..1)


@dataclass(frozen=True)
class Model:
    # template -> (sorted keys, or None for a table indexed by the key itself; weights [rows, labels])
    tables: dict[str, tuple[np.ndarray | None, np.ndarray]]
    bias: np.ndarray  # [labels]
    transitions: np.ndarray  # [from, to]
    start: np.ndarray  # [labels]: what may open a sequence

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> "Model":
        tables = {}
        for name in arrays["templates"].tolist():
            known, weights = arrays[f"k:{name}"], arrays[f"w:{name}"].astype(np.float32)
            if known[-1] < DENSE:  # characters, tags, classes: index a table by the key itself
                table = np.zeros((DENSE + 1, len(LABELS)), np.float32)
                table[known] = weights
                tables[name] = (None, table)
            else:
                tables[name] = (known, np.vstack([weights, np.zeros((1, len(LABELS)), np.float32)]))
        trans = arrays["transitions"].astype(np.float32) + _forbidden()
        start = np.array([_NEVER if label.startswith("I-") else 0.0 for label in LABELS], np.float32)
        return cls(tables, arrays["bias"].astype(np.float32), trans, start)

    def emissions(self, text: str, tokens: Sequence[tuple[str, str]]) -> np.ndarray:
        """Score of every label at every character: [len(text), labels]."""
        scores = np.tile(self.bias, (len(text), 1))
        for name, values in keys(text, tokens).items():
            known, weights = self.tables[name]
            if known is None:
                scores += weights[np.minimum(values, DENSE)]  # the last row: keys past the table
                continue
            rows = np.searchsorted(known, values)
            rows[rows == len(known)] = 0
            rows[known[rows] != values] = len(known)  # an unseen key: the zero row
            scores += weights[rows]
        return scores

    def spans(self, text: str, tokens: Sequence[tuple[str, str]]) -> list[Span]:
        """The names in text, with their kind and a confidence score."""
        if not text:
            return []
        batch = Batch.of(self.emissions(text, tokens), _chunks(text))
        paths = self._viterbi(batch)
        named = batch.rows(np.flatnonzero((paths * batch.real).any(1)))  # most stretches name nothing
        probability = np.ones(len(text))
        if named.lengths.size:
            mine = paths[named.order, :named.scores.shape[1]]
            chosen = np.take_along_axis(self._marginals(named), mine[:, :, None], 2)[:, :, 0]
            probability[named.at[named.real]] = chosen[named.real]
        return _spans(batch.unbatch(paths), probability)

    def _viterbi(self, batch: "Batch") -> np.ndarray:
        """The best label sequence of each row: [rows, width]."""
        scores, live = batch.scores, batch.live
        best = scores[:, 0] + self.start
        back = np.zeros(scores.shape, np.int64)
        for t in range(1, scores.shape[1]):
            k = live[t]
            cand = best[:k, :, None] + self.transitions
            back[:k, t] = cand.argmax(1)
            best[:k] = cand.max(1) + scores[:k, t]
        path = np.zeros(scores.shape[:2], np.int64)
        path[np.arange(len(scores)), batch.lengths - 1] = best.argmax(1)
        rows = np.arange(len(scores))
        for t in range(scores.shape[1] - 1, 0, -1):
            k = live[t]
            path[:k, t - 1] = back[rows[:k], t, path[:k, t]]
        return path

    def _marginals(self, batch: "Batch") -> np.ndarray:
        """The probability of every label at every position (forward-backward, scaled at each
        step rather than in logs: a product and a sum per step): [rows, width, labels]."""
        scores, live = batch.scores, batch.live
        emit = np.exp((scores - scores.max(2, keepdims=True)).astype(np.float64))  # finite: relative to the best
        step = np.exp(self.transitions.astype(np.float64))
        alpha = np.ones(emit.shape)
        alpha[:, 0] = emit[:, 0] * np.exp(self.start.astype(np.float64))
        alpha[:, 0] /= alpha[:, 0].sum(1, keepdims=True)
        for t in range(1, emit.shape[1]):
            k = live[t]
            a = (alpha[:k, t - 1] @ step) * emit[:k, t]
            alpha[:k, t] = a / a.sum(1, keepdims=True)
        beta = np.ones(emit.shape)
        for t in range(emit.shape[1] - 2, -1, -1):
            k = live[t + 1]
            b = (emit[:k, t + 1] * beta[:k, t + 1]) @ step.T
            beta[:k, t] = b / b.sum(1, keepdims=True)
        joint = alpha * beta
        return joint / joint.sum(2, keepdims=True)


@dataclass(frozen=True)
class Batch:
    """Stretches of text side by side, longest first, padded to the longest: a step of Viterbi
    or forward-backward then works on the rows still running, a prefix of them."""

    scores: np.ndarray  # [rows, width, labels]
    lengths: np.ndarray  # [rows], descending
    live: np.ndarray  # [width]: how many rows are longer than each position
    at: np.ndarray  # [rows, width]: the text position of each cell
    real: np.ndarray  # [rows, width]: which cells hold text (the rest is padding)
    order: np.ndarray  # [rows]: each row's row in the batch it was taken from (Batch.rows)

    @classmethod
    def of(cls, scores: np.ndarray, bounds: list[tuple[int, int]]) -> "Batch":
        starts, ends = np.array(bounds).T
        order = np.argsort(starts - ends, kind="stable")
        starts, lengths = starts[order], (ends - starts)[order]
        steps = np.arange(lengths[0])
        real = steps[None, :] < lengths[:, None]
        at = np.where(real, starts[:, None] + steps[None, :], 0)
        return cls(scores[at] * real[:, :, None], lengths, real.sum(0), at, real, np.arange(len(lengths)))

    def rows(self, chosen: np.ndarray) -> "Batch":
        """A batch of some of these rows (in their order, so still longest first)."""
        width = int(self.lengths[chosen[0]]) if chosen.size else 0
        real = self.real[chosen, :width]
        return Batch(self.scores[chosen, :width], self.lengths[chosen], real.sum(0), self.at[chosen, :width],
                     real, chosen)

    def unbatch(self, rows: np.ndarray) -> np.ndarray:
        """Per-row results back in text order."""
        out = np.empty((int(self.lengths.sum()), *rows.shape[2:]), rows.dtype)
        out[self.at[self.real]] = rows[self.real]
        return out


def _forbidden() -> np.ndarray:
    """-inf (nearly) on the transitions BIO forbids: into I-X from anything but B-X or I-X."""
    out = np.zeros((len(LABELS), len(LABELS)), np.float32)
    for j, to in enumerate(LABELS):
        if to.startswith("I-"):
            for i, came in enumerate(LABELS):
                if came[2:] != to[2:]:
                    out[i, j] = _NEVER
    return out


def _chunks(text: str) -> list[tuple[int, int]]:
    """[start, end) stretches of at most _CHUNK characters, cut after punctuation."""
    bounds, start = [], 0
    ends = [m.end() for m in _PAUSE.finditer(text)] + [len(text)]
    for end in ends:
        while end - start > _CHUNK:
            bounds.append((start, start + _CHUNK))
            start += _CHUNK
        if end > start:
            bounds.append((start, end))
            start = end
    return bounds


def _spans(labels: np.ndarray, probability: np.ndarray) -> list[Span]:
    """The B-/I- runs of a label sequence as spans; probability: of each chosen label."""
    out = []
    for k in np.flatnonzero(labels % 2 == 1).tolist():  # B- labels are odd, each followed by its I-
        end = k + 1
        while end < len(labels) and labels[end] == labels[k] + 1:
            end += 1
        out.append(Span(KINDS[LABELS[labels[k]][2:]], k, end, float(probability[k:end].min())))
    return out


def digest() -> str:
    """The first 12 hex digits of the shipped weights' SHA-256: which model read a page."""
    return hashlib.sha256(resources.files("kb.ner").joinpath(MODEL).read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=1)
def load() -> Model:
    """The model shipped in the package (loaded once per process)."""
    with resources.files("kb.ner").joinpath(MODEL).open("rb") as f:
        return Model.from_arrays(dict(np.load(f)))
