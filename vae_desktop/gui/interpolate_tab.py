"""Interpolate tab (placeholder until its issue lands)."""

from vae_desktop.gui.placeholder import PlannedTab


class InterpolateTab(PlannedTab):
    def __init__(self, state, parent=None):
        super().__init__("Interpolate", "This tab is being built.", parent)
        self.state = state
