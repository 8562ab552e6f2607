"""A trace reads as a table wherever it is shown: HTML in Jupyter, and IPython's text form (terminals,
nbclient, `amplify-nb demo --headless`), with secrets redacted down to not even their length."""

from __future__ import annotations

from IPython.lib.pretty import pretty

from amplify_nb.core.trace import Trace, TraceEntry, redact_value


def test_ipython_text_form_is_the_table_not_a_list_of_names():
    trace = Trace([TraceEntry("InitiateAuth", "ok", "PASSWORD_VERIFIER", {"AuthFlow": "USER_SRP_AUTH"},
                              {"SALT": "5a17"}),
                   TraceEntry("RespondToAuthChallenge", "NotAuthorizedException", "PASSWORD_VERIFIER",
                              {"PASSWORD_CLAIM_SIGNATURE": redact_value("c2lnbmF0dXJl")})])
    text = pretty(trace)
    lines = text.splitlines()
    assert lines[0].split()[:5] == ["#", "operation", "challenge", "outcome", "sent"]
    sent, received = lines[0].index("sent"), lines[0].index("received")
    assert lines[1].index("AuthFlow=USER_SRP_AUTH") == sent and lines[1].index("SALT=5a17") == received
    assert lines[2].startswith("2  RespondToAuthChallenge") and "NotAuthorizedException" in lines[2]
    assert "PASSWORD_CLAIM_SIGNATURE=<redacted>" in text and "c2lnbmF0dXJl" not in text
    assert pretty(Trace()) == "(no Cognito calls recorded)"


def test_redaction_does_not_tell_a_secrets_length():
    assert redact_value("Correct-horse-7") == redact_value("x") == "<redacted>"
