"""aws-exports.js as data: literals read, expressions skipped with a warning naming key and line (the rest of
the file still loads), and a skipped key the configuration needs refused by name."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from amplify_nb.config import ConfigurationWarning, SkippedValue, load_config, parse_aws_exports
from amplify_nb.errors import ConfigurationError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "config"


def quietly(text: str) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfigurationWarning)
        return parse_aws_exports(text)


def test_an_expression_among_literals_is_skipped_with_a_warning_and_the_rest_loads(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    path = FIXTURES / "aws-exports.expression.js"
    with pytest.warns(ConfigurationWarning) as caught:
        config = load_config(path)
    messages = [str(warning.message) for warning in caught]
    assert len(messages) == 3 and all(message.startswith(f"{path} line ") for message in messages)
    assert "line 12: oauth.redirectSignIn is an expression" in messages[0]
    assert "process.env.NODE_ENV === 'production'" in messages[0]
    assert "line 15: oauth.redirectSignOut" in messages[1] and "line 19: aws_user_files_s3_bucket" in messages[2]
    assert config.oauth is not None and config.oauth.domain == "expr-notes.auth.us-east-1.amazoncognito.com"
    assert config.oauth.redirect_sign_in == () and config.oauth.scopes == ("email", "openid")
    assert config.storage_bucket is None and config.username_attributes == ("email",)
    assert config.skipped == ("oauth.redirectSignIn (line 12)", "oauth.redirectSignOut (line 15)",
                              "aws_user_files_s3_bucket (line 19)")


def test_a_required_key_given_as_an_expression_is_refused_by_name_and_line(tmp_path):
    path = tmp_path / "aws-exports.js"
    path.write_text("const awsmobile = {\n  aws_project_region: 'us-east-1',\n"
                    "  aws_user_pools_id: process.env.USER_POOL_ID,\n  aws_user_pools_web_client_id: 'abc123',\n};\n")
    with pytest.warns(ConfigurationWarning, match="line 3: aws_user_pools_id"), \
            pytest.raises(ConfigurationError) as info:
        load_config(path)
    assert info.value.key == "aws_user_pools_id" and info.value.source == str(path)
    assert "line 3: process.env.USER_POOL_ID" in str(info.value) and "user pool id" in str(info.value)


def test_literals_javascript_allows_are_read():
    text = """import { Amplify } from 'aws-amplify';
    Amplify.configure({
      name: `plain template`, count: 0x1F, ratio: .5, offset: -3, big: 1e3,
      'quoted': "with \\"escapes\\" and \\u00e9", none: null, gone: undefined, on: true,
      nested: {list: [1, 'two', {three: 3},], empty: {}},  // comment
      /* block */ last: 'x',
    });"""
    assert quietly(text) == {"name": "plain template", "count": 31, "ratio": 0.5, "offset": -3, "big": 1000.0,
                             "quoted": 'with "escapes" and \u00e9', "none": None, "gone": None, "on": True,
                             "nested": {"list": [1, "two", {"three": 3}], "empty": {}}, "last": "x"}


@pytest.mark.parametrize(("member", "key", "expression"), [
    ("region: getRegion('us'),", "region", "getRegion('us')"),
    ("region,", "region", "region"),
    ("list: ['a', other],", "list[1]", "other"),
    ("method() { return 1; },", "method", "method() { return 1; }"),
    ("url: `https://${host}/`,", "url", "`https://${host}/`"),
    ("both: {a: 1} || fallback,", "both", "{a: 1} || fallback"),
    ("fn: () => { return {a: 1, b: 2}; },", "fn", "() => { return {a: 1, b: 2}; }"),
])
def test_each_kind_of_expression_is_skipped_alone(member, key, expression):
    with pytest.warns(ConfigurationWarning, match=r"line 1: .* is an expression"):
        data = parse_aws_exports(f"export default {{ before: 1, {member} after: 2 }};")
    assert data["before"] == 1 and data["after"] == 2
    found = data[key] if key in data else data[key.split("[")[0]][1]
    assert found == SkippedValue(expression, 1)


@pytest.mark.parametrize(("member", "label"), [("...shared,", "(spread)"), ("[dynamic]: 1,", "(computed key)")])
def test_a_member_without_a_key_is_skipped_with_a_warning(member, label):
    with pytest.warns(ConfigurationWarning, match=re.escape(f"line 1: {label} is an expression")):
        data = parse_aws_exports(f"export default {{ before: 1, {member} after: 2 }};")
    assert data == {"before": 1, "after": 2}


def test_a_nested_expression_inside_a_skipped_one_is_announced_once():
    with pytest.warns(ConfigurationWarning) as caught:
        parse_aws_exports("module.exports = { cfg: Object.freeze({ a: x }) };")
    [warning] = caught
    assert "line 1: cfg is an expression, not a literal (Object.freeze({ a: x }))" in str(warning.message)


@pytest.mark.parametrize(("text", "message"), [
    ("const awsmobile = {\n  a: 'x'\n  b: 'y',\n};\n", "line 3: expected ',' or '}', found 'b'"),
    ("const awsmobile = {\n  a: ,\n};\n", "line 2: expected a value"),
    ("export default {\n  a: [1, 2\n", "not closed"),
    ("import { Amplify } from 'aws-amplify';\nAmplify.configure(config);\n", "No object literal"),
])
def test_what_is_not_an_object_literal_is_refused_with_its_line(text, message):
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")):
        quietly(text)
