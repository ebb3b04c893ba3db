"""The Typer app and the command group main() runs: commands are built by Typer only when
first asked for, and `--help` lists them from their names and help alone."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from importdrill.cli.reporting import emit_json_error
from importdrill.core.errors import Exit

if TYPE_CHECKING:
    from typer.models import CommandInfo


class _Group(TyperGroup):
    """The command group; with --json, a malformed command line is reported in JSON too."""

    # While True, get_command gives headers (see format_commands).
    _listing = False

    def invoke(self, ctx: Any) -> Any:
        args = [*getattr(ctx, "protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except Exception as exc:
            # Click's usage errors (an unknown option, a value of the wrong type) are raised
            # while the command's arguments are parsed, before any command code runs.
            exit_code = getattr(exc, "exit_code", None)
            if "--json" in args and hasattr(exc, "format_message") and exit_code == Exit.USAGE:
                emit_json_error("usage", exc.format_message(), {})
                raise typer.Exit(Exit.USAGE) from None
            raise

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing and isinstance(self.commands, _Commands):
            return self.commands.header(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # The list of commands shows each one's name and first line of help, which need
        # none of its parameters: headers say the same, without building twenty commands.
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


class _Commands(MutableMapping[str, Any]):
    """The app's commands by name, in the order they are declared, each built by Typer
    (from its function's signature) only when it is first asked for.

    Typer builds every command before it parses the command line: reading twenty
    signatures and making their parameters costs `list` and `check` ~2.5 ms, for nineteen
    commands they do not run.
    """

    def __init__(self, infos: "list[CommandInfo]") -> None:
        from typer.main import get_command_name

        # Named as Typer names them: the given name, else the function's, with - for _.
        self._infos: dict[str, CommandInfo | None] = {
            info.name or get_command_name(getattr(info.callback, "__name__", "")): info
            for info in infos
        }
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        built = self._built.get(name)
        if built is None:
            from typer.main import get_command_from_info

            info = self._infos[name]
            assert info is not None  # only commands added already built have no info
            built = self._built[name] = get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
        return built

    def header(self, name: str) -> Any:
        """The command named name, as far as a list of commands shows it: name and help."""
        info = self._infos.get(name)
        if name in self._built or info is None:
            return self._built.get(name)
        import inspect

        from typer.core import TyperCommand

        # As Typer's get_command_from_info takes the help: given, else the docstring.
        text = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
        return TyperCommand(
            name=name,
            help=text,
            short_help=info.short_help,
            hidden=info.hidden,
            deprecated=info.deprecated,
        )

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command
        self._infos.setdefault(name, None)

    def __delitem__(self, name: str) -> None:
        del self._infos[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


def group() -> TyperGroup:
    """The app as the command group main() runs: Typer's own, with commands built lazily."""
    import copy

    from typer.main import get_command

    bare = copy.copy(app)  # the group and its options, as Typer makes them, without commands
    bare.registered_commands = []
    group = get_command(bare)
    assert isinstance(group, TyperGroup)
    group.commands = _Commands(app.registered_commands)
    return group


app = typer.Typer(
    name="importdrill",
    help="A terminal drill for the Python import system: sys.modules, finders, loaders, "
    "packages and -m.\n\nStart with: importdrill list, then importdrill start SLUG.",
    no_args_is_help=True,
    add_completion=True,
    cls=_Group,
    # Plain help: Rich-formatted help imports the Markdown renderer, which doubles the
    # start-up time of `--help` (see the README's performance figures).
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        from importdrill import __version__
        from importdrill.views.console import plain

        plain(f"importdrill {__version__}")
        raise typer.Exit(Exit.OK)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show importdrill's version and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    # No docstring: the app's help (set above) is what `importdrill --help` shows.
    pass
