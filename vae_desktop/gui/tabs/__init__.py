"""One package per tab. Tabs render from the AppState and never import each other."""
