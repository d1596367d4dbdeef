"""Train tab (placeholder until its issue lands)."""

from vae_desktop.gui.placeholder import PlannedTab


class TrainTab(PlannedTab):
    def __init__(self, state, parent=None):
        super().__init__("Train", "This tab is being built.", parent)
        self.state = state
