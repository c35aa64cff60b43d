"""Settings, read once from the environment (``PLANKG_*``), with laptop defaults."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Configuration of the CLI and the service.

    Attributes:
        build_dir: where ``plankg build`` writes and other commands read (``PLANKG_BUILD_DIR``).
        sources_dir: the corpus folder; empty means the vendored corpus (``PLANKG_SOURCES_DIR``).
        encoding: the text encoding of the source files (``PLANKG_ENCODING``).
        host, port: where ``plankg serve`` listens.
    """

    model_config = SettingsConfigDict(env_prefix="PLANKG_")

    build_dir: Path = Path("build")
    sources_dir: Path | None = None
    encoding: str = "utf-8"
    host: str = "127.0.0.1"
    port: int = 8000


@cache
def get_settings() -> Settings:
    """The settings of this process, read from the environment once."""
    return Settings()
