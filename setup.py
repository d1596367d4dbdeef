"""Build step: the wheel carries the repository's bundled MNIST and models inside the package, as
vae_desktop/resources/, so an installed vae-desktop works from any folder. A checkout (and an
editable install) reads them from resources/ at the repository's top instead: see
vae_desktop/core/paths.py. Everything else is declared in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("mnist", "models")  # resources/screenshots illustrate the README only


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # the checkout's resources/ is found directly
            return
        # A build folder is reused from one build to the next: a model removed from resources/
        # since the last build must not stay in the wheel.
        copied = Path(self.build_lib) / "vae_desktop" / "resources"
        if copied.exists():
            self.announce(f"removing {copied}", level=2)
            shutil.rmtree(copied)
        for name, target in self._resource_files():
            self.mkpath(str(target.parent))
            self.copy_file(str(ROOT / "resources" / name), str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        extra = [] if self.editable_mode else [str(target) for _, target in self._resource_files()]
        return super().get_outputs(include_bytecode) + extra

    def _resource_files(self):
        for folder in BUNDLED:
            for path in sorted((ROOT / "resources" / folder).iterdir()):
                if path.is_file():
                    name = f"{folder}/{path.name}"
                    yield name, Path(self.build_lib) / "vae_desktop" / "resources" / name


setup(cmdclass={"build_py": BuildWithResources})
