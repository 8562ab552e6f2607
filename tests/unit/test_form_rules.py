"""The live password checks of the Authenticator's forms: the same verdicts in the page (JavaScript's
RegExp, run by node) as in the kernel (Python's re), and Cognito's own set of special characters."""

from __future__ import annotations

import json
import shutil
import string
import subprocess

import pytest

from amplify_nb.sandbox.backend import _SYMBOLS
from amplify_nb.widgets.form import password_rules

POLICY = {"min_length": 10, "require_lowercase": True, "require_uppercase": True, "require_numbers": True,
          "require_symbols": True}
SAMPLES = ["", "short", "alllowercase1!", "ALLUPPER1!xx", "NoDigits!!xx", "NoSymbols12x", "Good-pass-12",
           'Quote"pass12', "Space pass12", "Back\\slash12a", "Ünïcode-pass-1", "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"]


def test_each_unmet_rule_is_named_and_an_unknown_policy_has_none():
    rules = password_rules(POLICY)
    assert [rule.message() for rule in rules if not rule.holds("short")] == [
        "Password must have at least 10 characters", "Password must have upper case letters",
        "Password must have numbers", "Password must have special characters"]
    assert all(rule.holds("Good-pass-12") for rule in rules)
    assert password_rules({}) == () and password_rules({"min_length": "8"}) == ()


def test_the_special_characters_are_cognitos():
    symbols = next(rule for rule in password_rules(POLICY) if "special" in rule.key)
    matched = {c for c in string.printable if symbols.holds(c)}
    assert matched == set(_SYMBOLS)


def test_javascript_reads_every_rule_as_python_does():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed for the page-side checks (the project's Makefile installs the JS tests' deps)")
    rules = [rule.pattern for rule in password_rules(POLICY)]
    script = ("const [rules, samples] = JSON.parse(process.argv[1]);"
              "console.log(JSON.stringify(samples.map(s => rules.map(r => new RegExp(r, 'u').test(s)))));")
    out = subprocess.run([node, "-e", script, json.dumps([rules, SAMPLES])], capture_output=True, text=True,
                         check=True, timeout=30).stdout
    python = [[rule.holds(sample) for rule in password_rules(POLICY)] for sample in SAMPLES]
    assert json.loads(out) == python
