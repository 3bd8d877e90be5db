"""The inventory plugin telephony.apio.users in-process, against a fake platform behind the scripted server.

The plugin is built as ansible's plugin loader builds it (its documented options, with the fragments
merged, registered with ansible's configuration) and ``parse`` runs on an ``InventoryData``, so that
options, environment variables, defaults and the constructed and cache features are ansible's own.
"""

import json
import re
import threading
import time

import pytest
import yaml
from ansible import constants as C
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.doc_fragments.constructed import ModuleDocFragment as ConstructedFragment
from ansible.plugins.doc_fragments.inventory_cache import ModuleDocFragment as CacheFragment
from ansible.utils.display import Display
from ansible.utils.plugin_docs import merge_fragment
from ansible_collections.telephony.apio.plugins.doc_fragments.connection import ModuleDocFragment as ConnectionFragment
from ansible_collections.telephony.apio.plugins.inventory import users as users_plugin
from ansible_collections.telephony.apio.plugins.module_utils import listing

from support.fake_server import reply
from .fakes import HDV230, FakeApio, segments

NAME = "telephony.apio.users"
YEALINK = "Yealink-T46S"


class FakePlatform(FakeApio):
    """FakeApio with the listing routes (docs/api.md, 2.6): tenants -> groups -> user records."""

    def __init__(self):
        super(FakePlatform, self).__init__()
        self.tenants = {}
        self.errors = {}  # raw path -> (status, body)
        self.delay = 0.0  # seconds each phone buttons GET takes
        self.in_flight = 0
        self.most_in_flight = 0
        self.connections = set()  # the server thread of each request: one per keep-alive connection
        self._lock = threading.Lock()

    def user(self, user, tenant="foo", group="foogroup", device_type=HDV230, first="First", last="Last",
             extension="1000", number="+3225550000"):
        """A listed user; ``device_type=None``: without a phone."""
        self.tenants.setdefault(tenant, {}).setdefault(group, []).append(
            {"userId": user, "firstName": first, "lastName": last, "extension": extension, "phoneNumber": number})
        if device_type:
            self.add(user, tenant=tenant, group=group, device_type=device_type)
        else:
            self.no_phone.add(user)

    def __call__(self, req):
        with self._lock:
            self.connections.add(threading.get_ident())
        if req.path in self.errors:
            return reply(*self.errors[req.path])
        parts = segments(req.path)
        if req.method == "GET" and parts[:3] == ["api", "v1", "tenants"] and req.token in ("tok", "acc"):
            rest = parts[3:]
            if rest == []:
                return reply(200, {"tenants": [{"tenantId": t, "name": t.title(), "type": "Enterprise"}
                                               for t in self.tenants]})
            tenant = self.tenants.get(rest[0])
            if len(rest) in (2, 4) and tenant is None:
                return reply(404, {"errors": [{"message": "tenant not found"}]})
            if len(rest) == 2 and rest[1] == "groups":
                return reply(200, {"groups": [{"groupId": g, "groupName": g.title(), "tenantId": rest[0]}
                                              for g in tenant]})
            if len(rest) == 4 and rest[1] == "groups" and rest[3] == "users":
                if rest[2] not in tenant:
                    return reply(404, {"errors": [{"message": "group not found"}]})
                return reply(200, {"users": tenant[rest[2]]})
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.delay and req.path.endswith("/phone_buttons/"):
                time.sleep(self.delay)
            return super(FakePlatform, self).__call__(req)
        finally:
            with self._lock:
                self.in_flight -= 1


@pytest.fixture(scope="module")
def plugin_options():
    """The plugin's options as the plugin loader registers them: its DOCUMENTATION with the fragments."""
    doc = yaml.safe_load(users_plugin.DOCUMENTATION)
    for fragment in (ConstructedFragment.DOCUMENTATION, CacheFragment.DOCUMENTATION, ConnectionFragment.DOCUMENTATION):
        merge_fragment(doc["options"], yaml.safe_load(fragment)["options"])
    C.config.initialize_plugin_configuration_definitions("inventory", NAME, doc["options"])
    return doc["options"]


@pytest.fixture
def platform(server):
    fake = FakePlatform()
    server.handler = fake
    fake.user("foouser", first="Giulio", last="Rossi", extension="1000", number="+3225551000")
    fake.user("alice@sip.example.com", device_type=YEALINK, first="Alice", last="Martin", extension="1003")
    fake.user("nophone", device_type=None, first="Nora", last="Phoneless", extension="1001")
    fake.user("carol@sip.example.com", group="othergroup", first="Carol", last="Other", extension="2001")
    fake.user("dave@sip.example.com", tenant="bar", group="bargroup", device_type=YEALINK, first="Dave", last="Bar",
              extension="3001")
    return fake


