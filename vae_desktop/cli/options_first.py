"""What to say to options given before the command (`vae-desktop --latent-dim 3 train`), which
argparse would misread as the command ("invalid choice: '3'"): the same words with the command
first, or which option no command has."""

from __future__ import annotations

import argparse

from vae_desktop.cli.parser import build_parser


def options_before_command(argv: list[str], names: list[str]) -> str:
    """What to say to options given before the command: the same words with the command first,
    where one command has all those options (the one named, else train, else the first), or
    which option no command (or not the one named) has. `names`: the commands, in the order
    the message lists them."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    options = [word.split("=", 1)[0] for word in argv if word.startswith("-") and word != "-"]

    def has(command: str, option: str) -> bool:  # argparse takes an option's unique start too
        return any(known.startswith(option) for known in sub.choices[command]._option_string_actions)

    named = [word for word in argv if word in names][:1]
    if named:
        lacking = [option for option in options if not has(named[0], option)]
        if lacking:
            return (f"{lacking[0]} is not an option of {named[0]}: the command comes first, then "
                    f"its options (vae-desktop {named[0]} --help lists them).")
        candidates = named
    else:
        candidates = [c for c in names if all(has(c, option) for option in options)]
        candidates.sort(key=lambda c: c != "train")
    commands = ", ".join(names)
    if not candidates:
        unknown = [o for o in options if not any(has(c, o) for c in names)] or options
        return (f"{unknown[0]} is not an option of any command: the command comes first, then "
                f"its options (commands: {commands}; vae-desktop COMMAND --help lists its "
                "options).")
    rest = [word for word in argv if word != candidates[0]]
    return (f"the command comes first, as in vae-desktop {candidates[0]} {' '.join(rest)} "
            f"(commands: {commands})")
