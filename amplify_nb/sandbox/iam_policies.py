"""The identity pool roles' IAM policies (Amplify Storage's access levels) and a small evaluator.

The evaluator is what makes the roles mean something in the sandbox: it covers what these policies
and policies like them use (Effect, Action/NotAction, Resource/NotResource with * and ? wildcards,
policy variables, Principal for trust policies, and the String*/Bool/Null condition operators with
ForAnyValue/ForAllValues and IfExists), and evaluates as IAM does: an explicit Deny wins, then an
Allow, else the request is implicitly denied. Anything it does not understand denies, never allows.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "SUB",
    "Context",
    "authenticated_storage_policy",
    "identity_trust_policy",
    "is_allowed",
    "parse",
    "unauthenticated_storage_policy",
]

SUB = "${cognito-identity.amazonaws.com:sub}"
Context = Mapping[str, "str | list[str]"]


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def authenticated_storage_policy(bucket: str) -> str:
    """Amplify Storage for a signed-in user: own private/ and protected/, all of public/, read protected/."""
    arn = f"arn:aws:s3:::{bucket}"
    return _doc(
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
         "Resource": [f"{arn}/public/*", f"{arn}/protected/{SUB}/*", f"{arn}/private/{SUB}/*"]},
        {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": [f"{arn}/uploads/*"]},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"{arn}/protected/*"]},
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [arn],
         "Condition": {"StringLike": {"s3:prefix": [
             "public/", "public/*", "protected/", "protected/*", f"private/{SUB}/", f"private/{SUB}/*"]}}},
    )


def unauthenticated_storage_policy(bucket: str) -> str:
    """Amplify Gen 1 Storage for a guest with read access: read public/ (S3GuestPublicPolicy) and everyone's
    protected/ (S3GuestReadPolicy, which also lists both); no writes, no private/."""
    arn = f"arn:aws:s3:::{bucket}"
    return _doc(
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"{arn}/public/*"]},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"{arn}/protected/*"]},
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [arn],
         "Condition": {"StringLike": {"s3:prefix": ["public/", "public/*", "protected/", "protected/*"]}}},
    )


def identity_trust_policy(identity_pool_id: str, amr: str, *, tag_session: bool = False) -> str:
    """Who may assume the role: Cognito Identity, for this pool, for (un)authenticated identities only
    (`tag_session`: and tag the session with principal tags, which attributes for access control need)."""
    return _doc({
        "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"] if tag_session
        else "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id},
                      "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr}},
    })


@functools.lru_cache(maxsize=512)
def parse(document: str) -> tuple[dict[str, Any], ...]:
    """The statements of a policy document (cached: the gate evaluates the same few on every request)."""
    try:
        statements = json.loads(document).get("Statement", [])
    except (ValueError, AttributeError):
        return ()
    if isinstance(statements, dict):
        statements = [statements]
    return tuple(s for s in statements if isinstance(s, dict))


def is_allowed(documents: Iterable[str], action: str, resource: str, context: Context,
               principal: tuple[str, str] | None = None) -> bool:
    """IAM's verdict for one action on one resource under all `documents` together."""
    keys = {k.lower(): v for k, v in context.items()}
    allowed = False
    for document in documents:
        for statement in parse(document):
            if not _applies(statement, action, resource, keys, principal):
                continue
            if statement.get("Effect") == "Deny":
                return False
            if statement.get("Effect") == "Allow":
                allowed = True
    return allowed


def _applies(statement: dict[str, Any], action: str, resource: str, keys: dict[str, Any],
             principal: tuple[str, str] | None) -> bool:
    if principal is not None and not _principal_matches(statement.get("Principal"), principal):
        return False
    if "Action" in statement:
        if not any(_like(p, action, True) for p in _list(statement["Action"])):
            return False
    elif "NotAction" in statement:
        if any(_like(p, action, True) for p in _list(statement["NotAction"])):
            return False
    else:
        return False
    if "NotResource" in statement:
        if any(_like(p, resource) for p in _substituted(statement["NotResource"], keys)):
            return False
    elif not any(_like(p, resource) for p in _substituted(statement.get("Resource", "*"), keys)):
        return False
    return _conditions_hold(statement.get("Condition") or {}, keys)


def _principal_matches(given: Any, principal: tuple[str, str]) -> bool:
    kind, name = principal
    if given == "*":
        return True
    if not isinstance(given, dict):
        return False
    return any(v in ("*", name) for v in _list(given.get(kind, [])))


def _conditions_hold(conditions: Any, keys: dict[str, Any]) -> bool:
    if not isinstance(conditions, dict):
        return False
    for operator, tests in conditions.items():
        if not isinstance(tests, dict):
            return False
        for key, wanted in tests.items():
            if not _condition(operator, keys.get(key.lower()), _substituted(wanted, keys)):
                return False
    return True


def _condition(operator: str, actual: Any, wanted: list[str]) -> bool:
    quantifier, _, op = operator.rpartition(":")
    if_exists = op.endswith("IfExists")
    op = op.removesuffix("IfExists")
    if op == "Null":
        return (actual is None) == (wanted[:1] == ["true"])
    if actual is None:
        # A missing key: a negated test holds, a positive one fails, "IfExists" makes it hold.
        return if_exists or op.startswith("StringNot") or quantifier == "ForAllValues"
    values = actual if isinstance(actual, list) else [actual]
    matches = _operator(op)
    if matches is None:
        return False
    if "Like" not in op:  # only *Like operators treat * and ? as wildcards
        wanted = [w.replace("\0star", "*").replace("\0qm", "?") for w in wanted]
    results = [matches(str(v), wanted) for v in values]
    if quantifier == "ForAllValues":
        return all(results)
    return any(results)


def _operator(op: str):
    positive = {
        "StringEquals": lambda v, w: v in w,
        "StringEqualsIgnoreCase": lambda v, w: v.lower() in {x.lower() for x in w},
        "StringLike": lambda v, w: any(_like(p, v) for p in w),
        "Bool": lambda v, w: v.lower() in {x.lower() for x in w},
        "ArnEquals": lambda v, w: v in w,
        "ArnLike": lambda v, w: any(_like(p, v) for p in w),
    }
    if op in positive:
        return positive[op]
    negated = op.replace("Not", "", 1)
    if op.startswith(("StringNot", "ArnNot")) and negated in positive:
        return lambda v, w: not positive[negated](v, w)
    return None


_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def _substituted(values: Any, keys: dict[str, Any]) -> list[str]:
    """Policy variables replaced; a pattern naming an unknown variable matches nothing, as in IAM."""
    out = []
    for value in _list(values):
        missing = False

        def replace(match: re.Match[str]) -> str:
            nonlocal missing
            name = match.group(1)
            if name in ("*", "?", "$"):
                return {"*": "\0star", "?": "\0qm", "$": "$"}[name]  # literal, not a wildcard
            found = keys.get(name.lower())
            if not isinstance(found, str):
                missing = True
                return ""
            return found.replace("*", "\0star").replace("?", "\0qm")

        replaced = _VARIABLE.sub(replace, value)
        if not missing:
            out.append(replaced)
    return out


def _like(pattern: str, value: str, ignore_case: bool = False) -> bool:
    return _compiled(pattern, ignore_case).fullmatch(value) is not None


@functools.lru_cache(maxsize=4096)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = []
    for char in re.split(r"(\0star|\0qm|\*|\?)", pattern):
        parts.append({"*": ".*", "?": ".", "\0star": re.escape("*"), "\0qm": re.escape("?")}.get(char)
                     or re.escape(char))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
