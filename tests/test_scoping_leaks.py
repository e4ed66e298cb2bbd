"""The route-walking leak test (DESIGN.md, "School scoping is one mechanism").

Every URL pattern of the project, pages and API, is walked as each of these people:

    anonymous  not logged in
    attacker   administrator of ANOTHER district: every permission there, none here
    outsider   logged in, no membership anywhere
    powerless  member of the victim school through a role without any permission
    teacher    teacher of the victim school (routes whose permission the generic views define)
    owner      administrator of the victim district: the positive control

The victim school holds one object of every registered model (tests/samples.py), each carrying
a marker text. A route without kwargs (a list, an add form, the inbox …) must answer the foreign
people without any marker or the victim school's name, and a POST to it must not create anything
that points into the victim's district. A route with a `pk` (or `id`, `key`) is aimed at the
victim's object: every method answers 404 (or 403/405) and the object stays exactly as it was.
Anonymous people are sent to the login page (pages) or refused (API). The owner shows that the
route works and that the victim's objects are really there to be leaked.

The page routes are walked here, the API routes in tests/test_scoping_leaks_api.py (two modules,
so that two test workers share the walk).

A new app gets all of this by registering its routes; it only has to add a sample per model
(houqin/<app>/tests/samples.py) and, for a custom view served by primary key, say which model
the view serves (`model = …` or `leak_model = …` on the view class). The test fails, naming the
route or model, when either is missing.
"""

import io
import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from fnmatch import fnmatchcase

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, path, reverse
from django.views import View

from houqin.core.api.base import ScopedModelViewSet, ScopedPermission
from houqin.core.models import Membership, Role, Room, RuleOverride, School, Semester
from houqin.core.permissions import DEFAULT_ROLES, model_perm, pattern_grants
from houqin.core.registry import registry
from houqin.core.services.changelog import snapshot
from houqin.core.tests.factories import UserFactory, make_school, member, role
from houqin.core.views.generic import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

from .samples import PREFIX, SAMPLES, marker

LOGIN_URL = "/accounts/login/"
# In the names of the victim district, school and administrator: what its members may see.
VICTIM = "VICTIM-"

# Routes anyone may use without logging in. Each says why.
PUBLIC_ROUTES = {
    "login": "the login form",
    "logout": "logging out needs no login (POST only; a GET answers 405)",
    "set_language": "the language switch in every page's footer, the login page included",
    "api_token": "exchanges a username and password for an API token",
    "maintenance:qr_target": "a room's QR code: to the room's page when logged in, else to the public report form",
    "maintenance:report_public": "reporting a fault without login from a room's QR code (signed room token)",
    "maintenance:track_public": "following a report made without login (signed request token)",
    # "portal:*": the public pages for parents (fee notices, menus), once the portal exists.
}

# Routes that serve a description, never a row: only anonymous people (refused) and the owner
# (it works) are walked there. {route name: why}
NO_DATA_ROUTES = {
    "schema": "the OpenAPI description of the API: endpoints and fields, no rows (and slow to build)",
    "api_docs": "the Swagger page that reads the schema",
    "api_redoc": "the ReDoc page that reads the schema",
}

# Routes with kwargs that serve no school-owned object; walked like list pages with these
# kwargs. {route name: (why, function(world) -> kwargs)}
NON_OBJECT_ROUTES = {
    name: (
        "a rule of the national rule book, shown with the overrides of the user's own scope",
        lambda w: {"key": w.victims[RuleOverride].key},
    )
    for name in ("core:rule_detail", "core:rule_edit", "core:rule_clear", "core-api:rule-detail")
}
# The public repair pages take a signed token (the capability a room's QR code carries). Walked
# with a forged one, the victim's plain id: it must answer 404 and show nothing.
NON_OBJECT_ROUTES.update(
    {
        name: (
            "a signed token; a forged one (a bare id) reveals nothing",
            lambda w: {"token": str(w.victims[Room].pk)},
        )
        for name in ("maintenance:qr_target", "maintenance:report_public", "maintenance:track_public")
    }
)

# Models every district shares (not school-owned). A route serving one by primary key is walked
# like a list page, pointed at the shared row: it must show nothing of the victim school.
SHARED_MODELS = {
    Role: (
        "roles are national; a role page shows the overrides of the user's own scope only",
        lambda w: role("teacher"),  # the victim school has an override of it (tests/samples.py)
    ),
}

