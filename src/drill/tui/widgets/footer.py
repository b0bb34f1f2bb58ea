"""The footer of drill's screens: Textual's, made again only when the keys it
shows change.

Textual's Footer makes all its keys again whenever the screen's bindings
may have changed (a focus moved, a screen resumed, a phase of the drill
asked to refresh them), even when they are the very keys it shows: a
widget per key made, styled and laid out each time. This one compares
first.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """A Footer that is made again only when its keys are others."""

    _shown: tuple | None = None  # the keys it was last made for

    def _keys(self, screen: Screen) -> tuple:
        """What the footer shows of ``screen``'s bindings: each shown key, its
        action, words and tooltip, whether it is enabled; and the palette's."""
        keys = tuple((binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
                     for (_, binding, enabled, tooltip) in screen.active_bindings.values() if binding.show)
        return keys + ((self.show_command_palette, self.compact),)

    def bindings_changed(self, screen: Screen) -> None:
        makes = screen.app.app_focus and self.is_attached and screen is self.screen
        keys = self._keys(screen) if makes else None
        if makes and keys == self._shown:
            return  # the keys it shows already
        if makes:
            self._shown = keys
        super().bindings_changed(screen)
