"""Accounts without the right: a group admin of another group, an end user, a tenant admin of another
tenant get a clear permission failure, and nothing of theirs changes; what they may manage still works."""

from tools.simlog import writes

KEYS = [{"id": 6, "type": "DND_TOGGLE", "label": "dnd"}]
FOOUSER = {"tenant": "foo", "group": "foogroup", "user": "foouser"}
DENIED = "GET phone buttons failed: HTTP 403: permission denied"


def as_account(name, module, options, fails=True):
    return {"name": name, "ignore_errors": fails, "telephony.apio.%s" % module: dict(
        options, username=name.split(" ")[0], password=name.split(" ")[0] + "-pass")}


def keys_of(sim, tenant, group, user):
    return sim.user(tenant, group, user)["device"]["keys"]


def test_accounts_without_the_right_are_refused_and_nothing_changes(run_tasks, sim):
    refused = [("foo", "foogroup", "foouser"), ("foo", "foogroup", "alice@sip.example.com"),
               ("bar", "bargroup", "dave@sip.example.com")]
    before = {u: keys_of(sim, *u) for u in refused}
    carol = keys_of(sim, "foo", "othergroup", "carol@sip.example.com")
    batch = {"tenant": "foo", "keys": KEYS, "batch": [
        {"group": "othergroup", "user": "carol@sip.example.com"},
        {"group": "foogroup", "user": "foouser"},
        {"group": "foogroup", "user": "alice@sip.example.com"}]}
    tasks = [
        as_account("otheradmin buttons", "apio_phone_buttons", dict(FOOUSER, keys=KEYS)),
        as_account("otheradmin purge", "apio_phone_buttons", dict(FOOUSER, keys=[], purge=True)),
        as_account("otheradmin primary", "apio_primary_line", dict(FOOUSER, primary=True)),
        as_account("otheradmin info", "apio_phone_buttons_info", FOOUSER),
        # A user it may manage next to two it may not: by default nothing is written at all...
        as_account("otheradmin batch", "apio_phone_buttons", batch),
        # ...and with on_invalid=skip its own user is written.
        as_account("otheradmin batch skip", "apio_phone_buttons", dict(batch, on_invalid="skip")),
        as_account("enduser buttons", "apio_phone_buttons", dict(FOOUSER, keys=KEYS)),
        as_account("enduser primary", "apio_primary_line", dict(FOOUSER, primary=True)),
        as_account("tenantadmin other tenant", "apio_phone_buttons", {
            "tenant": "bar", "group": "bargroup", "user": "dave@sip.example.com", "keys": KEYS}),
        # What the accounts may manage still works (the control).
        as_account("tenantadmin own tenant", "apio_phone_buttons", {
            "tenant": "foo", "group": "foogroup", "user": "bob+1@sip.example.com", "keys": KEYS}, fails=False),
    ]
    run = run_tasks(tasks, apio={})
    assert run.rc == 0, run.output[-3000:]

    for name in ("otheradmin buttons", "otheradmin purge", "otheradmin info", "enduser buttons"):
        assert run.status(name) == "failed"
        assert run.result(name)["msg"] == "user foouser (foo/foogroup): " + DENIED
    for name in ("otheradmin primary", "enduser primary"):
        assert run.result(name)["msg"] == ("user foouser (foo/foogroup): GET primary line port failed: HTTP 403: "
                                           "permission denied")
    assert run.result("tenantadmin other tenant")["msg"] == "user dave@sip.example.com (bar/bargroup): " + DENIED

    denied = {"foouser": "user foouser (foo/foogroup): " + DENIED,
              "alice@sip.example.com": "user alice@sip.example.com (foo/foogroup): " + DENIED}
    batch = run.result("otheradmin batch")
    assert run.status("otheradmin batch") == "failed"
    assert batch["changed"] is False
    assert batch["counts"] == {"total": 3, "changed": 0, "unchanged": 0, "failed": 2, "not_written": 1}
    assert batch["msg"] == ("nothing was written: 2 of 3 users not valid, 1 user that differs held back: "
                            + "; ".join(denied.values()))
    assert {r["user"]: r["msg"] for r in batch["results"] if r["failed"]} == denied
    assert {r["user"]: (r["status"], r["invalid"]) for r in batch["results"] if r["failed"]} == {
        "foouser": (403, True), "alice@sip.example.com": (403, True)}
    assert [(r["user"], r["changed"], r["blocked"], r["msg"]) for r in batch["results"] if not r["failed"]] == [
        ("carol@sip.example.com", False, True, "user carol@sip.example.com (foo/othergroup): not written (another user "
                                               "is not valid): key 6 added: DND_TOGGLE 'dnd'")]
    skipped = run.result("otheradmin batch skip")
    assert run.status("otheradmin batch skip") == "failed"
    assert skipped["counts"] == {"total": 3, "changed": 1, "unchanged": 0, "failed": 2}
    assert skipped["msg"] == "2 of 3 users failed (1 changed, 0 unchanged): " + "; ".join(denied.values())
    assert {r["user"]: r["msg"] for r in skipped["results"] if r["failed"]} == denied
    assert keys_of(sim, "foo", "othergroup", "carol@sip.example.com") == carol + [
        {"id": 6, "type": "DND_TOGGLE", "label": "dnd", "parameter": ""}]
    assert run.status("tenantadmin own tenant") == "ok" and run.result("tenantadmin own tenant")["changed"]

    # Nothing changed for the refused users; the only writes are the two allowed ones (carol's by the
    # on_invalid=skip batch only).
    assert {u: keys_of(sim, *u) for u in before} == before
    assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is False
    assert sorted(w["path"].split("/")[8] for w in writes(sim.requests())) == [
        "bob%2B1%40sip.example.com", "carol%40sip.example.com"]


def test_check_mode_is_refused_as_well(run_tasks, sim):
    run = run_tasks([as_account("otheradmin buttons", "apio_phone_buttons", dict(FOOUSER, keys=KEYS))], check=True,
                    apio={})
    assert run.status("otheradmin buttons") == "failed"
    assert run.result()["msg"] == "user foouser (foo/foogroup): " + DENIED
    assert writes(sim.requests()) == []