# Routes whose kwargs name more than one object: how to aim them at a victim object.
# {route name: (model of the object aimed at, function(world) -> kwargs)}
ROUTE_KWARGS = {
    "core:attachment_upload": (
        Room,
        lambda w: {"app_label": "core", "model": "room", "pk": w.victims[Room].pk},
    ),
}

# What every member of a school may see whatever their role: the powerless user is not expected
# to be blind to these. {model: why}
VISIBLE_TO_MEMBERS = {
    Semester: "the current semester heads every page of the school's members",
    School: "the home page lists the schools and teaching points under the member's node",
    RuleOverride: "the rule book, with the values in force at the member's school, is for everyone",
}

OBJECT_KWARGS = {"pk", "id", "key"}
REFUSED = {403, 404, 405}
PAGE_METHODS = ("GET", "POST")
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
TEACHER_PATTERNS = next(perms for code, _name, perms in DEFAULT_ROLES if code == "teacher")
ZIP_TYPES = ("spreadsheetml", "wordprocessingml", "presentationml", "application/zip")


# --- the routes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None
    path: str
    kwargs: frozenset
    callback: object = field(compare=False, repr=False)

    @property
    def is_api(self):
        return self.path.startswith("api/")

    @property
    def id(self):
        return f"{self.name or self.path}{'.format' if 'format' in self.kwargs else ''}"


def walk(resolver, prefix="", namespaces=(), kwargs=frozenset()):
    for pattern in resolver.url_patterns:
        here = kwargs | set(pattern.pattern.regex.groupindex)
        text = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from walk(pattern, text, inner, frozenset(here))
        else:
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            yield Route(name, text, frozenset(here), pattern.callback)


def view_class(callback):
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def view_attr(callback, name):
    initkwargs = getattr(callback, "view_initkwargs", None) or getattr(callback, "initkwargs", None) or {}
    if name in initkwargs:
        return initkwargs[name]
    return getattr(view_class(callback), name, None)


def is_model(value):
    return isinstance(value, type) and issubclass(value, models.Model)


def model_of_basename(basename):
    """A router basename "<app_label>-<model_name>" (the registry's convention) names its model."""
    app_label, _sep, model_name = (basename or "").partition("-")
    try:
        return apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return None


def route_model(route):
    """The model a route serves: `leak_model` or `model` on the view; for a DRF viewset its
    registry entry, its queryset, or its router basename."""
    for attr in ("leak_model", "model"):
        value = view_attr(route.callback, attr)
        if is_model(value):
            return value
    entry = view_attr(route.callback, "entry")
    if is_model(getattr(entry, "model", None)):
        return entry.model
    queryset = view_attr(route.callback, "queryset")
    if is_model(getattr(queryset, "model", None)):
        return queryset.model
    if getattr(route.callback, "actions", None):
        return model_of_basename(view_attr(route.callback, "basename"))
    return None


def unchanged(cls, base, names):
    return all(getattr(cls, n, None) is getattr(base, n, None) for n in names)


LIST_CHECKS = ["get", "check_perm", "scope_or_403"]
DETAIL_CHECKS = ["get", "check_perm", "get_object"]
EDIT_CHECKS = ["get", "post", "_prepare", "check_perm", "get_object", "scope_or_403"]


def generic_perms(route, model):
    """{method: permission} for routes whose permission check is the generic one (the generic
    views and the scoped viewset, not overridden where they check); {} otherwise."""
    cls = view_class(route.callback)
    if cls is None or model is None:
        return {}
    if route.is_api:
        if not issubclass(cls, ScopedModelViewSet) or list(cls.permission_classes) != [ScopedPermission]:
            return {}
        actions = getattr(route.callback, "actions", None) or {}
        allowed = set(cls.http_method_names)
        verbs = {"list": "view", "retrieve": "view", "create": "add", "update": "change"}
        verbs |= {"partial_update": "change", "destroy": "delete"}
        return {
            m.upper(): model_perm(model, verbs[a]) for m, a in actions.items() if a in verbs and m in allowed
        }
    suffix = (route.name or "").rsplit("_", 1)[-1]
    has_pk = "pk" in route.kwargs
    if suffix == "list" and issubclass(cls, ObjectListView) and unchanged(cls, ObjectListView, LIST_CHECKS):
        return {"GET": model_perm(model, "view")}
    if (
        suffix == "detail"
        and issubclass(cls, ObjectDetailView)
        and unchanged(cls, ObjectDetailView, DETAIL_CHECKS)
    ):
        return {"GET": model_perm(model, "view")}
    if (
        suffix in ("add", "edit")
        and issubclass(cls, ObjectEditView)
        and unchanged(cls, ObjectEditView, EDIT_CHECKS)
    ):
        action = "change" if has_pk else "add"
        return {"GET": model_perm(model, action), "POST": model_perm(model, action)}
    generic_delete = unchanged(cls, ObjectDeleteView, EDIT_CHECKS)
    if suffix == "delete" and issubclass(cls, ObjectDeleteView) and generic_delete:
        return {"GET": model_perm(model, "delete"), "POST": model_perm(model, "delete")}
    return {}


