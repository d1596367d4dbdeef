"""Conditional tab (placeholder until its issue lands)."""

from vae_desktop.gui.placeholder import PlannedTab


class ConditionalTab(PlannedTab):
    def __init__(self, state, parent=None):
        super().__init__("Conditional", "This tab is being built.", parent)
        self.state = state
