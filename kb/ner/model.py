"""Decode the CRF with numpy: emission scores from per-template weight tables, then Viterbi over
the text's clauses side by side (a batch), constrained to well-formed BIO, and each name's
probability by forward-backward over the clauses that hold one."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from importlib import resources
from typing import NamedTuple

import numpy as np

from kb.ner.features import DENSE, KINDS, LABELS, TEMPLATES, families

MODEL = "model.npz"
_CHUNK = 64  # longest stretch decoded as one sequence; text is cut after punctuation
_PAUSE = re.compile(r"[。！？；，、：!?;,:]")  # names never run across these: Viterbi restarts after them
_NEVER = -1e4
_NO_KEY = np.iinfo(np.int64).max  # closes every table's sorted keys: above any key, so found for none


class Span(NamedTuple):
    kind: str  # person, organization, place
    start: int
    end: int
    confidence: float  # the least probability the model gives any of its labels (0..1)


@dataclass(frozen=True)
class Model:
    # key family (features.TEMPLATES) -> (the keys any of its templates knows, sorted and closed by
    # _NO_KEY, or None for a table indexed by the key itself; the weights of its templates side by
    # side [rows, templates * labels], zero in the last row: keys no template knows)
    tables: dict[str, tuple[np.ndarray | None, np.ndarray]]
    bias: np.ndarray  # [labels]
    transitions: np.ndarray  # [from, to]
    start: np.ndarray  # [labels]: what may open a sequence

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> "Model":
        tables = {family: _table(arrays, [name for name, f, _ in TEMPLATES if f == family])
                  for family in dict.fromkeys(family for _, family, _ in TEMPLATES)}
        trans = arrays["transitions"].astype(np.float32) + _forbidden()
        start = np.array([_NEVER if label.startswith("I-") else 0.0 for label in LABELS], np.float32)
        return cls(tables, arrays["bias"].astype(np.float32), trans, start)

    def emissions(self, text: str, tokens: Sequence[tuple[str, str]]) -> np.ndarray:
        """Score of every label at every character: [len(text), labels]. The templates' weights
        are added one by one in their order (float32 sums depend on it)."""
        n = len(text)
        weights = {family: self._weights(family, values) for family, values in families(text, tokens).items()}
        scores = np.tile(self.bias, (n, 1))
        for family, offset, columns in _COLUMNS:
            scores += weights[family][offset:offset + n, columns]
        return scores

    def _weights(self, family: str, values: np.ndarray) -> np.ndarray:
        """The weights of each of the family's templates at each key: [len(values), templates * labels]."""
        known, table = self.tables[family]
        if known is None:
            return table.take(values, 0, mode="clip")  # clipped to the last row: keys past the table
        rows = np.searchsorted(known, values)
        rows[known.take(rows) != values] = len(known) - 1  # an unseen key: the zero row
        return table.take(rows, 0)

    def spans(self, text: str, tokens: Sequence[tuple[str, str]]) -> list[Span]:
        """The names in text, with their kind and a confidence score."""
        return self.read([(text, tokens)])[0]

    def read(self, pieces: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> list[list[Span]]:
        """The names in each of several texts (with their tokens), decoded in one batch: the
        steps of Viterbi and forward-backward cost the same for one row or many."""
        starts = [0, *accumulate(len(text) for text, _ in pieces)]
        bounds = [(start + a, start + b) for (text, _), start in zip(pieces, starts) for a, b in _chunks(text)]
        if not bounds:
            return [[] for _ in pieces]
        batch = Batch.of(np.concatenate([self.emissions(*piece) for piece in pieces]), bounds)
        paths = self._viterbi(batch)
        named = batch.rows(np.flatnonzero((paths * batch.real).any(1)))  # most stretches name nothing
        probability = np.ones(starts[-1])
        if named.lengths.size:
            rows, width = named.real.shape
            mine = paths[named.order, :width]
            chosen = self._marginals(named)[np.arange(rows)[:, None], np.arange(width), mine]
            probability[named.at[named.real]] = chosen[named.real]
        labels = batch.unbatch(paths)
        return [_spans(labels[a:b], probability[a:b]) for a, b in zip(starts, starts[1:])]

    def _viterbi(self, batch: "Batch") -> np.ndarray:
        """The best label sequence of each row: [rows, width]."""
        scores, live = batch.scores, batch.live.tolist()
        best = scores[:, 0] + self.start
        back = np.zeros(scores.shape, np.intp)
        into = self.transitions.T  # [to, from]: the last axis is the one maximized over
        cells = np.arange(0, best.size * len(into), len(into))  # the first candidate of each (row, to)
        for t in range(1, scores.shape[1]):
            k = live[t]
            cand = best[:k, None, :] + into
            came = cand.argmax(2)
            back[:k, t] = came
            top = cand.reshape(-1).take(cells[:came.size] + came.reshape(-1)).reshape(came.shape)
            np.add(top, scores[:k, t], out=best[:k])
        path = np.zeros(scores.shape[:2], np.intp)
        rows = np.arange(len(scores))
        path[rows, batch.lengths - 1] = best.argmax(1)
        for t in range(scores.shape[1] - 1, 0, -1):
            k = live[t]
            path[:k, t - 1] = back[rows[:k], t, path[:k, t]]
        return path

    def _marginals(self, batch: "Batch") -> np.ndarray:
        """The probability of every label at every position (forward-backward, scaled at each
        step rather than in logs: a product and a sum per step): [rows, width, labels].
        numpy's cost is per call, not per row: both passes run in the same steps, stacked, with
        the rows along the last axis; the backward pass reads the rows aligned at their ends."""
        rows, width, _ = batch.scores.shape
        scores = np.ascontiguousarray(batch.scores.transpose(1, 2, 0))  # [width, labels, rows]
        emit = np.exp((scores - np.maximum.reduce(scores, 1)[:, None]).astype(np.float64))  # finite: relative to the best
        shift = width - batch.lengths  # how far each row moves right to end at the last position
        every = np.arange(rows)
        ends = emit[(np.arange(width)[:, None] - shift) % width, :, every].transpose(0, 2, 1)  # padding first
        step = np.exp(self.transitions.astype(np.float64))
        both = np.stack([step.T, step])  # forward: into each label; backward: out of it
        factor = np.stack([emit, ends[::-1]], 1)  # [step, pass, labels, rows]
        product = np.empty(factor.shape)  # the forward sums before the emission, the backward ones (beta)
        product[0] = 1.0
        scaled = np.empty(factor.shape)  # alpha, and the backward sums times the emission
        scaled[0] = factor[0] * np.stack([np.exp(self.start.astype(np.float64)), np.ones(len(step))])[:, :, None]
        scaled[0] /= np.add.reduce(scaled[0], 1)[:, None]
        for t in range(1, width):
            np.matmul(both, scaled[t - 1], out=product[t])
            np.multiply(product[t], factor[t], out=scaled[t])
            scaled[t] /= np.add.reduce(scaled[t], 1)[:, None]
        beta = product[::-1, 1][np.minimum(np.arange(width)[:, None] + shift, width - 1), :, every].transpose(0, 2, 1)
        joint = scaled[:, 0] * beta
        joint /= np.add.reduce(joint, 1)[:, None]
        return joint.transpose(2, 0, 1)


@dataclass(frozen=True)
class Batch:
    """Stretches of text side by side, longest first, padded to the longest: a step of Viterbi
    or forward-backward then works on the rows still running, a prefix of them."""

    scores: np.ndarray  # [rows, width, labels]
    lengths: np.ndarray  # [rows], descending
    live: np.ndarray  # [width]: how many rows are longer than each position
    at: np.ndarray  # [rows, width]: the text position of each cell (padding: the text's length)
    real: np.ndarray  # [rows, width]: which cells hold text (the rest is padding)
    order: np.ndarray  # [rows]: each row's row in the batch it was taken from (Batch.rows)

    @classmethod
    def of(cls, scores: np.ndarray, bounds: list[tuple[int, int]]) -> "Batch":
        starts, ends = np.array(bounds).T
        order = np.argsort(starts - ends, kind="stable")
        starts, lengths = starts[order], (ends - starts)[order]
        steps = np.arange(lengths[0])
        real = steps[None, :] < lengths[:, None]
        at = np.where(real, starts[:, None] + steps[None, :], len(scores))
        padded = np.concatenate([scores, np.zeros((1, scores.shape[1]), scores.dtype)])  # the padding's scores: 0
        return cls(padded.take(at, 0), lengths, real.sum(0), at, real, np.arange(len(lengths)))

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


def _columns() -> list[tuple[str, int, slice]]:
    """Each template's weights, in TEMPLATES' order: its family, its offset into the family's
    padded keys, and its columns in the family's table (the family's templates in their order)."""
    out, seen = [], Counter()
    for _, family, offset in TEMPLATES:
        out.append((family, offset, slice(seen[family] * len(LABELS), (seen[family] + 1) * len(LABELS))))
        seen[family] += 1
    return out


_COLUMNS = _columns()


def _table(arrays: dict[str, np.ndarray], names: list[str]) -> tuple[np.ndarray | None, np.ndarray]:
    """One family's Model.tables entry: its templates' weights side by side, for every key one of
    them knows (the others' weights there zero), indexed by the key itself if all keys are small."""
    known = np.unique(np.concatenate([arrays[f"k:{name}"] for name in names] + [[_NO_KEY]]))
    table = np.zeros((len(known), len(names) * len(LABELS)), np.float32)
    for j, name in enumerate(names):
        table[np.searchsorted(known, arrays[f"k:{name}"]), j * len(LABELS):(j + 1) * len(LABELS)] = arrays[f"w:{name}"]
    if known[-2] >= DENSE:
        return known, table
    dense = np.zeros((known[-2] + 2, table.shape[1]), np.float32)
    dense[known[:-1]] = table[:-1]
    return None, dense


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
    out, begins = [], np.flatnonzero(labels % 2 == 1).tolist()  # B- labels are odd, each followed by its I-
    labels, probability = labels.tolist(), probability.tolist()
    for k in begins:
        end = k + 1
        while end < len(labels) and labels[end] == labels[k] + 1:
            end += 1
        out.append(Span(KINDS[LABELS[labels[k]][2:]], k, end, min(probability[k:end])))
    return out


def digest() -> str:
    """The first 12 hex digits of the shipped weights' SHA-256: which model read a page."""
    return hashlib.sha256(resources.files("kb.ner").joinpath(MODEL).read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=1)
def load() -> Model:
    """The model shipped in the package (loaded once per process)."""
    with resources.files("kb.ner").joinpath(MODEL).open("rb") as f:
        return Model.from_arrays(dict(np.load(f)))
