"""The active scope: which node of the tree the user is working in (the school switcher)."""

from django.utils.functional import SimpleLazyObject

from . import access

SESSION_KEY = "houqin_scope"


def resolve_scope(request):
    user = request.user
    if not user.is_authenticated:
        return None
    choices = access.scope_choices(user)
    if not choices:
        return None
    wanted = request.session.get(SESSION_KEY)
    for node in choices:
        if node.pk == wanted:
            return node
    # Default: the user's first membership node (their own school, or the district).
    first = access.memberships(user)
    if first:
        for node in choices:
            if node.pk == first[0][0]:
                return node
    return choices[0]


class ScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: resolve_scope(request))
        return self.get_response(request)


def set_scope(request, node):
    request.session[SESSION_KEY] = node.pk