@dataclass
class Plan:
    route: Route
    kind: str = "list"  # "list": no object in the URL; "object": aimed at a victim object
    model: object = None
    public: bool = False
    kwargs_for: object = None  # function(world) -> kwargs
    perms: dict = field(default_factory=dict)  # method -> permission (generic views only)
    creates: bool = False  # a POST to it adds a row of `model`
    problem: str = ""

    @property
    def methods(self):
        return API_METHODS if self.route.is_api else PAGE_METHODS

    def url(self, world):
        kwargs = self.kwargs_for(world) if self.kwargs_for else {}
        if "format" in self.route.kwargs:
            kwargs["format"] = "json"
        return reverse(self.route.name, kwargs=kwargs)

    def target(self, world):
        return world.victims[self.model] if self.kind == "object" else None


def object_kwargs(model, names):
    def build(world):
        obj = world.victims[model]
        return {n: obj.pk if n in ("pk", "id") else getattr(obj, n, obj.pk) for n in names}

    return build


def shared_kwargs(model, names):
    def build(world):
        return dict.fromkeys(names, SHARED_MODELS[model][1](world).pk)

    return build


def is_public(name):
    return any(fnmatchcase(name, pattern) for pattern in PUBLIC_ROUTES)


def classify(route):
    plan = Plan(route)
    if route.name is None:
        plan.problem = f"{route.path}: give the route a name"
        return plan
    plan.public = is_public(route.name)
    names = sorted(route.kwargs - {"format"})
    model = route_model(route)
    plan.model = model
    if route.name in NON_OBJECT_ROUTES:
        plan.kwargs_for = NON_OBJECT_ROUTES[route.name][1]
    elif route.name in ROUTE_KWARGS:
        plan.kind = "object"
        plan.model, plan.kwargs_for = ROUTE_KWARGS[route.name]
    elif names:
        field_names = {f.name for f in model._meta.fields} if model else set()
        if len(names) != 1 or not (names[0] in OBJECT_KWARGS or names[0] in field_names):
            plan.problem = (
                f"{route.name} ({route.path}): kwargs {names}; add it to ROUTE_KWARGS or NON_OBJECT_ROUTES"
            )
        elif model is None:
            plan.problem = (
                f"{route.name} ({route.path}): which model does it serve? "
                "Set `model = …` or `leak_model = …` on the view class"
            )
        elif model in SHARED_MODELS:
            plan.kwargs_for = shared_kwargs(model, names)
        else:
            plan.kind = "object"
            plan.kwargs_for = object_kwargs(model, names)
    plan.perms = generic_perms(route, plan.model)
    if plan.kind == "list" and plan.model is not None and not plan.public:
        api_create = (getattr(route.callback, "actions", None) or {}).get("post") == "create"
        plan.creates = api_create if route.is_api else route.name.endswith("_add")
    return plan


ALL_PLANS = [classify(r) for r in walk(get_resolver())]
PLANS = [p for p in ALL_PLANS if not p.problem]


def params(api):
    """(plan, actor) for the page routes (api=False) or the API routes (tests/test_scoping_leaks_api.py;
    two modules, so that two test workers share the walk)."""
    out = []
    for plan in PLANS:
        if plan.route.is_api != api:
            continue
        if plan.route.name in NO_DATA_ROUTES:
            actors = ["anonymous", "owner"]
        else:
            actors = ["anonymous", "attacker", "outsider", "powerless", "owner"]
        if plan.perms and teacher_expectations(plan):
            actors.append("teacher")
        out += [pytest.param(plan, actor, id=f"{plan.route.id}-{actor}") for actor in actors]
    return out


