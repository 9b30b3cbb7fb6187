"""An optional progress bar for ``fit``; tqdm is imported only when one is requested."""

from __future__ import annotations

__all__ = ["NullProgress", "make_progress"]


class NullProgress:
    """Does nothing: used when ``progress=False``."""

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix(self, **values) -> None:
        pass

    def close(self) -> None:
        pass


def make_progress(enabled: bool, total: int, desc: str = "training"):
    """A ``tqdm.auto`` bar (a widget in Jupyter, text elsewhere) or a ``NullProgress``."""
    if not enabled:
        return NullProgress()
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:  # pragma: no cover - tqdm is a course dependency
        raise ImportError("progress=True needs tqdm: pip install tqdm") from exc
    return tqdm(total=total, desc=desc, unit="batch", leave=True)
