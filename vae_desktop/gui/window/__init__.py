"""The main window's parts, each one idea, which vae_desktop.gui.main_window composes into
MainWindow: the toolbar and menus, the tab pages, the status line, the File actions, what the
window remembers between sessions, and quitting. None imports torch at its top."""
