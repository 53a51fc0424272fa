"""Mercurial's configuration files, read as hg reads them, for the options that change
how a store is read and written.

A repository's ``.hg/hgrc`` may set ``format.maxchainlen``, compression levels,
sparse reading or the phase of new commits; a report or a commit that ignored
them would differ from hg's. The files are those hg reads, in its order (a
later value wins):

* ``$HGRCPATH`` when it is set: each entry (``:``-separated, ``~`` and
  ``$VAR`` expanded) a file, or a directory whose ``*.rc`` files are read
  in name order; an empty ``HGRCPATH`` means no user or system file;
* otherwise the system files (``/etc/mercurial/hgrc``, ``/etc/mercurial/hgrc.d/*.rc``)
  and the user's (``~/.hgrc``, ``$XDG_CONFIG_HOME/hg/hgrc``);
* then the repository's ``.hg/hgrc`` and ``.hg/hgrc-not-shared``, unless
  ``HGRCSKIPREPO`` is set.

The syntax is hg's: ``[section]``, ``name = value`` with indented continuation
lines, ``#`` and ``;`` comments, ``%include FILE`` (relative to the including
file, a missing one ignored) and ``%unset name``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import CorruptionError, StoreError
from ..format.reading import read_regular

MAX_FILE = 4 << 20  # a configuration file is text a person wrote
MAX_DEPTH = 32  # %include nesting (a file including itself would never end)
_TRUE = {"1", "yes", "true", "on", "always"}
_FALSE = {"0", "no", "false", "off", "never"}
_SIZE_UNITS = (("m", 1 << 20), ("k", 1 << 10), ("g", 1 << 30), ("kb", 1 << 10),
               ("mb", 1 << 20), ("gb", 1 << 30), ("b", 1))  # hg's order: "kb" ends in "b"

_SECTION = re.compile(r"\[([^\[]+)\]")
_ITEM = re.compile(r"([^=\s][^=]*?)\s*=\s*(.*\S|)")
_CONTINUATION = re.compile(r"\s+(\S|\S.*\S)\s*$")
_EMPTY = re.compile(r"(;|#|\s*$)")
_COMMENT = re.compile(r"(;|#)")
_UNSET = re.compile(r"%unset\s+(\S+)")
_INCLUDE = re.compile(r"%include\s+(\S|\S.*\S)\s*$")


class ConfigError(StoreError):
    """A configuration file hg would refuse to parse, or a value of the wrong type."""


@dataclass
class HgConfig:
    """Values by (section, name), each with the ``file:line`` that set it."""

    values: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def get(self, section: str, name: str, default: str | None = None) -> str | None:
        found = self.values.get((section, name))
        return default if found is None else found[0]

    def source(self, section: str, name: str) -> str | None:
        found = self.values.get((section, name))
        return None if found is None else found[1]

    def bool(self, section: str, name: str, default: bool) -> bool:
        value = self.get(section, name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise self._bad(section, name, "a boolean")

    def int(self, section: str, name: str, default: int | None = None) -> int | None:
        value = self.get(section, name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise self._bad(section, name, "an integer") from None

    def float(self, section: str, name: str, default: float) -> float:
        value = self.get(section, name)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError:
            raise self._bad(section, name, "a number") from None

    def choice(self, section: str, name: str, choices: tuple[str, ...], default: str) -> str:
        """One of ``choices`` (an option hg does not read, so no alias or case folding)."""
        value = self.get(section, name, default)
        if value not in choices:
            raise self._bad(section, name, "one of " + ", ".join(choices))
        return value

    def size(self, section: str, name: str, default: str | int) -> int:
        """A byte count written as hg's sizes are ("65K", "2.2kb", "6M", "300")."""
        value = self.get(section, name)
        text = str(default) if value is None else value
        try:
            return parse_size(text)
        except ValueError:
            raise self._bad(section, name, "a size") from None

    def _bad(self, section: str, name: str, what: str) -> ConfigError:
        return ConfigError(f"{section}.{name} is not {what}: "
                           f"{self.get(section, name)!r} ({self.source(section, name)})")


