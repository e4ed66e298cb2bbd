"""Operations on the organisation tree, people and memberships.

Every function takes the acting user. `actor=None` is the system (demo data, commands, tests
that build fixtures) and skips the permission check; any other actor must hold the permission
at the node concerned, or the function raises PermissionDenied before touching anything.
"""

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .. import access
from ..access import clear_access_cache
from ..models import ChangeAction, Membership, Role, School, SchoolKind, User
from ..models.org import PATH_STEP
from .changelog import changelog_record, snapshot

# Which kinds may sit under which: any depth of bureaus, then central schools, schools, points.
ALLOWED_PARENTS = {
    SchoolKind.BUREAU: {None, SchoolKind.BUREAU},
    SchoolKind.DISTRICT: {None, SchoolKind.BUREAU},
    SchoolKind.SCHOOL: {None, SchoolKind.BUREAU, SchoolKind.DISTRICT},
    SchoolKind.TEACHING_POINT: {SchoolKind.SCHOOL, SchoolKind.DISTRICT},
}
MANAGE_MEMBERS = "core.manage_members"


def _require(actor, perm, school):
    """Raise PermissionDenied unless `actor` (None = the system) holds `perm` at `school`."""
    if actor is None:
        return
    if school is None:
        if not actor.is_superuser:
            raise PermissionDenied(_("Only a superuser may do this at the top of the tree."))
        return
    if not access.has_perm(actor, perm, school):
        raise PermissionDenied(_("You may not do this at %(school)s.") % {"school": school})


def child_path(parent_path, number):
    """The materialised path of the `number`-th child (1-based) under `parent_path` ("" at the
    top). Bulk loaders (houqin.core.scale) compute paths with this too."""
    return f"{parent_path}{number:0{PATH_STEP}d}."


def _next_path(parent):
    prefix = parent.path if parent else ""
    siblings = School.objects.filter(parent=parent) if parent else School.objects.filter(parent__isnull=True)
    last = siblings.aggregate(m=Max("path"))["m"]
    number = int(last[len(prefix) : len(prefix) + PATH_STEP]) + 1 if last else 1
    return child_path(prefix, number)


def school_create(*, actor, kind, name, code, parent=None, keeps_own_books=None, **fields):
    """Add a node under `parent` (needs core.add_school there; a top-level node needs a superuser).

    A teaching point is inside its parent's budget and books (财务制度 art. 12), so it never
    keeps books of its own; other kinds do unless told otherwise.
    """
    _require(actor, "core.add_school", parent)
    errors = {}
    parent_kind = parent.kind if parent else None
    if kind not in SchoolKind.values:
        errors["kind"] = _("Unknown kind.")
    elif parent_kind not in ALLOWED_PARENTS[kind]:
        errors["parent"] = _("A %(kind)s cannot be placed under %(parent)s.") % {
            "kind": SchoolKind(kind).label,
            "parent": parent or _("the top level"),
        }
    elif kind == SchoolKind.TEACHING_POINT and keeps_own_books:
        errors["keeps_own_books"] = _("A teaching point is inside its parent's budget and books.")
    if parent is not None and not parent.is_active:
        errors["parent"] = _("%(parent)s is not active.") % {"parent": parent}
    if not (name or "").strip():
        errors["name"] = _("This field is required.")
    if not (code or "").strip():
        errors["code"] = _("This field is required.")
    elif School.objects.filter(code__iexact=code.strip()).exists():
        errors["code"] = _("This code is already used.")
    if errors:
        raise ValidationError(errors)
    if keeps_own_books is None:
        keeps_own_books = kind != SchoolKind.TEACHING_POINT
    with transaction.atomic():
        if parent is not None:
            # Locking the parent serialises sibling creation, so two nodes never get one path.
            parent = School.objects.select_for_update().get(pk=parent.pk)
        node = School(
            kind=kind,
            name=name.strip(),
            code=code.strip(),
            parent=parent,
            keeps_own_books=keeps_own_books,
            **fields,
        )
        node.path = _next_path(parent)
        node.depth = parent.depth + 1 if parent else 0
        node.full_clean()
        node.save()
        changelog_record(actor=actor, obj=node, action=ChangeAction.CREATE)
    return node


def school_update(*, actor, instance, data):
    """Change a node's own fields; its kind and place in the tree are not changed here."""
    _require(actor, "core.change_school", instance)
    before = snapshot(instance)
    for key, value in data.items():
        if key in {"parent", "path", "depth", "kind"}:
            continue
        setattr(instance, key, value)
    if instance.kind == SchoolKind.TEACHING_POINT and instance.keeps_own_books:
        raise ValidationError(
            {"keeps_own_books": _("A teaching point is inside its parent's budget and books.")}
        )
    code = (instance.code or "").strip()
    if code and School.objects.filter(code__iexact=code).exclude(pk=instance.pk).exists():
        raise ValidationError({"code": _("This code is already used.")})
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        changelog_record(actor=actor, obj=instance, action=ChangeAction.UPDATE, before=before)
    return instance


def school_create_from_form(*, actor, model, school, data):
    """Adapter for the generic create page: a new node goes under the chosen parent, by
    default the active scope."""
    data = dict(data)
    parent = data.pop("parent", None) or school
    return school_create(actor=actor, parent=parent, **data)