def teacher_expectations(plan):
    """{method: expected status} for the teacher on a generic route: 403 without the permission,
    200 for a page they may read. Writes they may do are not tried."""
    expected = {}
    for method, perm in plan.perms.items():
        if not pattern_grants(TEACHER_PATTERNS, perm):
            expected[method] = 403
        elif method == "GET":
            expected[method] = 200
    return expected


# --- the world -----------------------------------------------------------------------------------


@dataclass
class World:
    victim_district: object
    victim_school: object
    users: dict
    victims: dict = field(default_factory=dict)
    failed: dict = field(default_factory=dict)  # model -> why its sample could not be built
    snapshots: dict = field(default_factory=dict)  # model -> snapshot of its victim object
    sessions: dict = field(default_factory=dict)  # actor -> session key
    victim_user_ids: set = field(default_factory=set)

    def victim_node(self, school):
        return school is not None and school.path.startswith(self.victim_district.path)


def build_world():
    victim_district = make_school(f"{VICTIM}DISTRICT 受害中心学校", kind="district")
    victim_school = make_school(f"{VICTIM}SCHOOL 受害学校", parent=victim_district)
    attacker_district = make_school("攻击中心学校", kind="district")
    make_school("攻击学校", parent=attacker_district)
    powerless_role = Role.objects.create(code="leak-powerless", name="无权限", permissions=[])
    outsider = UserFactory(username="outsider", full_name="局外人")
    powerless = UserFactory(username="powerless", full_name="无权限的人")
    Membership.objects.create(user=powerless, school=victim_school, role=powerless_role)
    users = {
        "anonymous": None,
        "attacker": member(attacker_district, "admin", username="attacker", full_name="攻击者"),
        "outsider": outsider,
        "powerless": powerless,
        "teacher": member(victim_school, "teacher", username="teacher", full_name="王老师"),
        "owner": member(victim_district, "admin", username="owner", full_name=f"{VICTIM}OWNER 管理员"),
    }
    world = World(victim_district=victim_district, victim_school=victim_school, users=users)
    for model, builder in SAMPLES.items():
        try:
            with transaction.atomic():
                obj = builder(victim_school, users["owner"])
        except Exception as exc:  # reported by test_every_sample_builds
            world.failed[model] = f"{type(exc).__name__}: {exc}"
            continue
        world.victims[model] = obj
    world.snapshots = victim_snapshots(world)
    for actor, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            world.sessions[actor] = client.cookies[settings.SESSION_COOKIE_NAME].value
    world.victim_user_ids = set(
        Membership.objects.filter(school__path__startswith=victim_district.path).values_list(
            "user_id", flat=True
        )
    ) - {powerless.pk}
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint inside it (pytest-django's `db`)."""
    media = tempfile.mkdtemp(prefix="houqin-leak-media-")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            shutil.rmtree(media, ignore_errors=True)


# --- requests and what may be in them --------------------------------------------------------------


def body_for(obj, api):
    """A plausible form (or JSON) body: the object's own values, with every text replaced (a form
    shown again must not echo a marker) and every foreign key kept (pointing into the victim's
    school: a scoped form refuses them)."""
    data = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or not f.editable or isinstance(f, models.FileField):
            continue
        value = f.value_from_object(obj)
        if value is None:
            continue
        if isinstance(f, models.ForeignKey) or f.choices:
            data[f.name] = value
        elif isinstance(f, models.CharField | models.TextField):
            data[f.name] = "HACKED"[: f.max_length or 6]
        elif isinstance(f, models.BooleanField):
            if api:
                data[f.name] = value
            elif value:
                data[f.name] = "on"
        elif isinstance(f, models.JSONField):
            data[f.name] = value if api else json.dumps(value)
        elif hasattr(value, "isoformat"):
            data[f.name] = value.isoformat()
        elif isinstance(value, Decimal):
            data[f.name] = str(value)
        else:
            data[f.name] = value
    for f in obj._meta.many_to_many:
        pks = [o.pk for o in f.value_from_object(obj)]
        if pks:
            data[f.name] = pks
    return data


def send(client, plan, method, url, body=None, **extra):
    """One request; `body` is the query string of a GET, the form or JSON body otherwise."""
    if method == "GET":
        return client.get(url, body or {}, **extra)
    if plan.route.is_api:
        return client.generic(method, url, json.dumps(body or {}), content_type="application/json", **extra)
    return client.post(url, body or {}, **extra)


def text_of(response):
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    content_type = response.get("Content-Type", "")
    if any(t in content_type for t in ZIP_TYPES):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8", "replace")


TOKEN = re.compile(rf"(?:{PREFIX}|{VICTIM})[\w.-]+")


def leaked(text, actor):
    """The victim's markers (and, for people of other schools, its name) found in `text`."""
    own_school = actor in ("powerless", "teacher")
    allowed = {marker(m) for m in VISIBLE_TO_MEMBERS} if own_school else set()
    found = {t for t in TOKEN.findall(text) if t not in allowed}
    if own_school:
        found = {t for t in found if not t.startswith(VICTIM)}
    for model in SAMPLES:
        text_marker = marker(model)
        if not text_marker.startswith(PREFIX) and text_marker not in allowed and text_marker in text:
            found.add(text_marker)
    return sorted(found)


def assert_no_leak(response, actor, what):
    text = text_of(response)
    found = leaked(text, actor)
    if found:
        snippets = []
        for t in found:
            i = text.index(t)
            snippets.append(text[max(0, i - 80) : i + 60].replace("\n", " "))
        pytest.fail(f"{what} as {actor} shows the victim's {found}: …{' … '.join(snippets)}…")


def fresh(obj):
    return type(obj)._base_manager.filter(pk=obj.pk).first()


def victim_snapshots(world):
    return {model: snapshot(o) if (o := fresh(obj)) else None for model, obj in world.victims.items()}


def refers_to_victim(obj, world):
    """Does a row point into the victim's district (its school, a foreign key, a generic key)?"""
    for f in obj._meta.concrete_fields:
        if not isinstance(f, models.ForeignKey) or getattr(obj, f.attname) is None:
            continue
        target = getattr(obj, f.name)
        if f.related_model is type(world.victim_school):
            if world.victim_node(target):
                return f.name
        elif (
            hasattr(target, "school_id")
            and world.victim_node(getattr(target, "school", None))
            or target.pk in world.victim_user_ids
            and f.related_model is type(world.users["owner"])
        ):
            return f.name
    for gfk in obj._meta.private_fields:
        target = getattr(obj, gfk.name, None) if hasattr(gfk, "ct_field") else None
        if target is not None and world.victim_node(getattr(target, "school", None)):
            return gfk.name
    return None


def login_as(client, world, actor):
    """Use the actor's session, opened once for the module (a login per request is slow)."""
    if world.users[actor] is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]