def parse_size(text: str) -> int:
    t = text.strip().lower()
    for suffix, unit in _SIZE_UNITS:
        if t.endswith(suffix):
            return int(float(t[: -len(suffix)]) * unit)
    return int(t)


def read_config(hg_dir: str | None, environ: Mapping[str, str] | None = None) -> HgConfig:
    """The configuration hg would use in the repository whose ``.hg`` is ``hg_dir``
    (None: outside any repository)."""
    env = os.environ if environ is None else environ
    config = HgConfig()
    for path in _user_files(env):
        _read(config, path, 0)
    if hg_dir is not None and "HGRCSKIPREPO" not in env:
        for name in ("hgrc", "hgrc-not-shared"):
            _read(config, os.path.join(hg_dir, name), 0)
    return config


def _user_files(env: Mapping[str, str]) -> list[str]:
    if "HGRCPATH" in env:
        return [f for entry in env["HGRCPATH"].split(os.pathsep) if entry
                for f in _expand_entry(_expand(entry, env))]
    files = _rc_files("/etc/mercurial")
    home = env.get("XDG_CONFIG_HOME")
    if not home or not os.path.isabs(home):
        home = os.path.expanduser("~/.config")
    return files + [os.path.expanduser("~/.hgrc"), os.path.join(home, "hg", "hgrc")]


def _expand(path: str, env: Mapping[str, str]) -> str:
    def var(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        return env.get(name, match.group(0))
    return os.path.expanduser(re.sub(r"\$(?:(\w+)|\{([^}]*)\})", var, path))


def _expand_entry(path: str) -> list[str]:
    return _rc_files_only(path) if os.path.isdir(path) else [path]


def _rc_files(root: str) -> list[str]:
    return [os.path.join(root, "hgrc"), *_rc_files_only(os.path.join(root, "hgrc.d"))]


def _rc_files_only(directory: str) -> list[str]:
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return sorted(os.path.join(directory, n) for n in names if n.endswith(".rc"))


def _read(config: HgConfig, path: str, depth: int) -> None:
    """Read one file into ``config``; a missing file is no error (hg's rule)."""
    if depth > MAX_DEPTH:
        raise ConfigError(f"{path}: more than {MAX_DEPTH} nested %include")
    if path == os.devnull:  # HGRCPATH=/dev/null, the usual way to say "no configuration"
        return
    try:
        data = read_regular(path, MAX_FILE)
    except CorruptionError as err:
        raise ConfigError(f"cannot read the configuration file {path}: {err.message}") from None
    if data is None:
        return
    config.files.append(path)
    _parse(config, path, data.decode("utf-8", "surrogateescape"), depth)


def _parse(config: HgConfig, path: str, text: str, depth: int) -> None:
    section, item = "", None
    if text.startswith("\ufeff"):
        text = text[1:]
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        where = f"{path}:{number}"
        if item is not None:
            if _COMMENT.match(line):
                continue
            more = _CONTINUATION.match(line)
            if more:
                value = config.values[(section, item)][0] + "\n" + more.group(1)
                config.values[(section, item)] = (value, where)
                continue
            item = None
        include = _INCLUDE.match(line)
        if include:
            target = _expand(include.group(1), os.environ)
            _read(config, os.path.normpath(os.path.join(os.path.dirname(path), target)),
                  depth + 1)
            continue
        if _EMPTY.match(line):
            continue
        if match := _SECTION.match(line):
            section = match.group(1)
        elif match := _ITEM.match(line):
            item = match.group(1)
            config.values[(section, item)] = (match.group(2), where)
        elif match := _UNSET.match(line):
            config.values.pop((section, match.group(1)), None)
        else:
            raise ConfigError(f"parse error at {where}: {line.rstrip()}")
