"""Security basics: login lockout, CSRF, the Content-Security-Policy and other headers, cookie
flags in HTTPS mode, and no secret in the repository (upload limits are tested with attachments).

Settings that depend on the environment (HOUQIN_HTTPS, the generated secret key) are checked in a
fresh interpreter, because settings are read once per process.
"""

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from houqin.core.tests.factories import member

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"


@pytest.fixture
def teacher(school_a):
    return member(school_a, "teacher", username="li", full_name="李老师")


def attempt(client, password, username="li", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client):
    return "_auth_user_id" in client.session


# --- login lockout -------------------------------------------------------------------------------


def test_failure_limit_is_five_by_default():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_login_locks_after_the_failure_limit_even_with_the_right_password(client, teacher):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = attempt(client, "wrong")
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
    # The limit-th failure locks the account for this address.
    response = attempt(client, "wrong")
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]

    response = attempt(client, "pass-1234")
    assert response.status_code == 429
    assert not logged_in(client)


def test_lockout_is_per_user_and_address(client, teacher):
    """Locking the pair, not the user, stops one attacker locking a teacher out everywhere."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    assert attempt(client, "pass-1234").status_code == 429

    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    response = attempt(elsewhere, "pass-1234")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in(elsewhere)


def test_a_successful_login_before_the_limit_resets_the_count(client, teacher):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert attempt(client, "wrong").status_code == 200
    assert attempt(client, "pass-1234").status_code == 302
    client.post(reverse("logout"))
    assert not logged_in(client)

    # Without the reset, these failures would add up past the limit.
    for _ in range(limit - 1):
        assert attempt(client, "wrong").status_code == 200
    response = attempt(client, "pass-1234")
    assert response.status_code == 302
    assert logged_in(client)


def test_the_api_token_endpoint_is_locked_too(client, teacher):
    from rest_framework.authtoken.models import Token

    url = reverse("api_token")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert client.post(url, {"username": "li", "password": "wrong"}).status_code == 400
    response = client.post(url, {"username": "li", "password": "pass-1234"})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.filter(user=teacher).exists()
    # The failures through the API lock the login page too (same user, same address).
    assert attempt(client, "pass-1234").status_code == 429


def test_the_api_token_endpoint_gives_a_token_without_failures(client, teacher):
    from rest_framework.authtoken.models import Token

    response = client.post(reverse("api_token"), {"username": "li", "password": "pass-1234"})
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=teacher).key}


# --- CSRF ----------------------------------------------------------------------------------------


def test_login_without_a_csrf_token_is_refused(teacher):
    client = Client(enforce_csrf_checks=True)
    response = attempt(client, "pass-1234")
    assert response.status_code == 403
    assert not logged_in(client)


def test_login_with_the_csrf_token_of_the_form_works(teacher):
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(LOGIN, {"username": "li", "password": "pass-1234", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert logged_in(client)


def test_a_logged_in_post_without_a_csrf_token_is_refused(teacher, school_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    response = client.post(reverse("scope_switch"), {"scope": school_a.pk})
    assert response.status_code == 403


def test_the_api_with_session_login_needs_the_csrf_token(head_a):
    """Session-authenticated API calls are exposed to CSRF like pages; token calls are not."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(head_a)
    url = reverse("core-api:core-campus-list")
    response = client.post(url, {"name": "北校区"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- headers -------------------------------------------------------------------------------------


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict_csp(response):
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    header = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert "*" not in header.replace("'", " ").split()


def assert_security_headers(response):
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_login_page_headers(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert_strict_csp(response)
    assert_security_headers(response)


def test_logged_in_page_headers(client, head_a):
    client.force_login(head_a)
    response = client.get(reverse("core:room_list"))
    assert response.status_code == 200
    assert_strict_csp(response)
    assert_security_headers(response)


def test_not_found_page_headers(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_strict_csp(response)
    assert response.headers["X-Frame-Options"] == "DENY"


def template_files():
    roots = [ROOT / "houqin" / "templates", *sorted((ROOT / "houqin").glob("*/templates"))]
    return sorted(p for root in roots for p in root.rglob("*.html"))


INLINE_PATTERNS = {
    "inline <script> (put it in static/houqin/app.js)": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I
    ),
    "<style> element (put it in static/houqin/app.css)": re.compile(r"<style\b", re.I),
    "style= attribute (use a class in app.css)": re.compile(r"\sstyle\s*=", re.I),
    "on…= event handler (use a data- attribute and app.js)": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "hx-on attribute (htmx evaluates it: needs 'unsafe-eval')": re.compile(r"\shx-on[:\-]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_need_no_inline_script_or_style():
    """The policy forbids inline code; a template that uses it silently breaks in the browser."""
    files = template_files()
    assert len(files) > 10
    problems = []
    for path in files:
        text = path.read_text()
        for why, pattern in INLINE_PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {why}")
    assert problems == []


# --- API docs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["schema", "api_docs", "api_redoc"])
def test_api_schema_and_docs_need_a_login(client, head_a, name):
    assert client.get(reverse(name)).status_code == 403
    client.force_login(head_a)
    assert client.get(reverse(name)).status_code == 200


# --- settings in production mode -----------------------------------------------------------------

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
out = {k: getattr(settings, k) for k in (
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER", "ALLOWED_HOSTS")}
out["SECRET_KEY"] = settings.SECRET_KEY
host = settings.ALLOWED_HOSTS[0]
plain = Client().get("/accounts/login/", HTTP_HOST=host)
out["http_status"] = plain.status_code
out["http_location"] = plain.headers.get("Location")
secure = Client().get("/accounts/login/", HTTP_HOST=host, secure=True)
out["https_status"] = secure.status_code
out["hsts"] = secure.headers.get("Strict-Transport-Security")
cookie = secure.cookies["csrftoken"]
out["csrf_cookie"] = {"secure": bool(cookie["secure"]), "samesite": cookie["samesite"]}
print(json.dumps(out))
"""


def run_python(code, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOUQIN_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="houqin.settings", **env_extra)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def probe(tmp_path, **env_extra):
    """Settings and two requests of a fresh `houqin` process with the given environment. It
    shares this run's data directory (compiled translations) but not its database."""
    env = {
        "HOUQIN_DATA_DIR": str(settings.DATA_DIR),
        "HOUQIN_DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "HOUQIN_SECRET_KEY": "k" * 60,
        **env_extra,
    }
    return run_python(PROBE, env)


def generated_key(data_dir):
    """The secret key a fresh process without HOUQIN_SECRET_KEY ends up with."""
    code = "import json, houqin.settings as s; print(json.dumps(s.SECRET_KEY))"
    return run_python(code, {"HOUQIN_DATA_DIR": str(data_dir)})


def test_https_mode_makes_cookies_secure_and_redirects(tmp_path):
    out = probe(tmp_path, HOUQIN_HTTPS="1", HOUQIN_ALLOWED_HOSTS="houqin.example.org")
    assert out["DEBUG"] is False
    assert out["SESSION_COOKIE_SECURE"] is True
    assert out["CSRF_COOKIE_SECURE"] is True
    assert out["SESSION_COOKIE_HTTPONLY"] is True
    assert out["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert out["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert out["SECURE_SSL_REDIRECT"] is True
    assert out["SECURE_HSTS_SECONDS"] == 31536000
    assert out["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert out["ALLOWED_HOSTS"] == ["houqin.example.org"]
    assert out["SECRET_KEY"] == "k" * 60
    assert out["http_status"] == 301
    assert out["http_location"] == "https://houqin.example.org/accounts/login/"
    assert out["https_status"] == 200
    assert out["hsts"] == "max-age=31536000"
    assert out["csrf_cookie"] == {"secure": True, "samesite": "Lax"}


def test_plain_http_mode_for_the_embedded_server(tmp_path):
    """`houqin serve` on a school laptop is plain http: Secure cookies would never come back."""
    out = probe(tmp_path)
    assert out["DEBUG"] is False
    assert out["SESSION_COOKIE_SECURE"] is False
    assert out["CSRF_COOKIE_SECURE"] is False
    assert out["SECURE_SSL_REDIRECT"] is False
    assert out["SECURE_HSTS_SECONDS"] == 0
    assert out["http_status"] == 200
    assert out["csrf_cookie"] == {"secure": False, "samesite": "Lax"}


def test_the_generated_secret_key_is_private_and_kept(tmp_path):
    first = generated_key(tmp_path / "a")
    key_file = tmp_path / "a" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first
    assert len(first) >= 50
    # The same data directory keeps its key (sessions survive a restart) ...
    assert generated_key(tmp_path / "a") == first
    # ... and every installation has its own.
    assert generated_key(tmp_path / "b") != first


# --- no secret in the repository -----------------------------------------------------------------

# A quoted literal assigned to the secret key: SECRET_KEY = "…", "SECRET_KEY": "…".
SECRET_KEY_LITERAL = re.compile(r"""SECRET_KEY["']?\s*[:=]\s*[rbf]?["'](?!\$)[^"'\s]{8,}["']""")
# ... or to another credential, outside the tests (whose users' passwords are made up).
CREDENTIAL_LITERAL = re.compile(
    r"""(SECRET|PASSWORD|PASSWD|API_KEY|TOKEN|ACCESS_KEY)["']?\s*[:=]\s*[rbf]?["'](?!\$)([^"'\s]{8,})["']""",
    re.I,
)
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
# Published on purpose: the demo district's logins are printed by `houqin demo` and in the README.
PUBLIC_VALUES = {"houqin2026"}


def tracked_files():
    done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / name for name in done.stdout.decode().split("\0") if name]


def is_test_file(path):
    parts = path.relative_to(ROOT).parts
    return "tests" in parts or path.name.startswith("test_") or path.name == "conftest.py"


def test_no_secret_in_the_repository():
    problems = []
    files = [p for p in tracked_files() if p.is_file()]
    assert any(p.name == "settings.py" for p in files)
    for path in files:
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        where = path.relative_to(ROOT)
        problems += [f"{where}: {m.group(0)}" for m in SECRET_KEY_LITERAL.finditer(text)]
        if not is_test_file(path):
            for match in CREDENTIAL_LITERAL.finditer(text):
                if match.group(2) not in PUBLIC_VALUES:
                    problems.append(f"{where}: {match.group(0)}")
        if PRIVATE_KEY.search(text):
            problems.append(f"{where}: a private key")
        if "django-insecure" in text and path != Path(__file__):
            problems.append(f"{where}: a django-insecure key")
    assert problems == []


def test_secret_key_comes_from_the_environment_or_the_data_directory():
    source = (ROOT / "houqin" / "settings.py").read_text()
    assert re.findall(r"^SECRET_KEY\s*=\s*(.+)$", source, re.M) == ["_secret_key()"]
    assert len(settings.SECRET_KEY) >= 50