def relogin_if_needed(client, world, actor, response):
    """A logout (or a session rotated by a password change) ends the module's session."""
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    if world.users[actor] is not None and cookie is not None and cookie.value != world.sessions[actor]:
        client.force_login(world.users[actor])


# --- the checks per person -------------------------------------------------------------------------


def check_anonymous(plan, world, client):
    url = plan.url(world)
    for method in ("GET", "POST"):
        response = send(client, plan, method, url)
        assert_no_leak(response, "anonymous", f"{method} {url}")
        if plan.public:
            continue
        if plan.route.is_api:
            assert response.status_code in (401, 403), f"{method} {url}: {response.status_code}"
        else:
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            assert response["Location"].startswith(LOGIN_URL), f"{method} {url} -> {response['Location']}"


def check_refused_object(plan, world, client, actor):
    """Every method on the victim's object is refused and the object stays as it was. People of
    other schools get 404 (or 403/405); a member of the school without permission gets 403
    where the generic check applies, and some 4xx (a refusal) elsewhere."""
    login_as(client, world, actor)
    obj = plan.target(world)
    before = world.snapshots[plan.model]
    url = plan.url(world)
    for method in plan.methods:
        body = body_for(obj, plan.route.is_api) if method != "GET" else None
        response = send(client, plan, method, url, body)
        status = response.status_code
        if actor == "powerless":
            expected = {403} if method in plan.perms else set(range(400, 500))
        else:
            expected = REFUSED
        assert status in expected, f"{method} {url} as {actor}: {status}"
        assert_no_leak(response, actor, f"{method} {url}")
        relogin_if_needed(client, world, actor, response)
    after = fresh(obj)
    assert after is not None, f"{url}: the victim's {type(obj).__name__} was deleted by {actor}"
    assert snapshot(after) == before, f"{url}: the victim's {type(obj).__name__} was changed by {actor}"


