"""Prompt files: versioned text in `prompts/`, parsed into a strict model, rendered strictly.

A prompt file is `prompts/<name>.v<version>.md`:

    +++
    name = "summarize"
    version = 1
    description = "one line"
    variables = ["boundary", "comments"]
    +++
    === system ===
    text with $boundary …
    === user ===
    …

The header is TOML between `+++` lines; the body is split into named sections by
`=== <section> ===` lines. Sections are `string.Template` text: `$name` is a variable, `$$` a
literal dollar sign. Loading checks that the variables the sections use are exactly the declared
ones; rendering a section with a variable missing, or with one the file does not declare, is an
error. A prompt's wording is part of its version (and so of the cache key): change the text,
bump the version, keep the old file.

The folder is looked up as installed data first (`bot/_prompts`, force-included by the wheel),
then next to the package in a source checkout (`<repo>/prompts`).
"""

from __future__ import annotations

import re
import string
import tomllib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

_FILE_NAME = re.compile(r"^(?P<name>[a-z][a-z0-9_-]*)\.v(?P<version>[1-9][0-9]*)\.md$")
_SECTION = re.compile(r"^=== *([a-z][a-z0-9_]*) *===[ \t]*$", re.MULTILINE)


class PromptError(Exception):
    """A prompt file is malformed, missing, or rendered with the wrong variables. A bug in the
    program or its installation, not something the user can fix."""


class Prompt(BaseModel):
    """One parsed prompt file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: int = Field(ge=1)
    description: str = Field(min_length=1)
    variables: tuple[str, ...] = ()
    sections: dict[str, str]

    @property
    def tag(self) -> str:
        """`name-vN`, the form that goes into `PROMPT_VERSION` and the cache key."""
        return f"{self.name}-v{self.version}"

    @model_validator(mode="after")
    def _variables_declared(self) -> Prompt:
        if not self.sections:
            raise ValueError("a prompt needs at least one section")
        used: set[str] = set()
        for section, text in self.sections.items():
            template = string.Template(text)
            if not template.is_valid():
                raise ValueError(f"section {section!r} has a malformed $-placeholder")
            used.update(template.get_identifiers())
        declared = set(self.variables)
        if used != declared:
            raise ValueError(
                "declared variables do not match the text: "
                f"undeclared {sorted(used - declared)}, unused {sorted(declared - used)}"
            )
        return self

    def section_variables(self, section: str) -> list[str]:
        """The variables `section` uses, in order of first use."""
        return string.Template(self.sections[section]).get_identifiers()

    def render(self, section: str, **values: object) -> str:
        """The text of `section` with every variable substituted.

        Raises `PromptError` for an unknown section, a variable the section uses that is not
        given, or a value for a variable the file does not declare (a typo, most likely).
        """
        if section not in self.sections:
            raise PromptError(f"prompt {self.tag} has no section {section!r}")
        unknown = sorted(set(values) - set(self.variables))
        if unknown:
            raise PromptError(f"prompt {self.tag}: unknown variables {unknown}")
        missing = [v for v in self.section_variables(section) if v not in values]
        if missing:
            raise PromptError(f"prompt {self.tag}, section {section!r}: missing {missing}")
        return string.Template(self.sections[section]).substitute(
            {k: str(v) for k, v in values.items()}
        )


def parse_prompt(text: str, *, file_name: str | None = None) -> Prompt:
    """Parse the text of a prompt file; `file_name`, when given, must agree with the header."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "+++":
        raise PromptError(f"{file_name or 'prompt'}: must start with a +++ TOML header")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        raise PromptError(f"{file_name or 'prompt'}: the +++ header is not closed") from None
    try:
        header = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as err:
        raise PromptError(f"{file_name or 'prompt'}: bad TOML header: {err}") from None
    body = "\n".join(lines[end + 1 :])
    sections: dict[str, str] = {}
    marks = list(_SECTION.finditer(body))
    if body[: marks[0].start() if marks else len(body)].strip():
        raise PromptError(f"{file_name or 'prompt'}: text before the first === section ===")
    for index, mark in enumerate(marks):
        stop = marks[index + 1].start() if index + 1 < len(marks) else len(body)
        name = mark.group(1)
        if name in sections:
            raise PromptError(f"{file_name or 'prompt'}: section {name!r} appears twice")
        sections[name] = body[mark.end() : stop].strip("\n")
    try:
        prompt = Prompt(**header, sections=sections)
    except (TypeError, ValueError) as err:
        raise PromptError(f"{file_name or 'prompt'}: {err}") from None
    if file_name is not None:
        match = _FILE_NAME.match(file_name)
        if not match or (match["name"], int(match["version"])) != (prompt.name, prompt.version):
            raise PromptError(f"{file_name}: file name must be {prompt.name}.v{prompt.version}.md")
    return prompt


def prompts_dir() -> Traversable:
    """The folder holding the prompt files: installed data first, then the source checkout."""
    try:
        installed = resources.files("bot") / "_prompts"
        if installed.is_dir():
            return installed
    except (ModuleNotFoundError, NotADirectoryError):
        pass
    checkout = Path(__file__).resolve().parents[2] / "prompts"
    if checkout.is_dir():
        return checkout
    raise PromptError("prompt files not found (neither bot/_prompts nor <repo>/prompts)")


@cache
def load_prompt(name: str, version: int) -> Prompt:
    """Load `prompts/<name>.v<version>.md`. Code pins the versions it uses on purpose: a new
    file does not change behaviour (or the cache key) until the code asks for it."""
    file_name = f"{name}.v{version}.md"
    entry = prompts_dir() / file_name
    if not entry.is_file():
        raise PromptError(f"prompt file {file_name} not found")
    return parse_prompt(entry.read_text(encoding="utf-8"), file_name=file_name)
