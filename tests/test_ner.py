"""The statistical recognizer: the numpy decoder agrees with CRFsuite, the corpus reader refuses
bad lines by number, the development split is stable, and the shipped model finds names."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pycrfsuite
import pytest
import rjieba

from kb.ner import corpus
from kb.ner.features import LABELS, attributes
from kb.ner.model import Batch, Model, load
from kb.ner.train import export

from conftest import run_kb

# invented sentences, BIO-tagged by hand
TAGGED = [
    ("王晓明在南阳市会见了东方机械有限公司代表。", {"王晓明": "PER", "南阳市": "LOC", "东方机械有限公司": "ORG"}),
    ("李红梅说，北京大学的学生来到了河南。", {"李红梅": "PER", "北京大学": "ORG", "河南": "LOC"}),
    ("国家统计局发布数据，上海和广州增长较快。", {"国家统计局": "ORG", "上海": "LOC", "广州": "LOC"}),
    ("赵志刚和陈小燕前往郑州参加会议。", {"赵志刚": "PER", "陈小燕": "PER", "郑州": "LOC"}),
]


def _sentence(text: str, names: dict[str, str]) -> corpus.Sentence:
    tags = ["O"] * len(text)
    for name, kind in names.items():
        k = text.index(name)
        tags[k:k + len(name)] = ["B-" + kind] + ["I-" + kind] * (len(name) - 1)
    return corpus.Sentence(text, tuple(tags))


@pytest.fixture(scope="module")
def tiny() -> tuple[Model, pycrfsuite.Tagger]:
    """A model trained in a second on the invented sentences, and CRFsuite's own tagger of it."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for text, names in TAGGED * 3:
        s = _sentence(text, names)
        trainer.append(pycrfsuite.ItemSequence(attributes(s.text, rjieba.tag(s.text))), list(s.tags))
    trainer.set_params({"c1": 0.01, "c2": 0.01, "max_iterations": 50, "feature.possible_transitions": True})
    trainer.train("/tmp/kb-test-tiny.crf")
    tagger = pycrfsuite.Tagger()
    tagger.open("/tmp/kb-test-tiny.crf")
    info = tagger.info()
    arrays = export(info.state_features, info.transitions)
    for key in [k for k in arrays if k.startswith("w:")]:
        arrays[key] = arrays[key].astype(np.float32)  # compare exactly: the shipped float16 rounds
    return Model.from_arrays(arrays), tagger


@pytest.mark.parametrize("text", [
    "王晓明在南阳市会见了东方机械有限公司代表。",
    "陈小燕说，国家统计局的数据来到了上海和郑州。赵志刚前往北京大学。",
    "本报讯（记者李红梅）河南省南阳市近日召开会议",
])
def test_ner_numpy_decoder_agrees_with_crfsuite(tiny, text):
    model, tagger = tiny
    tokens = rjieba.tag(text)
    expected = tagger.tag(pycrfsuite.ItemSequence(attributes(text, tokens)))
    labels = model._viterbi(Batch.of(model.emissions(text, tokens), [(0, len(text))]))[0]
    assert [LABELS[k] for k in labels] == expected


def test_ner_marginals_equal_brute_force(tiny):
    """Label probabilities by forward-backward, padded in a batch, equal summing every sequence."""
    model, _ = tiny
    text, other = "李红梅说", "王晓明在南阳市会见了客人"
    scores = model.emissions(text + other, rjieba.tag(text + other))
    batch = Batch.of(scores, [(0, len(text)), (len(text), len(text) + len(other))])
    marginals = batch.unbatch(model._marginals(batch))[:len(text)]
    expected = np.zeros((len(text), len(LABELS)))
    for path in itertools.product(range(len(LABELS)), repeat=len(text)):
        score = model.start[path[0]] + sum(scores[t, k] for t, k in enumerate(path))
        score += sum(model.transitions[a, b] for a, b in zip(path, path[1:]))
        for t, k in enumerate(path):
            expected[t, k] += np.exp(np.float64(score))
    expected /= expected.sum(1, keepdims=True)
    assert np.allclose(marginals, expected, atol=1e-4)