def check_list_route(plan, world, client, actor):
    """Nothing of the victim on the page, whatever the query; a POST creates nothing pointing
    into the victim's district (and nothing at all for someone without a permission)."""
    login_as(client, world, actor)
    url = plan.url(world)
    vs = world.victim_school
    if "POST" in plan.methods:
        body = {"scope": vs.pk, "school": vs.pk, "parent": vs.pk, "next": "/"}
        existing = set()
        if plan.creates and plan.model in world.victims:
            body = body_for(world.victims[plan.model], plan.route.is_api)
            existing = set(plan.model._base_manager.values_list("pk", flat=True))
        response = send(client, plan, "POST", url, body)
        assert response.status_code < 500
        assert_no_leak(response, actor, f"POST {url}")
        refused = 400 <= response.status_code < 500
        if not refused:
            assert victim_snapshots(world) == world.snapshots, (
                f"POST {url} as {actor} changed a victim object"
            )
        if plan.creates and plan.model in world.victims:
            new = list(plan.model._base_manager.exclude(pk__in=existing))
            if actor != "attacker":
                expected = {403} if "POST" in plan.perms else set(range(400, 500))
                assert response.status_code in expected, f"POST {url} as {actor}: {response.status_code}"
                assert new == [], f"POST {url} as {actor} created {new}"
            for obj in new:
                where = refers_to_victim(obj, world)
                assert where is None, (
                    f"POST {url} as {actor} created {obj!r} pointing into the victim's {where}"
                )
        if not refused:  # whatever it did (a scope switch?) shows nothing of the victim
            relogin_if_needed(client, world, actor, response)
            assert_no_leak(client.get("/"), actor, f"the home page after POST {url}")
    queries = [{}]
    if plan.model is not None:  # the filters of a list, pointed at the victim (its rows are none)
        queries = [{"school": vs.pk, "scope": vs.pk, "parent": vs.pk, "q": "LEAK", "search": "LEAK"}]
    for query in queries:
        response = send(client, plan, "GET", url, query)
        assert response.status_code < 500
        assert_no_leak(response, actor, f"GET {url} {query or ''}")
        if plan.perms.get("GET") and actor in ("outsider", "powerless"):
            assert response.status_code == 403, f"GET {url} as {actor}: {response.status_code}"
    if plan.route.is_api and plan.model is not None:
        # The browsable API renders the filter form and the serializer's choice lists.
        assert_no_leak(
            send(client, plan, "GET", url, HTTP_ACCEPT="text/html"), actor, f"GET {url} (browsable)"
        )
    elif plan.perms.get("GET") and plan.route.name.endswith("_list"):
        assert_no_leak(client.get(url, HTTP_HX_REQUEST="true"), actor, f"GET {url} (htmx)")
        assert_no_leak(client.get(url, {"export": "xlsx"}), actor, f"GET {url}?export=xlsx")


def check_teacher(plan, world, client):
    login_as(client, world, "teacher")
    obj = plan.target(world)
    before = world.snapshots.get(plan.model)
    url = plan.url(world)
    existing = plan.model._base_manager.count()
    sample = world.victims.get(plan.model)
    for method, status in teacher_expectations(plan).items():
        body = body_for(sample, plan.route.is_api) if method != "GET" and sample is not None else None
        response = send(client, plan, method, url, body)
        assert response.status_code == status, (
            f"{method} {url} as teacher: {response.status_code} != {status}"
        )
    if obj is not None:
        after = fresh(obj)
        assert after is not None and snapshot(after) == before, f"{url}: changed by the teacher"
    assert plan.model._base_manager.count() == existing


def check_owner(plan, world, client):
    """The positive control: the route works for the victim's own administrator, and the lists
    and objects the others were refused are really there."""
    login_as(client, world, "owner")
    url = plan.url(world)
    response = send(client, plan, "GET", url)
    assert response.status_code < 500
    if plan.kind == "object":
        assert response.status_code != 404, f"GET {url} as the owner: 404 (is the sample right?)"
    if plan.model in world.victims and plan.perms.get("GET") == model_perm(plan.model, "view"):
        # A generic list or detail: the victim's object is on it.
        assert response.status_code == 200, f"GET {url} as the owner: {response.status_code}"
        text = text_of(response)
        assert marker(plan.model) in text, f"GET {url} as the owner does not show {marker(plan.model)}"


