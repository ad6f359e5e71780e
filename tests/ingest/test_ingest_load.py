"""load_thread: merging several inputs into one thread."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import InputError
from bot.ingest import InputSource, load_thread

from .conftest import Loader

BUSES = "https://discord.com/channels/1087654321098765432/1123456789012349999"


def _ids(ids: list[int]) -> list[str]:
    return [f"121790000000000000{n}" for n in ids]


@pytest.mark.parametrize(
    "order", [("part1", "part2"), ("part2", "part1")], ids=["in-order", "reversed"]
)
def test_overlapping_exports_merge_chronologically(
    fixture_source: Loader, order: tuple[str, str]
) -> None:
    sources = [fixture_source(f"exports/dce-buses-{part}.json") for part in order]
    thread = load_thread(sources)
    # Messages 3 and 4 are in both exports: both copies are kept, next to each other.
    assert [c.id for c in thread.comments] == _ids([1, 2, 3, 3, 4, 4, 5, 6])
    times = [c.time for c in thread.comments]
    assert times == sorted(times)  # type: ignore[type-var]
    assert thread.source == "discord-export"
    assert thread.title == "free-buses"
    assert thread.url == BUSES
    assert len(thread.by_id()) == 6


def test_pasted_ids_continue_across_inputs(fixture_source: Loader) -> None:
    thread = load_thread(
        [fixture_source("paste/compact.txt"), fixture_source("paste/name-lines.txt")]
    )
    assert [c.id for c in thread.comments] == [f"c{n}" for n in range(1, 10)]
    assert [c.author for c in thread.comments][4:6] == ["Maya", "jordan"]
    # Reply ids found in the second input are in the second input's numbering.
    assert (thread.comments[7].id, thread.comments[7].reply_to) == ("c8", "c7")
    assert thread.source == "paste"
    assert thread.title is None


def test_seed_thread_twice_gives_106_distinct_ids(seed_path) -> None:  # type: ignore[no-untyped-def]
    src = InputSource(name="seed-thread.txt", data=seed_path.read_bytes())
    thread = load_thread([src, src])
    assert [c.id for c in thread.comments] == [f"c{n}" for n in range(1, 107)]
    assert thread.comments[53 + 4].reply_to == "c56"  # c58 quotes c56, as c5 quotes c3


def test_export_row_ids_continue_and_do_not_mix_with_pasted_ids(fixture_source: Loader) -> None:
    thread = load_thread(
        [
            fixture_source("exports/dce-remote-work.txt"),
            fixture_source("paste/compact.txt"),
            fixture_source("exports/dce-remote-work.csv"),
        ]
    )
    ids = [c.id for c in thread.comments]
    # Not every comment has a time (the paste has none), so the input order is kept.
    assert ids == [f"m{n}" for n in range(1, 6)] + [f"c{n}" for n in range(1, 6)] + [
        f"m{n}" for n in range(6, 11)
    ]
    assert thread.source == "mixed"
    assert thread.title == "Debates / remote-work"


def test_export_and_paste_mix(fixture_source: Loader) -> None:
    thread = load_thread(
        [fixture_source("paste/paragraphs.txt"), fixture_source("exports/dce-dm.json")]
    )
    assert [c.id for c in thread.comments] == ["c1", "c2", "c3", "1218000000000000001"]
    assert thread.source == "mixed"
    assert thread.title == "theo"


def test_exports_from_different_channels_sort_by_time_and_drop_the_url(
    fixture_source: Loader,
) -> None:
    thread = load_thread(
        [fixture_source("exports/dce-dm.json"), fixture_source("exports/dce-remote-work.json")]
    )
    assert thread.comments[0].time == datetime(2024, 3, 14, 10, 30, 5, 123000, tzinfo=UTC)
    assert thread.comments[-1].id == "1218000000000000001"
    assert thread.url is None
    assert thread.title == "theo"  # the first input's


def test_format_applies_to_every_input(fixture_source: Loader) -> None:
    thread = load_thread(
        [fixture_source("paste/name-lines.txt"), fixture_source("paste/compact.txt")], "text"
    )
    assert all(c.author is None for c in thread.comments)
    assert [c.id for c in thread.comments][-1] == "c11"


def test_errors_name_the_bad_input(fixture_source: Loader) -> None:
    with pytest.raises(InputError) as err:
        load_thread([fixture_source("paste/compact.txt"), InputSource(name="empty.txt", data=b"")])
    assert str(err.value).startswith("empty.txt: ")
    with pytest.raises(InputError) as err:
        load_thread([fixture_source("paste/compact.txt")], "yaml")
    assert str(err.value).startswith("compact.txt: unknown format 'yaml'")


def test_no_inputs() -> None:
    with pytest.raises(InputError):
        load_thread([])
