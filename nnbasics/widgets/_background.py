"""Repeat a callback on the kernel's asyncio event loop without freezing the notebook.

The Jupyter kernel runs an asyncio loop; widget messages (a click on Pause) are handled on it
between callbacks. :class:`BackgroundLoop` runs ``tick()`` then ``await asyncio.sleep(interval)``
in a task, so each tick is short and Pause gets through between ticks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class BackgroundLoop:
    """Call ``tick()`` repeatedly in an asyncio task until :meth:`stop` or ``tick()`` returns False.

    Args:
        tick: one unit of work (train a chunk and redraw); returns False to stop.
        interval: seconds to sleep between ticks (0 still yields to the loop).
        on_stop: called when the loop ends, whatever the reason.
        on_error: called with the exception when ``tick`` raises (the loop then stops).
    """

    def __init__(
        self,
        tick: Callable[[], bool],
        interval: float = 0.0,
        on_stop: Callable[[], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._tick = tick
        self.interval = interval
        self._on_stop = on_stop
        self._on_error = on_error
        self._task: asyncio.Task | None = None
        self._stop_requested = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def task(self) -> asyncio.Task | None:
        """The running task (await it to wait for the loop to end), or None."""
        return self._task

    def start(self) -> asyncio.Task:
        """Start the loop on the running event loop (the kernel's); no-op if already running."""
        if self.running:
            return self._task
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "play needs a running asyncio event loop, as in a Jupyter notebook; "
                "in a script call step() or run(n) instead"
            ) from None
        self._stop_requested = False
        self._task = loop.create_task(self._run())
        return self._task

    def stop(self) -> None:
        """Ask the loop to end after the current tick."""
        self._stop_requested = True

    async def _run(self) -> None:
        try:
            while not self._stop_requested:
                try:
                    keep_going = self._tick()
                except Exception as error:  # shown in the widget, not lost in the event loop
                    if self._on_error is None:
                        raise
                    self._on_error(error)
                    break
                if not keep_going:
                    break
                await asyncio.sleep(self.interval)
        finally:
            if self._on_stop is not None:
                self._on_stop()


class PlayControls:
    """Play/Pause for a widget that animates with a :class:`BackgroundLoop`.

    The widget provides ``_play_tick()`` (one frame; False ends the run), ``play_button``,
    ``status`` (an HTML widget for errors), ``play()`` (which calls :meth:`_start_playing`) and
    ``_play_label``, the button's text while stopped. It calls :meth:`_make_player` once.
    """

    _play_label = "Play"

    def _make_player(self, interval: float) -> None:
        self._player = BackgroundLoop(self._play_tick, interval=interval,
                                      on_stop=self._on_play_stop, on_error=self._show_error)

    @property
    def playing(self) -> bool:
        return self._player.running

    def pause(self) -> None:
        self._player.stop()

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def _start_playing(self) -> None:
        self._player.start()
        self.play_button.description, self.play_button.icon = "Pause", "pause"

    def _on_play_stop(self) -> None:
        self.play_button.description, self.play_button.icon = self._play_label, "play"

    def _show_error(self, error: BaseException) -> None:
        self.status.value = f"<b style='color:#b00'>stopped: {error}</b>"
