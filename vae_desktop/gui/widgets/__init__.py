"""Reusable views: image grids, plots and canvases. They know nothing of the app state."""
