"""The pre-commit hooks run what `make lint` runs: the same commands, with the project's own tools in .venv."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def make_lint_commands() -> list[str]:
    """The recipe lines of the Makefile's `lint` target, with $(BIN) spelled as the venv's folder."""
    makefile = (ROOT / "Makefile").read_text()
    variables = dict(re.findall(r"^(VENV|BIN) := (.+)$", makefile, re.M))
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    commands = []
    for line in recipe.splitlines():
        command = line.strip().lstrip("@")
        # BIN is defined through VENV: expand it first.
        commands.append(command.replace("$(BIN)", variables["BIN"]).replace("$(VENV)", variables["VENV"]))
    return commands


def hooks() -> list[dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_the_makefile_lint_target_is_read():
    assert ".venv/bin/ruff check ." in make_lint_commands()


def test_every_make_lint_command_is_a_hook():
    commands = {" ".join([hook["entry"], *hook.get("args", [])]) for hook in hooks()}
    missing = [command for command in make_lint_commands() if command not in commands]
    assert not missing, f"make lint runs {missing}, which .pre-commit-config.yaml does not"


def test_the_hooks_use_the_projects_own_tools_on_the_whole_tree():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    for hook in hooks():
        assert hook["language"] == "system", hook["id"]
        assert hook["entry"].startswith(".venv/bin/"), hook["id"]
        assert hook["pass_filenames"] is False, hook["id"]  # the whole tree, as make lint checks it


def test_the_layers_contract_is_a_hook():
    assert any(hook["entry"] == ".venv/bin/lint-imports --no-logo" for hook in hooks())