@pytest.fixture(autouse=True)
def no_apio_environment(monkeypatch):
    for name in ("APIO_URL", "APIO_TOKEN", "APIO_USERNAME", "APIO_PASSWORD", "APIO_API_PREFIX", "APIO_TIMEOUT",
                 "APIO_RETRIES", "APIO_VALIDATE_CERTS", "APIO_CA_PATH", "ANSIBLE_INVENTORY_CACHE",
                 "ANSIBLE_CACHE_PLUGIN", "ANSIBLE_INVENTORY_CACHE_PLUGIN", "ANSIBLE_CACHE_PLUGIN_CONNECTION",
                 "ANSIBLE_INVENTORY_CACHE_CONNECTION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def inventory(plugin_options, server, tmp_path):
    """``inventory(**config)``: parse a config file with the fake's URL and token; returns a Result."""

    def run(file_name="test.apio_users.yml", flush_cache=False, connection=True, **config):
        config = dict(config, plugin=NAME)
        if connection:
            config.setdefault("url", server.url)
            if "username" not in config:
                config.setdefault("token", "tok")
            config.setdefault("retries", 0)
        path = tmp_path / file_name
        path.write_text(yaml.safe_dump(config))
        plugin = make_plugin()
        assert plugin.verify_file(str(path))
        data = InventoryData()
        plugin.parse(data, DataLoader(), str(path), cache=not flush_cache)  # ansible-inventory --flush-cache
        if getattr(plugin, "_cache", None) is not None:
            plugin.update_cache_if_changed()  # as ansible's InventoryManager does after parse
        return Result(data)

    return run


def make_plugin():
    """A plugin object with what ansible's plugin loader sets on it."""
    plugin = users_plugin.InventoryModule()
    plugin._load_name = NAME
    plugin._redirected_names = [NAME]
    plugin._original_path = users_plugin.__file__
    plugin.ansible_name = NAME
    plugin.ansible_aliases = [NAME]
    return plugin


class Result:
    def __init__(self, data):
        self.data = data

    @property
    def hosts(self):
        return sorted(self.data.hosts)

    def vars(self, host):
        """The host's variables, without the inventory_file and inventory_dir that ansible adds."""
        return {k: v for k, v in self.data.get_host(host).vars.items() if k not in ("inventory_file", "inventory_dir")}

    def members(self, group):
        """The hosts directly in ``group``."""
        return sorted(h.name for h in self.data.groups[group].hosts)

    def children(self, group):
        return sorted(g.name for g in self.data.groups[group].child_groups)

    def all_hosts(self, group):
        """The hosts of ``group`` and of its children, as a host pattern selects them."""
        return sorted(h.name for h in self.data.groups[group].get_hosts())

    @property
    def groups(self):
        return sorted(self.data.groups)


def listing_requests(server):
    return [path for method, path in server.sent() if not path.endswith("/phone_buttons/")]


# -- hosts, variables, groups --------------------------------------------------------------------------

def test_one_host_per_user_with_its_variables(inventory, platform, server):
    result = inventory()
    assert result.hosts == ["alice@sip.example.com", "carol@sip.example.com", "dave@sip.example.com", "foouser",
                            "nophone"]
    assert result.vars("foouser") == {
        "ansible_connection": "local", "apio_tenant": "foo", "apio_group": "foogroup", "apio_user": "foouser",
        "apio_first_name": "Giulio", "apio_last_name": "Rossi", "apio_extension": "1000",
        "apio_phone_number": "+3225551000"}
    assert result.vars("dave@sip.example.com")["apio_tenant"] == "bar"
    # The listing only: tenants, each tenant's groups, each group's users; no phone read.
    assert listing_requests(server) == [
        "/api/v1/tenants/", "/api/v1/tenants/bar/groups/", "/api/v1/tenants/bar/groups/bargroup/users/",
        "/api/v1/tenants/foo/groups/", "/api/v1/tenants/foo/groups/foogroup/users/",
        "/api/v1/tenants/foo/groups/othergroup/users/"]
    assert server.sent() == [("GET", path) for path in listing_requests(server)]


def test_groups_are_those_of_the_gitops_example(inventory, platform):
    """apio_users > tenant > tenant_group, as examples/gitops/inventory/hosts.yml lays them out."""
    result = inventory()
    assert result.children("apio_users") == ["bar", "foo"]
    assert result.children("foo") == ["foo_foogroup", "foo_othergroup"]
    assert result.children("bar") == ["bar_bargroup"]
    assert result.members("foo_foogroup") == ["alice@sip.example.com", "foouser", "nophone"]
    assert result.members("foo_othergroup") == ["carol@sip.example.com"]
    assert result.members("foo") == [] and result.members("apio_users") == []
    assert result.all_hosts("foo") == ["alice@sip.example.com", "carol@sip.example.com", "foouser", "nophone"]
    assert result.all_hosts("apio_users") == result.hosts
    gitops = yaml.safe_load(open(users_plugin.__file__.rsplit("/plugins/", 1)[0]
                                 + "/examples/gitops/inventory/hosts.yml"))["apio_users"]
    assert sorted(gitops["children"]) == result.children("apio_users")
    for tenant, body in gitops["children"].items():
        assert sorted(body["children"]) == result.children(tenant)


def test_group_names_are_made_safe_and_never_shared(inventory, server):
    fake = FakePlatform()
    server.handler = fake
    fake.user("u1", tenant="acme-corp", group="sales.eu")
    fake.user("u2", tenant="9lives", group="g")
    result = inventory()
    assert result.children("apio_users") == ["_lives", "acme_corp"]
    assert result.members("acme_corp_sales_eu") == ["u1"]
    assert result.members("_lives_g") == ["u2"]
    assert result.vars("u1")["apio_tenant"] == "acme-corp"  # the variables keep the real ids

    fake.user("u3", tenant="acme_corp", group="other")
    with pytest.raises(AnsibleParserError) as failed:
        inventory()
    assert "the group name 'acme_corp' would be both that of tenant 'acme-corp' and that of tenant 'acme_corp'" \
        in str(failed.value)


def test_a_group_name_that_joins_two_places_is_an_error(inventory, server):
    fake = FakePlatform()
    server.handler = fake
    fake.user("u1", tenant="a_b", group="c")
    fake.user("u2", tenant="a", group="b_c")
    with pytest.raises(AnsibleParserError) as failed:
        inventory()
    assert ("the group name 'a_b_c' would be both that of tenant 'a', group 'b_c' and that of tenant 'a_b', "
            "group 'c'") in str(failed.value)


def test_a_user_listed_twice_is_an_error_naming_both_places(inventory, platform):
    platform.user("alice@sip.example.com", tenant="bar", group="bargroup")
    with pytest.raises(AnsibleParserError) as failed:
        inventory()
    assert str(failed.value) == (
        "telephony.apio.users: user 'alice@sip.example.com' is listed in tenant 'bar', group 'bargroup' and in "
        "tenant 'foo', group 'foogroup'; a user id must be unique on the platform (it is the host name)")


def test_values_from_the_api_are_never_templated(inventory, platform):
    platform.user("eve", first="{{ lookup('pipe', 'id') }}")
    value = inventory().vars("eve")["apio_first_name"]
    assert value == "{{ lookup('pipe', 'id') }}"
    try:
        from ansible.template import is_trusted_as_template
    except ImportError:  # ansible-core < 2.19: marked unsafe
        from ansible.utils.unsafe_proxy import AnsibleUnsafe

        assert isinstance(value, AnsibleUnsafe)
    else:
        assert not is_trusted_as_template(value)


# -- phone details ---------------------------------------------------------------------------------------

def test_phone_details_one_get_per_user(inventory, platform, server):
    result = inventory(phone_details=True)
    assert result.vars("foouser")["apio_device_type"] == HDV230
    assert result.vars("foouser")["apio_device_name"] == "DP_foouser"
    assert result.vars("alice@sip.example.com")["apio_device_type"] == YEALINK
    assert result.vars("nophone")["apio_device_type"] is None
    assert result.vars("nophone")["apio_device_name"] is None
    gets = sorted(path for method, path in server.sent() if path.endswith("/phone_buttons/"))
    assert gets == sorted("/api/v1/tenants/%s/groups/%s/users/%s/access_device/phone_buttons/" % where for where in (
        ("foo", "foogroup", "foouser"), ("foo", "foogroup", "alice%40sip.example.com"),
        ("foo", "foogroup", "nophone"), ("foo", "othergroup", "carol%40sip.example.com"),
        ("bar", "bargroup", "dave%40sip.example.com")))


def test_phone_details_with_the_operator_segment(inventory, platform, server):
    result = inventory(phone_details=True, operator="telenet", tenants=["bar"])
    assert result.vars("dave@sip.example.com")["apio_device_type"] == YEALINK
    assert server.sent()[-1] == (
        "GET", "/api/v1/telenet/tenants/bar/groups/bargroup/users/dave%40sip.example.com/access_device/phone_buttons/")


def test_phone_details_in_parallel_on_one_session(inventory, server):
    fake = FakePlatform()
    server.handler = fake
    for i in range(40):
        fake.user("user%02d" % i)
    fake.delay = 0.05
    started = time.monotonic()
    result = inventory(phone_details=True, parallel=4, username="admin", password="pw")
    took = time.monotonic() - started
    assert len(result.hosts) == 40
    assert fake.most_in_flight == 4
    assert took < 40 * 0.05 * 0.8  # 40 GETs of 50 ms: 2 s one at a time, 0.5 s four at once
    # One login, and keep-alive connections: at most one per request in flight, not one per user.
    assert server.sent("POST") == [("POST", "/api/v01/auth/login")]
    assert len(fake.connections) <= 4 + 1  # + the listing's, which may be one of them


def test_keyed_groups_by_phone_type_compose_and_conditional_groups(inventory, platform):
    result = inventory(
        phone_details=True,
        # default('none', true) rather than default_value: before ansible-core 2.19, default_value replaced only ''.
        keyed_groups=[{"key": "apio_device_type | default('none', true)", "prefix": "phone"},
                      {"key": "apio_tenant", "prefix": "tenant"}],
        groups={"no_phone": "apio_device_type is none", "reception": "apio_extension == '1000'"},
        compose={"display_name": "apio_first_name ~ ' ' ~ apio_last_name", "host_is": "inventory_hostname"})
    assert result.members("phone_Telenet_Panasonic_KX_HDV230") == ["carol@sip.example.com", "foouser"]
    assert result.members("phone_Yealink_T46S") == ["alice@sip.example.com", "dave@sip.example.com"]
    assert result.members("phone_none") == ["nophone"]
    assert result.members("no_phone") == ["nophone"]
    assert result.members("tenant_bar") == ["dave@sip.example.com"]
    assert result.members("reception") == ["foouser"]
    assert result.vars("foouser")["display_name"] == "Giulio Rossi"
    assert result.vars("foouser")["host_is"] == "foouser"


def test_strict_reports_a_bad_expression(inventory, platform):
    assert "x" not in inventory(compose={"x": "no_such_var + 1"}).vars("foouser")
    with pytest.raises(Exception, match="Could not set x for host"):
        inventory(compose={"x": "no_such_var + 1"}, strict=True)


def test_a_failed_phone_read_fails_the_source_naming_the_user(inventory, platform):
    platform.errors["/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/"] = (
        403, {"errors": [{"message": "permission denied"}]})
    with pytest.raises(AnsibleParserError) as failed:
        inventory(phone_details=True)
    # Read as the export reads it (listing.read_or_none), named as the export names it.
    assert str(failed.value) == ("telephony.apio.users: GET phone buttons failed: HTTP 403: user foouser (foo/foogroup): "
                                 "permission denied")


# -- filters -----------------------------------------------------------------------------------------------

def test_tenants_filter_lists_only_those_tenants(inventory, platform, server):
    result = inventory(tenants=["bar"])
    assert result.hosts == ["dave@sip.example.com"]
    assert listing_requests(server) == ["/api/v1/tenants/bar/groups/", "/api/v1/tenants/bar/groups/bargroup/users/"]


def test_group_id_filter_matches_in_every_tenant(inventory, platform, server):
    platform.user("zed", tenant="bar", group="othergroup")
    result = inventory(apio_groups=["othergroup"])
    assert result.hosts == ["carol@sip.example.com", "zed"]
    assert result.children("apio_users") == ["bar", "foo"]
    assert "/api/v1/tenants/foo/groups/foogroup/users/" not in listing_requests(server)


def test_tenant_group_pairs_list_nothing_else(inventory, platform, server):
    result = inventory(apio_groups=["foo/othergroup", "bar/bargroup"])
    assert result.hosts == ["carol@sip.example.com", "dave@sip.example.com"]
    assert listing_requests(server) == ["/api/v1/tenants/bar/groups/bargroup/users/",
                                        "/api/v1/tenants/foo/groups/othergroup/users/"]


def test_group_ids_and_pairs_together(inventory, platform):
    result = inventory(tenants=["foo", "bar"], apio_groups=["bargroup", "foo/othergroup"])
    assert result.hosts == ["carol@sip.example.com", "dave@sip.example.com"]


@pytest.mark.parametrize("config, message", [
    (dict(apio_groups=["nogroup"]), "group filter entries nogroup match no group of the tenants bar, foo"),
    (dict(tenants=["foo"], apio_groups=["bar/bargroup"]),
     "group filter entries bar/bargroup name a tenant that is not in the tenants filter (foo)"),
    (dict(apio_groups=["foo/"]), "group filter entry 'foo/': expected GROUP or TENANT/GROUP"),
    (dict(tenants=["nope"]), "GET groups of tenant 'nope' failed: HTTP 404: tenant not found"),
    (dict(apio_groups=["foo/nogroup"]),
     "GET users of tenant 'foo', group 'nogroup' failed: HTTP 404: group not found"),
], ids=["unknown group id", "pair outside tenants", "malformed", "unknown tenant", "unknown pair"])
def test_a_filter_that_cannot_match_is_an_error(inventory, platform, config, message):
    with pytest.raises(AnsibleParserError) as failed:
        inventory(**config)
    assert str(failed.value) == "telephony.apio.users: " + message


def test_an_api_error_names_what_was_listed(inventory, platform):
    platform.errors["/api/v1/tenants/foo/groups/othergroup/users/"] = (
        403, {"errors": [{"message": "permission denied"}]})
    with pytest.raises(AnsibleParserError) as failed:
        inventory()
    assert str(failed.value) == ("telephony.apio.users: GET users of tenant 'foo', group 'othergroup' failed: "
                                 "HTTP 403: permission denied")


def test_an_unexpected_answer_is_an_error(inventory, platform):
    platform.errors["/api/v1/tenants/"] = (200, {"tenant": []})
    with pytest.raises(AnsibleParserError, match=r"GET list of tenants failed: unexpected answer, no 'tenants' list"):
        inventory()


# -- options, environment, secrets ------------------------------------------------------------------------

def test_connection_from_the_environment(inventory, platform, server, monkeypatch):
    monkeypatch.setenv("APIO_URL", server.url)
    monkeypatch.setenv("APIO_USERNAME", "admin")
    monkeypatch.setenv("APIO_PASSWORD", "pw")
    monkeypatch.setenv("APIO_RETRIES", "0")
    result = inventory(connection=False)
    assert len(result.hosts) == 5
    assert server.sent()[0] == ("POST", "/api/v01/auth/login")
    assert server.requests[0].json == {"username": "admin", "password": "pw"}


@pytest.mark.parametrize("config, message", [
    (dict(url="ftp://x", token="tok-1"), "url must be an http:// or https:// URL, got 'ftp://x'"),
    (dict(url="http://x", token="tok-1", parallel=0), "parallel must be between 1 and 64, got 0"),
    (dict(url="http://x", token="tok-1", timeout=0), "retries must be 0 or more and timeout more than 0"),
    (dict(url="http://x", username="admin"), "parameters are required together: username, password"),
    (dict(url="http://x"), "one of the following is required: token, username"),
])
def test_options_are_checked_as_the_modules_check_them(inventory, config, message):
    with pytest.raises(AnsibleParserError) as failed:
        inventory(connection=False, **config)
    assert str(failed.value).startswith("telephony.apio.users: " + message)


def test_a_secret_is_never_in_an_error_or_the_output(inventory, server, capsys):
    """The API echoing the password or the token back: masked as a module's no_log values are, at -vvvv."""
    password, token = "pw-Secret-4711", "tok-Secret-0815"

    def echo(req):
        secret = req.json["password"] if req.path == "/api/v01/auth/login" else req.token
        return reply(401, {"error": "refused %s" % secret})

    server.handler = echo
    display = Display()
    verbosity, display.verbosity = display.verbosity, 4
    try:
        with pytest.raises(AnsibleParserError) as by_password:
            inventory(username="admin", password=password)
        with pytest.raises(AnsibleParserError) as by_token:
            inventory(token=token)
    finally:
        display.verbosity = verbosity
    assert str(by_password.value) == ("telephony.apio.users: POST APIO login failed: HTTP 401: refused ******** "
                                      "(as user 'admin')")
    assert str(by_token.value) == ("telephony.apio.users: APIO authentication failed: HTTP 401: the APIO token was "
                                   "refused (expired, revoked or unknown)")
    for failure in (by_password.value, by_token.value):
        assert failure.__cause__ is None and failure.__suppress_context__  # no unmasked original in a traceback
    output = capsys.readouterr()
    assert password not in output.out + output.err and token not in output.out + output.err


def test_a_token_echoed_in_a_listing_error_is_masked(inventory, platform):
    platform.errors["/api/v1/tenants/"] = (500, {"errors": [{"message": "bad token tok-Secret-0815"}]})
    with pytest.raises(AnsibleParserError) as failed:
        inventory(token="tok-Secret-0815")
    assert str(failed.value) == "telephony.apio.users: GET list of tenants failed: HTTP 500: bad token ********"


def test_a_secret_is_not_shown_with_a_bad_url(inventory):
    with pytest.raises(AnsibleParserError) as failed:
        inventory(connection=False, url="pw-Secret-4711", username="admin", password="pw-Secret-4711")
    assert "pw-Secret-4711" not in str(failed.value)


def test_verify_file_takes_only_its_names(plugin_options, tmp_path):
    plugin = make_plugin()
    for name, expected in (("apio_users.yml", True), ("prod.apio_users.yaml", True), ("x_apio_users.yml", True),
                           ("apio_users.json", False), ("hosts.yml", False), ("apio_users.yml.bak", False)):
        (tmp_path / name).write_text("plugin: %s\n" % NAME)
        assert plugin.verify_file(str(tmp_path / name)) is expected, name


# -- cache ----------------------------------------------------------------------------------------------------

def cache_config(tmp_path, **more):
    return dict(more, cache=True, cache_plugin="jsonfile", cache_connection=str(tmp_path / "cache"))


def test_cache_serves_the_second_run_and_holds_no_secret(inventory, platform, server, tmp_path):
    config = cache_config(tmp_path, phone_details=True, username="admin", password="pw-Secret-4711",
                          keyed_groups=[{"key": "apio_device_type", "prefix": "phone"}])
    first = inventory(**config)
    sent = len(server.requests)
    assert sent == 1 + 6 + 5  # login, listing, phones

    second = inventory(**config)
    assert len(server.requests) == sent  # from the cache: nothing sent
    assert second.hosts == first.hosts
    assert second.vars("foouser") == first.vars("foouser")
    assert second.members("phone_Yealink_T46S") == ["alice@sip.example.com", "dave@sip.example.com"]

    files = list((tmp_path / "cache").iterdir())
    assert len(files) == 1
    stored = files[0].read_text()
    # The name's hashes (hex digits) may spell "acc" by chance: the secrets are looked for in the rest.
    named = re.sub(r"[0-9a-f]{6,}", "#", files[0].name)
    for secret in ("pw-Secret-4711", "acc", "ref"):
        assert secret not in named, files[0].name
    assert "pw-Secret-4711" not in stored and '"acc"' not in stored
    stored = json.loads(stored)
    if "__payload__" in stored:  # ansible-core 2.19 and later wrap it
        stored = json.loads(stored["__payload__"])
    assert stored["format"] == 1 and len(stored["users"]) == 5

    # --flush-cache (cache=False): read again and stored again.
    inventory(flush_cache=True, **config)
    assert len(server.requests) == 2 * sent


def test_cache_key_follows_what_chooses_the_data(inventory, platform, server, tmp_path):
    inventory(**cache_config(tmp_path))
    sent = len(server.requests)
    inventory(**cache_config(tmp_path, tenants=["bar"]))  # another selection: read from the API
    assert len(server.requests) > sent
    sent = len(server.requests)
    inventory(**cache_config(tmp_path, token="another-token"))  # the same data: a token is not part of the key
    assert len(server.requests) == sent
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_listing_module_is_usable_alone(server, clients, platform):
    """module_utils/listing.py for other callers (a later export playbook): records, sorted, unique."""
    client = clients.apio(server.url, token="tok")
    found = listing.list_users(client, groups=["foogroup"])
    assert [u["user"] for u in found] == ["alice@sip.example.com", "foouser", "nophone"]
    assert found[1] == {"tenant": "foo", "group": "foogroup", "user": "foouser", "first_name": "Giulio",
                        "last_name": "Rossi", "extension": "1000", "phone_number": "+3225551000"}
    progress = []
    listing.add_phone_details(client, found, parallel=2, progress=lambda done, total: progress.append((done, total)))
    assert [u["device_type"] for u in found] == [YEALINK, HDV230, None]
    assert progress[-1] == (3, 3)