def check_route(plan, actor, world, client):
    if plan.model is not None and plan.model not in world.victims and plan.kind == "object":
        pytest.fail(f"no sample {plan.model.__name__} to aim {plan.route.name} at (see tests/samples.py)")
    if actor == "anonymous":
        check_anonymous(plan, world, client)
    elif actor == "owner":
        check_owner(plan, world, client)
    elif actor == "teacher":
        check_teacher(plan, world, client)
    elif plan.kind == "object":
        check_refused_object(plan, world, client, actor)
    else:
        check_list_route(plan, world, client, actor)


@pytest.mark.parametrize(("plan", "actor"), params(api=False))
def test_page_route(plan, actor, world, db, client):
    check_route(plan, actor, world, client)


# --- the walk itself is complete -------------------------------------------------------------------


def test_every_route_is_understood():
    """A route whose model cannot be told, or whose kwargs are unknown, would escape the walk."""
    assert [p.problem for p in ALL_PLANS if p.problem] == []


def test_the_walk_covers_pages_and_api():
    names = {p.route.name for p in PLANS}
    for expected in ("home", "core:room_list", "core:room_detail", "core:room_edit", "core:room_delete"):
        assert expected in names
    assert "core-api:core-room-list" in names
    assert "core-api:core-room-detail" in names
    assert len([p for p in PLANS if p.kind == "object"]) >= 10


def test_every_registered_model_has_a_sample():
    missing = sorted(m._meta.label for m in registry.entries if m not in SAMPLES)
    assert missing == [], "add a builder to tests/samples.py (or houqin/<app>/tests/samples.py)"


def test_every_model_served_by_pk_has_a_sample():
    missing = sorted(
        {
            f"{p.model._meta.label} ({p.route.name})"
            for p in PLANS
            if p.kind == "object" and p.model not in SAMPLES
        }
    )
    assert missing == []


def test_every_sample_builds_with_its_marker(world, db):
    assert world.failed == {}
    for model, obj in world.victims.items():
        assert isinstance(obj, model), model
        assert fresh(obj) is not None, model
        values = " ".join(str(v) for v in snapshot(fresh(obj)).values())
        assert marker(model) in values, f"{model.__name__}: no field holds {marker(model)}"
        if hasattr(obj, "school"):
            assert world.victim_node(obj.school), model


def test_scope_switch_to_a_foreign_school_is_refused(world, db, client):
    client.force_login(world.users["attacker"])
    response = client.post(reverse("scope_switch"), {"scope": world.victim_school.pk, "next": "/"})
    assert response.status_code == 404
    home = client.get("/")
    assert home.status_code == 200
    assert VICTIM not in home.content.decode()


# --- the walk catches a leak -----------------------------------------------------------------------
# Two views with the classic mistakes (an unscoped list, an unscoped get-and-save), mounted on
# their own URLconf: the checks above must fail on them, or they would be checking nothing.


class LeakyListView(LoginRequiredMixin, View):
    def get(self, request):
        return HttpResponse(", ".join(str(room) for room in Room.objects.all()))


class LeakyEditView(LoginRequiredMixin, View):
    model = Room

    def get(self, request, pk):
        return HttpResponse(Room.objects.get(pk=pk).name)

    def post(self, request, pk):
        room = Room.objects.get(pk=pk)
        room.name = "HACKED"
        room.save()
        return redirect("/")


urlpatterns = [  # ROOT_URLCONF of test_the_checks_catch_a_leak only
    path("leaky/", LeakyListView.as_view(), name="leaky_list"),
    path("leaky/<int:pk>/", LeakyEditView.as_view(), name="leaky_edit"),
]


@override_settings(ROOT_URLCONF=__name__)
def test_the_checks_catch_a_leak(world, db, client):
    plans = {r.name: classify(r) for r in walk(get_resolver(__name__))}
    with pytest.raises(pytest.fail.Exception, match=marker(Room)):
        check_list_route(plans["leaky_list"], world, client, "attacker")
    assert plans["leaky_edit"].kind == "object"
    with pytest.raises(AssertionError, match="as attacker: 200"):
        check_refused_object(plans["leaky_edit"], world, client, "attacker")


def test_the_checks_catch_a_foreign_write(world, db, client):
    """Answering 404 is not enough: the object must also be unchanged afterwards."""
    room = world.victims[Room]
    Room.objects.filter(pk=room.pk).update(name="HACKED")
    plan = next(p for p in PLANS if p.route.name == "core:room_edit")
    with pytest.raises(AssertionError, match="was changed by attacker"):
        check_refused_object(plan, world, client, "attacker")
