"""The command-line interface: `debate-digest summarize`, `demo`, `cache`, `bench`, and the
Discord bot's `run`, `invite-url` and `sync-commands`.

Every user error ends as one line on stderr and a non-zero exit; stdout carries only the result
(so `--json` output can be piped). Heavy imports (litellm, discord) happen only on the paths that
need them.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from contextlib import contextmanager
from enum import StrEnum
from importlib import resources
from typing import Annotated, Any, TypeVar

import typer

# typer vendors click (as typer._click) and raises that copy's exceptions.
from typer._click import exceptions as click
from typer.core import TyperGroup

from bot import __version__
from bot.errors import ConfigError, UserError

log = logging.getLogger("debate_digest")
T = TypeVar("T")

# Inputs this long get a progress display on stderr (when stderr is a terminal).
PROGRESS_MIN_COMMENTS = 1000


class _OneLineErrors(TyperGroup):
    """Usage errors (`--format foo`, `--max-points 0`, a missing input) as one line on stderr,
    `debate-digest: error: ...`, exit 2, like every other user error, instead of click's
    usage block and rich's error box. Help (`-h`, and no arguments at all) is unchanged."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        def run(standalone: bool) -> Any:
            return super(_OneLineErrors, self).main(
                args, prog_name, complete_var, standalone_mode=standalone, **extra
            )

        if not standalone_mode:
            return run(False)
        try:
            code = run(False)
        except click.NoArgsIsHelpError as err:
            err.show()
            sys.exit(err.exit_code)
        except click.ClickException as err:
            sys.stderr.write(f"debate-digest: error: {_usage_line(err)}\n")
            sys.exit(err.exit_code)
        except typer.Abort:
            sys.stderr.write("debate-digest: aborted\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _usage_line(err: click.ClickException) -> str:
    message = " ".join(err.format_message().replace("Value error, ", "").split())
    param = getattr(err, "param", None)
    if isinstance(err, click.MissingParameter) and param is not None and param.name == "inputs":
        message = "no input given: name a file, - for standard input, or a link"
    ctx = getattr(err, "ctx", None)
    if isinstance(err, click.UsageError) and ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return message


app = typer.Typer(
    name="debate-digest",
    cls=_OneLineErrors,
    help="Balanced, verifiable summaries of online debates (Discord bot and command line).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain help and usage errors: rendering them with rich costs more than the rest of
    # `--help` (and a usage error is then a box, not a line).
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
cache_app = typer.Typer(
    help="Inspect or empty the result cache.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(cache_app, name="cache")


class InputFormat(StrEnum):
    auto = "auto"
    text = "text"
    chat = "chat"
    discord_json = "discord-json"
    discord_txt = "discord-txt"
    discord_csv = "discord-csv"
    hackernews = "hackernews"
    reddit = "reddit"
    discourse = "discourse"


class Layout(StrEnum):
    stacked = "stacked"
    columns = "columns"


def _stderr_console():  # noqa: ANN202 - rich is imported lazily for fast --help
    from rich.console import Console

    return Console(stderr=True)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="debate-digest: %(levelname)s: %(message)s",
        force=True,
    )


def _settings(db: str | None = None):  # noqa: ANN202
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as err:
        first = err.errors()[0]
        name = "DEBATE_DIGEST_" + str(first["loc"][0]).upper() if first.get("loc") else "setting"
        raise ConfigError(f"invalid setting {name}: {first['msg']}") from None
    if db:
        settings = settings.model_copy(update={"database_url": db})
    from bot.ops.logs import use_format

    use_format(settings.log_format)
    return settings


@contextmanager
def _user_errors(debug: bool = False):
    """Turn every failure into one line on stderr and an exit code: 2 for a user error,
    1 for a bug (with the traceback only under --debug), 130 for Ctrl-C."""
    try:
        yield
    except UserError as err:
        typer.echo(f"debate-digest: error: {err}", err=True)
        raise typer.Exit(err.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("debate-digest: interrupted", err=True)
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as err:  # the one place that turns an unknown failure into a sentence
        if debug:
            raise
        log.debug("internal error", exc_info=True)
        typer.echo(
            f"debate-digest: internal error: {type(err).__name__}: {err} "
            "(run again with --debug for the traceback)",
            err=True,
        )
        raise typer.Exit(1) from None


def _run(coro_fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
    import asyncio  # not at the top: `--help` and usage errors need no event loop

    # The value comes back through a box, not as the main task's result: on the way out
    # asyncio.run (3.11) makes `signal.getsignal` repr its SIGINT handler, which holds the
    # main task and so the repr of its result: 5 s for the result of a 20 MB input.
    box: list[T] = []

    async def main() -> None:
        box.append(await coro_fn())

    asyncio.run(main())
    return box[0]


def _read_inputs(inputs: list[str], *, settings: Any) -> tuple[list[str], list]:  # noqa: ANN202
    """The links among `inputs` (checked, not fetched) and every file and standard input read
    (`list[InputSource]`), within the size limit."""
    from bot.ingest import read_source
    from bot.ingest.web import classify_url, is_url, looks_like_link

    for arg in inputs:
        if looks_like_link(arg):
            classify_url(arg)  # a malformed link fails before any file is read or fetched
    urls = [arg.strip() for arg in inputs if is_url(arg)]
    sources = [
        read_source(arg, max_bytes=settings.max_input_bytes) for arg in inputs if not is_url(arg)
    ]
    total = sum(len(s.data) for s in sources)
    if total > settings.max_input_bytes:
        raise UserError(
            f"inputs total {total / 1048576:.1f} MB, over the {settings.max_input_mb:g} MB "
            "limit (DEBATE_DIGEST_MAX_INPUT_MB)"
        )
    return urls, sources


def _load_inputs(  # noqa: ANN202
    inputs: list[str], urls: list[str], sources: list, *, settings: Any, fmt: InputFormat
):
    """Files, standard input and links, in the order given, as one thread. Links are fetched
    together through one guarded client (`bot.ingest.web`); `--format` applies to files."""
    from bot.ingest import merge_threads, parse_sources
    from bot.ingest.web import is_url

    file_threads = iter(parse_sources(sources, fmt.value) if sources else [])
    fetched = iter(_run(lambda: _fetch_all(urls, settings)) if urls else [])
    threads = [next(fetched) if is_url(arg) else next(file_threads) for arg in inputs]
    return threads[0] if len(threads) == 1 else merge_threads(threads)


async def _fetch_all(urls: list[str], settings: Any) -> list:  # list[Thread]
    from bot.ingest.web import fetch_thread
    from bot.ingest.web.client import WebClient

    async with WebClient.from_settings(settings) as client:
        with _fetch_progress() as progress:
            threads = []
            for url in urls:  # one after the other: each is already fetched concurrently
                threads.append(
                    await fetch_thread(url, settings=settings, client=client, progress=progress)
                )
            return threads


def _stderr_may_be_a_terminal() -> bool:
    """False when stderr is surely no terminal for rich (so rich need not be imported): not a
    TTY and none of the variables rich reads to force one."""
    forced = ("TTY_COMPATIBLE", "FORCE_COLOR", "TTY_INTERACTIVE", "FORCE_TERMINAL")
    return sys.stderr.isatty() or any(os.environ.get(name) for name in forced)


@contextmanager
def _fetch_progress():
    """A transient "Fetching" display on stderr when it is a terminal; None otherwise."""
    if not _stderr_may_be_a_terminal():
        yield None
        return
    console = _stderr_console()
    if not console.is_terminal:
        yield None
        return
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("Fetching"),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("fetching", total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


def _summarize_input(
    thread: Any = None,  # Thread
    *,
    sources: Any = None,  # list[InputSource], when there is no thread (files, stdin only)
    fmt: InputFormat = InputFormat.auto,
    settings: Any,
    as_json: bool,
    markdown: bool,
    model: str | None,
    no_cache: bool,
    layout: Layout,
    max_points: int | None,
    language: str | None = None,
    show_duplicates: bool = False,
) -> None:
    """Summarize a thread, or files and standard input given as bytes (`sources`: a repeat of
    the same bytes is answered from the cache without parsing, see
    `bot.pipeline.summarize_sources`), and print the result."""
    from bot.pipeline import Options, summarize_sources, summarize_thread
    from bot.store import open_store

    options = Options.from_settings(
        settings, model=model, max_points=max_points, language=language, use_cache=not no_cache
    )
    # Before parsing, the line count stands in for the comment count.
    size = len(thread.comments) if thread is not None else sum(s.data.count(b"\n") for s in sources)

    async def go():  # noqa: ANN202
        async with open_store(settings.database_url) as store:
            with _progress(size) as progress:
                if thread is None:
                    return await summarize_sources(
                        sources, fmt.value, store=store, options=options, progress=progress
                    )
                answer = await summarize_thread(
                    thread, store=store, options=options, progress=progress
                )
                return answer, list(thread.notes)

    result, notes = _run(go)
    if notes:
        # How the thread was read (cut at a limit, ...) is news whether or not it was cached.
        for note in notes:
            log.warning("%s", note)
        result = result.model_copy(
            update={"notes": [*notes, *(n for n in result.notes if n not in notes)]}
        )
    if as_json:
        from bot.render.safe import to_json

        sys.stdout.write(to_json(result, indent=2, exclude={"cache_key"}) + "\n")
        return
    if markdown:
        from bot.render.markdown import to_markdown

        sys.stdout.write(to_markdown(result))
        return
    from rich.console import Console

    from bot.render.terminal import render

    render(
        result,
        Console(),
        layout=layout.value,
        show_duplicates=show_duplicates,
    )


@contextmanager
def _progress(total_comments: int):
    """A progress display on stderr for long inputs in a terminal; a no-op callback otherwise."""
    if total_comments < PROGRESS_MIN_COMMENTS or not _stderr_may_be_a_terminal():
        yield None
        return
    console = _stderr_console()
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage.capitalize(), total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield update


# Options shared by `summarize` and `demo`.
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")]
MarkdownOpt = Annotated[bool, typer.Option("--markdown", help="Print the result as Markdown.")]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model", help="litellm model string (default: DEBATE_DIGEST_MODEL; empty = offline)."
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite path (default: DEBATE_DIGEST_DATABASE_URL)."),
]
LayoutOpt = Annotated[
    Layout, typer.Option("--layout", help="Sides one after the other, or side by side.")
]
MaxPointsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-points", min=1, max=10, help="Points per side (the same cap for every side)."
    ),
]
ShowDuplicatesOpt = Annotated[
    bool,
    typer.Option(
        "--show-duplicates", help="List every copy folded into the comment it repeats, and by whom."
    ),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens to stderr.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]


@app.command()
def summarize(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files to read (pasted text, exports, saved API answers), - for standard "
            "input, or http(s) links to Hacker News, Reddit, Discourse or a page with comments. "
            "Several inputs merge into one thread.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        InputFormat,
        typer.Option("--format", "-f", help="Input format of files; auto detects it."),
    ] = InputFormat.auto,
    as_json: JsonOpt = False,
    markdown: MarkdownOpt = False,
    model: ModelOpt = None,
    no_cache: NoCacheOpt = False,
    db: DbOpt = None,
    layout: LayoutOpt = Layout.stacked,
    max_points: MaxPointsOpt = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--language", help="Write the LLM summary in this language (default: the thread's)."
        ),
    ] = None,
    show_duplicates: ShowDuplicatesOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Summarize a debate: each side's strongest points with verified quotes."""
    _setup_logging(verbose)
    with _user_errors(debug):
        if as_json and markdown:
            raise UserError("choose one of --json and --markdown")
        if inputs.count("-") > 1:
            raise UserError("standard input (-) can be read only once")
        settings = _settings(db)
        urls, sources = _read_inputs(inputs, settings=settings)
        # Links are fetched and parsed every time (their content can change); files and
        # standard input alone go to the pipeline as bytes.
        thread = _load_inputs(inputs, urls, sources, settings=settings, fmt=fmt) if urls else None
        _summarize_input(
            thread,
            sources=sources,
            fmt=fmt,
            settings=settings,
            as_json=as_json,
            markdown=markdown,
            model=model,
            no_cache=no_cache,
            layout=layout,
            max_points=max_points,
            language=language,
            show_duplicates=show_duplicates,
        )


@app.command()
def demo(
    as_json: JsonOpt = False,
    markdown: MarkdownOpt = False,
    no_cache: NoCacheOpt = False,
    db: DbOpt = None,
    layout: LayoutOpt = Layout.stacked,
    show_duplicates: ShowDuplicatesOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Summarize the bundled real debate (a thread pasted twice), offline."""
    _setup_logging(verbose)
    with _user_errors(debug):
        from bot.ingest import InputSource

        data = resources.files("bot").joinpath("data/seed-thread.txt").read_bytes()
        source = InputSource(name="seed-thread.txt (bundled)", data=data)
        _summarize_input(
            sources=[source],
            fmt=InputFormat.text,
            settings=_settings(db),
            as_json=as_json,
            markdown=markdown,
            model="",
            no_cache=no_cache,
            layout=layout,
            max_points=None,
            show_duplicates=show_duplicates,
        )


@cache_app.command("stats")
def cache_stats(
    db: DbOpt = None,
    as_json: JsonOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Show what the cache holds and what it saved."""
    _setup_logging(verbose)
    with _user_errors():
        from bot.store import open_store

        settings = _settings(db)

        async def go():  # noqa: ANN202
            async with open_store(settings.database_url) as store:
                return await store.stats()

        stats = _run(go)
        if as_json:
            sys.stdout.write(stats.model_dump_json(indent=2) + "\n")
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Debate Digest cache", show_header=False)
        for name, value in stats.model_dump().items():
            table.add_row(name.replace("_", " "), "-" if value is None else str(value))
        Console().print(table)


@cache_app.command("purge")
def cache_purge(
    db: DbOpt = None,
    expired: Annotated[
        bool, typer.Option("--expired", help="Remove only expired entries.")
    ] = False,
    verbose: VerboseOpt = False,
) -> None:
    """Remove cached results (all of them, or only the expired ones)."""
    _setup_logging(verbose)
    with _user_errors():
        from bot.store import open_store

        settings = _settings(db)

        async def go() -> int:
            async with open_store(settings.database_url) as store:
                return await store.purge(expired_only=expired)

        removed = _run(go)
        typer.echo(f"removed {removed} cached result{'s' if removed != 1 else ''}")


db_app = typer.Typer(
    help="The database schema: see its version, apply migrations (PostgreSQL: before the bot).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(db_app, name="db")


def _db_schema(db: str | None, *, upgrade: bool, verbose: bool) -> None:
    _setup_logging(verbose)
    with _user_errors():
        from bot.store.schema import database_schema

        settings = _settings(db)
        report = _run(lambda: database_schema(settings.database_url, upgrade=upgrade))
        typer.echo(report.line)


@db_app.command("upgrade")
def db_upgrade(db: DbOpt = None, verbose: VerboseOpt = False) -> None:
    """Apply the pending migrations (each in one transaction; safe to run from several
    processes at once; a no-op when up to date). PostgreSQL needs it before `run`."""
    _db_schema(db, upgrade=True, verbose=verbose)


@db_app.command("current")
def db_current(db: DbOpt = None, verbose: VerboseOpt = False) -> None:
    """Show the schema version of the database and the version this program needs."""
    _db_schema(db, upgrade=False, verbose=verbose)


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Smaller sizes, for a smoke run.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Run the benchmarks (dedupe, offline engine, cache, LLM, web fetch) and print medians and
    ratios."""
    _setup_logging(False)
    with _user_errors():
        from bot.bench import run_all

        report = run_all(quick=quick)
        if as_json:
            sys.stdout.write(json.dumps(report, indent=2) + "\n")
            return
        from bot.bench import print_report

        print_report(report)


GuildOpt = Annotated[
    int | None,
    typer.Option(
        "--guild",
        help="Sync to this guild (server) id only: instant, for testing "
        "(default: DEBATE_DIGEST_DEV_GUILD_ID, else global).",
    ),
]


@app.command()
def run(
    auto_shard: Annotated[
        bool,
        typer.Option("--auto-shard", help="Run every shard Discord recommends in this process."),
    ] = False,
    shard_count: Annotated[
        int | None,
        typer.Option(
            "--shard-count",
            min=1,
            help="Total shards over all the bot's processes (default: "
            "DEBATE_DIGEST_SHARD_COUNT, else one unsharded connection).",
        ),
    ] = None,
    shard_ids: Annotated[
        str | None,
        typer.Option(
            "--shard-ids",
            help="The shards this process runs, e.g. 0,1 (default: DEBATE_DIGEST_SHARD_IDS, "
            "else all of --shard-count).",
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Log only warnings (default: INFO).")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Run the Discord bot (needs DEBATE_DIGEST_DISCORD_TOKEN). Ctrl-C stops it.

    Several processes share one bot on PostgreSQL by each running some of its shards:
    `run --shard-count 4 --shard-ids 0,1` here and `--shard-ids 2,3` in another.
    """
    _setup_logging(not quiet)
    with _user_errors(debug):
        settings = _settings()
        from bot.discord.app import api_base, shard_plan, token_of
        from bot.discord.app import main as bot_main

        token_of(settings)  # a missing token is one line, before anything starts
        api_base(settings)
        shards = shard_plan(settings, count=shard_count, ids=shard_ids, auto=auto_shard)
        _run(lambda: bot_main(settings, shards=shards))


@app.command("invite-url")
def invite_url(
    client_id: Annotated[
        int | None,
        typer.Option(
            "--client-id",
            help="Application id (default: DEBATE_DIGEST_DISCORD_CLIENT_ID, else read from "
            "the token).",
        ),
    ] = None,
) -> None:
    """Print the URL that adds the bot to a server with only the permissions it needs."""
    _setup_logging(False)
    with _user_errors():
        from bot.discord.app import invite_url as make_url

        url, permissions = make_url(_settings(), client_id)
        typer.echo(url)
        typer.echo(
            f"permissions integer: {permissions} (View Channels, Send Messages, Send Messages "
            "in Threads, Embed Links, Attach Files, Read Message History)",
            err=True,
        )


@app.command("sync-commands")
def sync_commands(
    guild: GuildOpt = None, verbose: VerboseOpt = False, debug: DebugOpt = False
) -> None:
    """Register the slash command and context menus with Discord (run again after upgrades)."""
    _setup_logging(verbose)
    with _user_errors(debug):
        settings = _settings()
        from bot.discord.app import sync_commands as do_sync
        from bot.discord.app import token_of

        token_of(settings)
        target = guild if guild is not None else settings.dev_guild_id
        names = _run(lambda: do_sync(settings, target))
        where = f"guild {target}" if target is not None else "all guilds (may take up to an hour)"
        typer.echo(f"synced {len(names)} commands to {where}: {', '.join(sorted(names))}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"debate-digest {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Balanced, verifiable summaries of online debates."""


def main() -> None:
    """Console-script entry point."""
    app(prog_name="debate-digest")
