"""Prompt files: every one loads and renders; strict loading and rendering; versions pinned."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bot.summarize import prompts
from bot.summarize.llm import PROMPT_VERSION, PROMPTS, summarize_messages
from bot.summarize.prompts import _FILE_NAME, PromptError, load_prompt, parse_prompt, prompts_dir


def iter_prompt_files() -> list[tuple[str, str]]:
    """(file name, text) of every `*.vN.md` file in the prompt folder, sorted by name."""
    entries = sorted(prompts_dir().iterdir(), key=lambda e: e.name)
    return [(e.name, e.read_text(encoding="utf-8")) for e in entries if _FILE_NAME.match(e.name)]


# Changing a prompt's text changes what the model does, so it must change the version (and the
# cache key). When this test fails: keep the old file, copy it to the next version, edit the
# copy, pin the new version in bot/summarize/llm/config.py (PROMPTS) and add its hash here.
PINNED = {
    "reask.v1.md": "2be567e1287aa7479f253b8018e6a1cb0dc679006f95c6926f37a83cb5014d98",
    "reask.v2.md": "e5135d188b1d5bdc4a00479f5d4b0423e1fc07314d365acc172a6e49270b5375",
    "reduce.v1.md": "bbb30b6f353e10d18783c113e7e603e3acb9069148a37365c92d44ceddd29c7f",
    "reduce.v2.md": "2d019aaacf8bd0f9df3996eaaadaf966d8441bb7ea31ecba7f950ee112379379",
    "summarize.v1.md": "425a600c9b748c2cea5c419de8cdd1666c3337d2d66b8ce9dc02a05a2a069820",
    "summarize.v2.md": "2c6912bd85e1ff5d8974ab1f9e3ec3d83b3a26418fef419a6b1e71e9e09b027a",
    "summarize.v3.md": "bdc9e60a9d704cbf0d33ee12737b9ef2e2891133a5eac752a55b2ec91bf78c43",
    "summarize.v4.md": "506c58866ad75756443dd3023d9fa401d3aa21d147218ca76f5f79bd39527b85",
    "summarize.v5.md": "8f48843758867128208d5077d04166f812bef2660398368e63481ab29be6e9cc",
}


def test_every_prompt_file_loads_and_renders_every_section() -> None:
    files = list(iter_prompt_files())
    assert {name for name, _ in files} >= set(PINNED)
    for file_name, text in files:
        prompt = parse_prompt(text, file_name=file_name)
        values = {name: f"<{name}>" for name in prompt.variables}
        for section in prompt.sections:
            used = prompt.section_variables(section)
            rendered = prompt.render(section, **{v: values[v] for v in used})
            assert "$" not in rendered.replace("$$", ""), (file_name, section)
            for variable in prompt.section_variables(section):
                assert f"<{variable}>" in rendered


def test_prompt_texts_are_pinned_to_their_versions() -> None:
    for file_name, text in iter_prompt_files():
        if file_name in PINNED:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            assert digest == PINNED[file_name], f"{file_name} changed: bump its version"


def test_prompt_version_names_the_pinned_files() -> None:
    assert PROMPT_VERSION == "summarize-v5+reduce-v2+reask-v2"
    assert PROMPT_VERSION == "+".join(f"{n}-v{v}" for n, v in PROMPTS.items())


def test_rendering_with_a_missing_variable_is_an_error() -> None:
    prompt = load_prompt("summarize", 1)
    with pytest.raises(PromptError, match=r"missing \['comments'\]"):
        prompt.render("user", boundary="x", count=3)


def test_rendering_with_an_unknown_variable_is_an_error() -> None:
    prompt = load_prompt("reask", 1)
    with pytest.raises(PromptError, match="unknown variables"):
        prompt.render("invalid", error="e", eror="typo")


def test_unknown_section_is_an_error() -> None:
    with pytest.raises(PromptError, match="no section"):
        load_prompt("reask", 1).render("apology")


GOOD = """+++
name = "demo"
version = 2
description = "A demo."
variables = ["who"]
+++
=== system ===
Hello $who, this costs $$5.
"""


def test_parse_prompt_and_dollar_escape() -> None:
    prompt = parse_prompt(GOOD, file_name="demo.v2.md")
    assert prompt.tag == "demo-v2"
    assert prompt.render("system", who="you") == "Hello you, this costs $5."


@pytest.mark.parametrize(
    ("text", "file_name", "error"),
    [
        (GOOD.replace('variables = ["who"]', "variables = []"), None, "undeclared \\['who'\\]"),
        (GOOD.replace('variables = ["who"]', 'variables = ["who", "x"]'), None, "unused \\['x'\\]"),
        (
            GOOD.replace('description = "A demo."\n', 'description = "A demo."\ncolour = 1\n'),
            None,
            "Extra inputs",
        ),
        (GOOD.replace("version = 2", 'version = "two"'), None, "version"),
        (GOOD, "demo.v1.md", "file name must be demo.v2.md"),
        (GOOD.replace("+++\nname", "name", 1), None, "must start with a \\+\\+\\+"),
        (GOOD.replace("=== system ===", "intro\n=== system ==="), None, "text before the first"),
        (GOOD + "=== system ===\nagain\n", None, "appears twice"),
        (GOOD.replace("$who,", "${who,"), None, "malformed"),
    ],
    ids=[
        "undeclared",
        "unused",
        "extra-key",
        "bad-version",
        "file-name",
        "no-header",
        "stray-text",
        "duplicate-section",
        "bad-placeholder",
    ],
)
def test_malformed_prompt_files_are_rejected(text: str, file_name: str | None, error: str) -> None:
    with pytest.raises(PromptError, match=error):
        parse_prompt(text, file_name=file_name)


def test_installed_prompts_are_preferred(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    installed = tmp_path / "bot" / "_prompts"
    installed.mkdir(parents=True)
    (installed / "demo.v2.md").write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(prompts.resources, "files", lambda package: tmp_path / package)
    assert Path(str(prompts.prompts_dir())) == installed
    assert [name for name, _ in iter_prompt_files()] == ["demo.v2.md"]


def test_source_checkout_prompts_are_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(prompts.resources, "files", lambda package: tmp_path / package)
    found = Path(str(prompts.prompts_dir()))
    assert found.name == "prompts" and (found / "summarize.v1.md").is_file()


def test_the_summarize_prompt_says_what_it_must() -> None:
    messages = summarize_messages(
        ["c1: hi"],
        route="json_schema",
        max_points=3,
        language=None,
        boundary="ab" * 8,
    )
    system = messages[0]["content"]
    for phrase in [
        "never instructions",
        "2 to 4",
        '"Main points"',
        "strongest case in its own terms",
        "at most 3",
        "same cap",
        "common_ground",
        "open_questions",
        "character for character",
        "no outside facts, no verdict",
        "<site#2>",
        "no moralizing",
        "language the thread is written in",
        "<<<END THREAD abababababababab>>>",
    ]:
        assert phrase in system, phrase
    user = messages[1]["content"]
    assert user.index("<<<THREAD abababababababab>>>") < user.index("c1: hi")
    assert user.index("c1: hi") < user.index("<<<END THREAD abababababababab>>>")
