"""The sandbox's user index (issue 13): lookups by a sign-in value follow every change of a user's
attributes, removal and replacement, so an indexed lookup answers what a scan of every user would."""

from __future__ import annotations

from amplify_nb.sandbox.models import User, UserPool


def pool_with(*users: User) -> UserPool:
    pool = UserPool(pool_id="us-east-1_Index1", name="p", region="us-east-1", username_attributes=("email",),
                    alias_attributes=("preferred_username",))
    for user in users:
        pool.users[user.username] = user
    return pool


def user(name: str, email: str) -> User:
    return User(username=name, sub=f"sub-{name}", attributes={"email": email, "sub": f"sub-{name}"})


def test_lookups_follow_attribute_changes_in_place():
    ada = user("u-ada", "ada@example.com")
    pool = pool_with(ada, user("u-bob", "bob@example.com"))
    assert pool.find_user("ADA@example.com") is ada and pool.find_user("sub-u-ada") is ada
    ada.attributes["email"] = "countess@example.com"  # UpdateUserAttributes changes the dict in place
    assert pool.find_user("ada@example.com") is None and pool.find_user("countess@example.com") is ada
    ada.attributes.update(preferred_username="lovelace")
    assert pool.find_user("lovelace") is None  # an alias counts only once verified
    ada.attributes["preferred_username_verified"] = "true"
    assert pool.find_user("Lovelace") is ada
    ada.attributes.pop("preferred_username")
    assert pool.find_user("lovelace") is None


def test_lookups_follow_removal_and_replacement():
    pool = pool_with(user("u-ada", "ada@example.com"))
    del pool.users["u-ada"]
    assert pool.find_user("ada@example.com") is None and pool.users.candidates("ada@example.com") == []
    again = user("u-ada2", "ada@example.com")
    pool.users[again.username] = again
    assert pool.find_user("ada@example.com") is again
    replaced = user("u-ada2", "new@example.com")
    pool.users[replaced.username] = replaced  # the same username, another user object
    assert pool.find_user("ada@example.com") is None and pool.find_user("new@example.com") is replaced
    again.attributes["email"] = "ghost@example.com"  # the replaced object no longer speaks for the pool
    assert pool.find_user("ghost@example.com") is None
