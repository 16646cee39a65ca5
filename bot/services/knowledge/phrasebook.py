"""The standard phrases (话术) staff look up with /话术: a data file the center can replace."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.knowledge import texts

if TYPE_CHECKING:
    from bot.runtime import Runtime

DEFAULT = Path(__file__).with_name("phrasebook.toml")


@dataclass(frozen=True)
class Scene:
    name: str
    keywords: tuple[str, ...]
    phrases: tuple[str, ...]
    # Breaking a password and the like: only for the holder of an approved sensitive request.
    sensitive: bool = False


def load(path: Path | None = None) -> list[Scene]:
    data = tomllib.loads((path or DEFAULT).read_text(encoding="utf-8"))
    return [Scene(name, tuple(v.get("keywords", ())), tuple(v.get("phrases", ())),
                  bool(v.get("sensitive", False))) for name, v in data.items()]


def _book(env: "Runtime", sensitive: bool = False) -> list[Scene]:
    custom = env.settings.center.phrasebook_file
    return [s for s in load(Path(custom) if custom else None) if sensitive or not s.sensitive]


def scenes(env: "Runtime", *, sensitive: bool = False) -> list[str]:
    return [s.name for s in _book(env, sensitive)]


def lookup(env: "Runtime", query: str, *, sensitive: bool = False) -> list[Scene]:
    """Scenes whose name or a keyword matches the query; the exact name wins. Sensitive scenes
    take part only when `sensitive` (the caller checked the grant)."""
    query = query.strip()
    book = _book(env, sensitive)
    exact = [s for s in book if s.name == query]
    if exact:
        return exact
    found = [s for s in book if query in s.name or any(k in query or query in k
                                                        for k in s.keywords)]
    if not found:
        raise UserError(texts.PHRASE_NOT_FOUND.format(
            query=query, scenes="、".join(s.name for s in book)))
    return found


def render(env: "Runtime", scene: Scene) -> str:
    center = env.settings.center.name
    lines = [texts.PHRASE_TITLE.format(scene=scene.name)]
    lines += [f"· {p.format(center=center)}" for p in scene.phrases]
    return "\n".join(lines)