def test_ner_spans_in_sentences_decoded_side_by_side_match_alone(tiny):
    model, _ = tiny
    one, two = TAGGED[0][0], TAGGED[1][0]
    together = model.spans(one + two, rjieba.tag(one + two))
    alone = model.spans(two, rjieba.tag(two))
    shifted = [(s.kind, s.start - len(one), s.end - len(one)) for s in together if s.start >= len(one)]
    assert shifted == [(s.kind, s.start, s.end) for s in alone]


def test_ner_read_bio_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.bio"
    path.write_text("王\tB-PER\n明\tI-PER\n\n说\tX-PER\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 4"):
        corpus.read_bio(path)


def test_ner_read_bio_round_trips(tmp_path):
    sentences = [_sentence(text, names) for text, names in TAGGED]
    corpus.write_bio(sentences, tmp_path / "s.bio")
    assert corpus.read_bio(tmp_path / "s.bio") == sentences
    assert dict(sentences[0].names()) == {"PER": "王晓明", "LOC": "南阳市", "ORG": "东方机械有限公司"}


def test_ner_split_is_stable_and_disjoint():
    sentences = [corpus.Sentence(f"第{k}句话", ("O",) * (len(str(k)) + 3)) for k in range(1000)]
    parts = corpus.split(sentences)
    backwards = corpus.split(list(reversed(sentences)))
    assert all(set(backwards[name]) == set(parts[name]) for name in parts)  # a sentence's part is its own
    assert sum(len(p) for p in parts.values()) == 1000
    assert set(parts["dev"]).isdisjoint(parts["tune"]) and set(parts["dev"]).isdisjoint(parts["train"])
    assert 50 <= len(parts["dev"]) <= 150 and 50 <= len(parts["tune"]) <= 150  # one in ten each, by a hash


def test_ner_pagelike_keeps_every_sentence_and_tags_bylines():
    sentences = [_sentence(text, names) for text, names in TAGGED] * 10
    dressed = corpus.pagelike(sentences, seed=1)
    text = "".join(s.text for s in dressed)
    assert all(s.text in text for s in sentences)
    assert all(len(s.text) == len(s.tags) for s in dressed)
    bylines = [s for s in dressed if "本报" in s.text]
    assert bylines and all(dict(s.names()).get("PER") for s in bylines)


@pytest.mark.parametrize("text,name,kind", [
    ("新华社北京5月3日电 国务院总理李建国今天在人民大会堂会见了来访的客人。", "李建国", "person"),
    ("外交部发言人表示，中国愿同东南亚国家联盟加强合作。", "外交部", "organization"),
    ("代表团访问了法国、德国和意大利。", "意大利", "place"),
])
def test_ner_shipped_model_finds_names(text, name, kind):
    found = {(s.kind, text[s.start:s.end]) for s in load().spans(text, rjieba.tag(text))}
    assert (kind, name) in found


def test_ner_kb_evaluate_scores_a_bio_file(tmp_path):
    sentences = [_sentence(text, names) for text, names in TAGGED]
    corpus.write_bio(sentences, tmp_path / "s.bio")
    out = json.loads(run_kb("evaluate", tmp_path / "s.bio", "--format", "json").stdout)
    assert set(out) == {"PER", "ORG", "LOC"}
    assert out["PER"]["gold"] == 4 and out["LOC"]["gold"] == 5 and out["ORG"]["gold"] == 3
    assert out["PER"]["tp"] >= 3  # plain names in plain sentences


def test_ner_kb_evaluate_refuses_a_malformed_bio_file(tmp_path):
    (tmp_path / "bad.bio").write_text("王 B-PER 多\n", encoding="utf-8")
    result = run_kb("evaluate", tmp_path / "bad.bio", check=False)
    assert result.returncode == 1 and "line 1" in result.stderr


def test_ner_read_decodes_several_texts_in_one_batch_as_each_alone():
    """recognize decodes a page's stretches together: each text's names are those it has alone."""
    texts = [text for text, _ in TAGGED] + ["", "外交部发言人表示，中国愿同东南亚国家联盟加强合作。"]
    together = load().read([(text, rjieba.tag(text)) for text in texts])
    alone = [load().spans(text, rjieba.tag(text)) for text in texts]
    assert [[s[:3] for s in spans] for spans in together] == [[s[:3] for s in spans] for spans in alone]
    assert all(s.confidence == pytest.approx(a.confidence, abs=1e-12) for x, y in zip(together, alone) for s, a in zip(x, y))
    assert sum(map(len, together)) >= 10
