"""`sides_bench --model`: the LLM engine scored on the same sets as the offline one, against the
fake OpenAI-compatible server, in process and through the CLI's `--json`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from fakes.openai_server import FakeOpenAI, Reply, data_block, debate_responder

from bot.bench.sides_bench import SET_DIR, load_debate, main

MODEL = "openai/fake-model"
DEBATE = "four-day-week"


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()[:40]


def oracle(camps: dict[str, str]) -> Any:
    """A responder that answers as a model which reads every comment's camp right: a side per
    camp listing its comments, each point quoting its comment's first words."""

    def respond(request: dict[str, Any]) -> Reply:
        block = data_block(request)
        assert block is not None and block[0] == "THREAD"
        sides = []
        for camp, label in (("A", "For"), ("B", "Against")):
            group = [
                c for c in block[2] if "id" in c and camps.get(_key(c.get("text", ""))) == camp
            ]
            sides.append(
                {
                    "label": label,
                    "position": f"{label} the claim",
                    "participants": list(
                        dict.fromkeys(c["handle"] for c in group if "handle" in c)
                    ),
                    "comment_ids": [c["id"] for c in group],
                    "points": [
                        {
                            "text": f"Point of {c['id']}",
                            "comment_ids": [c["id"]],
                            "quotes": [
                                {"comment_id": c["id"], "text": " ".join(c["text"].split()[:6])}
                            ],
                        }
                        for c in group[:2]
                    ],
                }
            )
        answer = {"question": "Q?", "sides": sides, "common_ground": [], "open_questions": []}
        return Reply(content=json.dumps(answer))

    return respond


@pytest.fixture
def one_debate(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "set"
    folder.mkdir()
    shutil.copy(SET_DIR / f"{DEBATE}.toml", folder)
    debate = load_debate(folder / f"{DEBATE}.toml")
    gold = debate.gold
    camps = {_key(c.text): gold[c.id] for c in debate.thread().comments if gold[c.id]}
    assert set(camps.values()) == {"A", "B"}
    return folder, camps


def _bench(folder: Path, capsys: pytest.CaptureFixture, *extra: str) -> dict[str, Any]:
    args = ["--set", str(folder), "--no-argkp", "--json", *extra]
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def test_the_llm_engine_is_scored_from_the_models_answer(
    one_debate: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    folder, camps = one_debate
    with FakeOpenAI(responder=oracle(camps)) as server:
        monkeypatch.setenv("DEBATE_DIGEST_API_BASE", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        report = _bench(folder, capsys, "--model", MODEL, "--cli-runs", "1")
        asked = len(server.requests)
    gold = report["gold_set"]
    assert gold["engine"] == MODEL
    assert (gold["separated"], gold["purity"], gold["false_no_disagreement"]) == (1, 1.0, 0)
    assert report["cli_json"]["separated"] == 1 and report["cli_json"]["purity"] == 1.0
    assert asked == 2  # one request in process, one from the CLI's subprocess
    # What the run spent, summed over both: the fake's tokens; a made-up model has no price.
    usage = report["llm_usage"]
    assert usage["llm_calls"] == 2 and usage["prompt_tokens"] > 0 < usage["completion_tokens"]
    assert usage["cost_usd"] is None
    # The oracle's answers: every strong cue checked in both runs, none against them.
    assert usage["sides_checked"] > 0 and usage["sides_checked"] % 2 == 0
    assert usage["against_evidence"] == usage["answers_flagged"] == usage["answers_rechecked"] == 0

    # A model that puts every camp on one side is scored as the one side it gave.
    with FakeOpenAI(responder=oracle(dict.fromkeys(camps, "A"))) as server:
        monkeypatch.setenv("DEBATE_DIGEST_API_BASE", server.url)
        report = _bench(folder, capsys, "--model", MODEL, "--cli-runs", "0")
        assert len(server.requests) == 1
    assert report["gold_set"]["separated"] == 0
    assert report["gold_set"]["purity"] == report["gold_set"]["one_side_baseline_purity"] < 1.0
    # ... and the sides check says so: Bob's "I disagree" and Dan's "No way" sit beside those
    # they answer.
    assert report["llm_usage"]["answers_flagged"] == 1
    assert report["llm_usage"]["against_evidence"] == 2
    assert report["llm_usage"]["answers_rechecked"] == 0

    # With the recheck switched on, the model is asked once more (and answers the same).
    with FakeOpenAI(responder=oracle(dict.fromkeys(camps, "A"))) as server:
        monkeypatch.setenv("DEBATE_DIGEST_API_BASE", server.url)
        monkeypatch.setenv("DEBATE_DIGEST_LLM_RECHECK_SIDES", "true")
        report = _bench(folder, capsys, "--model", MODEL, "--cli-runs", "0")
        assert len(server.requests) == 2
    usage = report["llm_usage"]
    assert usage["llm_calls"] == 2 and usage["answers_rechecked"] == usage["answers_flagged"] == 1


def test_without_model_the_offline_engine_runs_whatever_the_environment_says(
    one_debate: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    folder, _ = one_debate
    with FakeOpenAI(responder=debate_responder) as server:
        monkeypatch.setenv("DEBATE_DIGEST_MODEL", MODEL)
        monkeypatch.setenv("DEBATE_DIGEST_API_BASE", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        report = _bench(folder, capsys, "--cli-runs", "1")
        assert server.requests == []
    assert report["gold_set"]["engine"] == "offline" and "llm_usage" not in report
    assert report["gold_set"]["separated"] == report["cli_json"]["separated"] == 1


def test_spent_sums_usage_and_forgets_a_price_once_one_is_unknown() -> None:
    from bot.bench.sides_bench import Spent

    spent = Spent()
    for _ in range(2):
        spent.add({"llm_calls": 1, "prompt_tokens": 10, "completion_tokens": 5, "cost_usd": 0.01})
    spent.add({})  # an offline result: nothing spent
    assert spent.as_dict() == {
        "llm_calls": 2,
        "prompt_tokens": 20,
        "completion_tokens": 10,
        "cost_usd": 0.02,
        "sides_checked": 0,
        "against_evidence": 0,
        "answers_flagged": 0,
        "answers_rechecked": 0,
    }
    spent.add({}, {"checked": 4, "contradictions": [{"comment_id": "c2"}], "rechecked": 3})
    spent.add({}, {"checked": 3, "contradictions": []})
    assert (spent.sides_checked, spent.against_evidence, spent.answers_flagged) == (7, 1, 1)
    assert spent.answers_rechecked == 1
    spent.add({"llm_calls": 1, "prompt_tokens": 3, "completion_tokens": 1, "cost_usd": None})
    assert spent.as_dict()["cost_usd"] is None and spent.llm_calls == 3