def _check_user_fields(*, username, full_name, password, phone, email):
    errors = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("This field is required.")]
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as exc:
            errors["username"] = exc.messages
        if len(username) > 150:
            errors["username"] = [_("At most 150 characters.")]
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("This username is already taken.")]
    if not (full_name or "").strip():
        errors["full_name"] = [_("This field is required.")]
    elif len(full_name.strip()) > 50:
        errors["full_name"] = [_("At most 50 characters.")]
    if len(phone or "") > 30:
        errors["phone"] = [_("At most 30 characters.")]
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            errors["email"] = exc.messages
    if not password:
        errors["password"] = [_("This field is required.")]
    else:
        try:
            validate_password(password, user=User(username=username, full_name=full_name, email=email))
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return username, full_name.strip()


def user_create(*, actor, school, username, full_name, password, phone="", email=""):
    """Create a login for a person of `school` (needs core.manage_members there).

    The account sees nothing until it holds a membership; the people page creates both at
    once with `member_create`.
    """
    _require(actor, MANAGE_MEMBERS, school)
    username, full_name = _check_user_fields(
        username=username, full_name=full_name, password=password, phone=phone, email=email
    )
    user = User(username=username, full_name=full_name, phone=(phone or "").strip(), email=email or "")
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            changelog_record(actor=actor, obj=user, action=ChangeAction.CREATE, school=school)
    except IntegrityError:
        raise ValidationError({"username": _("This username is already taken.")})
    return user


def _user_reachable(actor, user, school):
    """May `actor` give `user` a role at `school`? Only people they can already see (or who hold
    no membership anywhere yet) — an id guessed from another district is refused."""
    if actor is None or actor.is_superuser:
        return True
    nodes = set(Membership.objects.filter(user=user).values_list("school_id", flat=True))
    if not nodes:
        return True
    allowed = set(access.visible_school_ids(actor))
    allowed.update(School.objects.ancestors_of(school).values_list("id", flat=True))
    return bool(nodes & allowed)


def membership_add(*, actor, user, school, role, department=None, title=""):
    """Give `user` the `role` at `school` (and its subtree). Needs core.manage_members at
    `school`: a role can only be given at a node the actor manages."""
    _require(actor, MANAGE_MEMBERS, school)
    errors = {}
    if not isinstance(role, Role):
        errors["role"] = _("Choose a role.")
    if not school.is_active:
        errors["school"] = _("%(school)s is not active.") % {"school": school}
    if not user.is_active:
        errors["user"] = _("This account is disabled.")
    elif not _user_reachable(actor, user, school):
        errors["user"] = _("Choose a person of your schools or create a new one.")
    if department is not None and department.school_id != school.pk:
        errors["department"] = _("The department belongs to another school.")
    if len(title or "") > 60:
        errors["title"] = _("At most 60 characters.")
    if not errors and Membership.objects.filter(user=user, school=school, role=role).exists():
        errors["role"] = _("%(user)s already holds this role here.") % {"user": user}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            m = Membership.objects.create(
                user=user, school=school, role=role, department=department, title=title or ""
            )
            changelog_record(actor=actor, obj=m, action=ChangeAction.CREATE)
    except IntegrityError:
        raise ValidationError({"role": _("%(user)s already holds this role here.") % {"user": user}})
    clear_access_cache(user)
    if actor is not None:
        clear_access_cache(actor)
    return m


def member_create(
    *, actor, school, role, username, full_name, password, phone="", email="", department=None, title=""
):
    """Create a new person and give them `role` at `school`, both or neither."""
    with transaction.atomic():
        user = user_create(
            actor=actor,
            school=school,
            username=username,
            full_name=full_name,
            password=password,
            phone=phone,
            email=email,
        )
        return membership_add(
            actor=actor, user=user, school=school, role=role, department=department, title=title
        )


def membership_remove(*, actor, membership):
    """Take a role away. Needs core.manage_members at the membership's node; nobody removes
    their own membership (so an administrator cannot lock the school out by mistake)."""
    _require(actor, MANAGE_MEMBERS, membership.school)
    if actor is not None and actor.pk == membership.user_id:
        raise ValidationError(_("You cannot remove your own membership; ask another administrator."))
    before = snapshot(membership)
    user = membership.user
    with transaction.atomic():
        pk = membership.pk
        membership.delete()
        membership.pk = pk
        changelog_record(
            actor=actor, obj=membership, action=ChangeAction.DELETE, before=before, school=membership.school
        )
    clear_access_cache(user)
    if actor is not None:
        clear_access_cache(actor)


def user_can_manage(actor, user):
    """Does `actor` manage every node where `user` holds a role? Only then may they reset the
    person's password: a school administrator must not take over a district account."""
    if actor is None or actor.is_superuser:
        return True
    if user.is_superuser:
        return False
    schools = list(
        School.objects.filter(id__in=Membership.objects.filter(user=user).values_list("school_id", flat=True))
    )
    return bool(schools) and all(access.has_perm(actor, MANAGE_MEMBERS, s) for s in schools)


def user_set_password(*, actor, user, password):
    """An administrator sets a new password for a person they fully manage."""
    if actor is not None and actor.pk != user.pk and not user_can_manage(actor, user):
        raise PermissionDenied(_("You may not change this person's password."))
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages})
    first = Membership.objects.filter(user=user).select_related("school").order_by("school__path").first()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        changelog_record(
            actor=actor,
            obj=user,
            action=ChangeAction.UPDATE,
            before={"password": ""},
            after={"password": _("changed")},
            school=first.school if first else None,
        )
    return user
