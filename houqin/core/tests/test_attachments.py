"""Attachments: files checked by content (not by name), kept with a school's record, served
only through the scoped download view; a bad upload is refused with a clear message and
leaves nothing behind (no row, no file, no log)."""

import io
import os
import zipfile

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from PIL import Image

from houqin.core.models import Attachment, ChangeAction, ChangeLogEntry, Role, Room
from houqin.core.services.attachments import attachment_add, attachment_delete, clean_file_name
from houqin.core.tests.factories import RoomFactory, member

API = "/api/core/attachments/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"
    return tmp_path


def stored_files(root):
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _dirs, files in os.walk(root) for f in files
    )


def png_bytes(size=(40, 30), color=(200, 30, 30)):
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def image_bytes(fmt):
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(buf, fmt)
    return buf.getvalue()


def macro_docx_bytes():
    """A Word file carrying a macro project: refused whatever its name says."""
    buf = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(buf, "a") as zf:
        zf.writestr("word/vbaProject.bin", b"\x00" * 16)
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def docx_bytes():
    doc = Document()
    doc.add_paragraph("维修记录")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def xlsx_bytes():
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "数量"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def room_a(school_a):
    return RoomFactory(school=school_a, number="201")


@pytest.fixture
def room_b(school_b):
    return RoomFactory(school=school_b, number="301")


def room_log(room):
    return ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Room), object_id=str(room.pk)
    )


# --- the service --------------------------------------------------------------------------


def test_png_is_kept_under_a_generated_name_and_logged(media, head_a, room_a, school_a):
    data = png_bytes()
    att = attachment_add(
        actor=head_a, obj=room_a, uploaded_file=upload("教室照片.png", data), description="前门"
    )
    ct = ContentType.objects.get_for_model(Room)
    assert att.school == school_a
    assert att.target == room_a
    assert att.original_name == "教室照片.png"
    assert att.mime_type == "image/png"
    assert att.is_image is True
    assert att.size == len(data)
    assert att.description == "前门"
    assert att.uploaded_by == head_a
    folder, name = os.path.split(att.file.name)
    assert folder == f"attachments/{school_a.pk}/{ct.pk}/{room_a.pk}"
    assert len(name) == 36 and name.endswith(".png") and "教室" not in name
    assert stored_files(media) == [att.file.name]
    assert (media / att.file.name).read_bytes() == data  # stored as uploaded, nothing stripped
    # One entry for the attachment, one on the room noting it.
    att_log = ChangeLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Attachment), object_id=str(att.pk)
    )
    assert att_log.action == ChangeAction.CREATE
    assert att_log.changes["original_name"] == [None, "教室照片.png"]
    assert att_log.school == school_a
    on_room = room_log(room_a).get()
    assert on_room.action == ChangeAction.UPDATE
    assert on_room.changes == {"attachment": [None, "教室照片.png"]}
    assert on_room.actor == head_a


@pytest.mark.parametrize(
    "name, data, mime, is_image",
    [
        ("scan.PDF", PDF, "application/pdf", False),
        ("photo.jpeg", image_bytes("JPEG"), "image/jpeg", True),
        ("photo.JPG", image_bytes("JPEG"), "image/jpeg", True),
        ("anim.gif", image_bytes("GIF"), "image/gif", True),
        ("phone.webp", image_bytes("WEBP"), "image/webp", True),
        (
            "记录.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            False,
        ),
        (
            "台账.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            False,
        ),
        ("名单.csv", "姓名,班级\n张三,一年级\n".encode(), "text/csv", False),
        ("说明.txt", "\ufeff这是说明".encode(), "text/plain", False),
    ],
)
def test_accepted_kinds(media, head_a, room_a, name, data, mime, is_image):
    att = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload(name, data))
    assert (att.original_name, att.mime_type, att.is_image, att.size) == (name, mime, is_image, len(data))
    assert att.file.name.endswith(os.path.splitext(name)[1].lower())
    assert stored_files(media) == [att.file.name]


BAD = [
    ("oversized", "big.txt", b"a" * 101, "The file is 101\xa0bytes; files may be at most 100\xa0bytes."),
    ("empty", "empty.txt", b"", "The file is empty."),
    (
        "text named .png",
        "photo.png",
        b"just some text",
        "The file name ends in .png but its content is plain text.",
    ),
    ("exe named .png", "photo.png", EXE, "The content of the file is not a type we accept"),
    ("exe named .pdf", "report.pdf", EXE, "The content of the file is not a type we accept"),
    ("pdf named .jpg", "photo.jpg", PDF, "The file name ends in .jpg but its content is a PDF document."),
    (
        "truncated png",
        "photo.png",
        png_bytes()[:40],
        "The file looks like a PNG image but cannot be read as one; it is damaged or disguised.",
    ),
    ("exe", "setup.exe", EXE, "Files of this type (.exe) are not accepted."),
    ("no extension", "README", b"text", "Files of this type (no extension) are not accepted."),
    ("gbk csv", "名单.csv", "姓名,班级".encode("gbk"), "The content of the file is not a type we accept"),
    (
        "zip named docx",
        "a.docx",
        b"PK\x03\x04" + b"\x00" * 40,
        "The content of the file is not a type we accept",
    ),
    ("docx with macros", "a.docx", macro_docx_bytes(), "The content of the file is not a type we accept"),
    (
        "xlsx named docx",
        "a.docx",
        xlsx_bytes(),
        "The file name ends in .docx but its content is an Excel workbook.",
    ),
    (
        "gif named webp",
        "a.webp",
        image_bytes("GIF"),
        "The file name ends in .webp but its content is a GIF image.",
    ),
]


@pytest.mark.parametrize("case, name, data, message", BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_and_nothing_is_kept(
    settings, media, head_a, room_a, case, name, data, message
):
    settings.HOUQIN_MAX_UPLOAD_BYTES = 100 if case == "oversized" else 10 * 1024 * 1024
    logs = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=head_a, obj=room_a, uploaded_file=upload(name, data))
    assert list(exc.value.message_dict) == ["file"]
    assert exc.value.message_dict["file"][0].startswith(message)
    assert Attachment.objects.count() == 0
    assert ChangeLogEntry.objects.count() == logs
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\老师\\照片.png", "照片.png"),
        ("photo\u202egnp.exe", "photognp.exe"),
        ("  .hidden.txt ", "hidden.txt"),
        ('a<b>:"c|?*.txt', "a_b___c___.txt"),
        ("", "file"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_original_names_are_cleaned(raw, clean):
    assert clean_file_name(raw) == clean


def test_disguised_name_is_cleaned_before_its_extension_is_checked(media, head_a, room_a):
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("photo\u202egnp.exe", png_bytes()))
    assert exc.value.message_dict["file"][0].startswith("Files of this type (.exe) are not accepted.")
    assert stored_files(media) == []


def test_only_school_records_take_files(head_a):
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=head_a, obj=head_a, uploaded_file=upload("a.pdf", PDF))
    assert exc.value.message_dict == {"object": ["Files can only be attached to a school's records."]}


def test_service_refuses_another_school_and_missing_permission(media, head_a, room_b, school_a):
    with pytest.raises(PermissionDenied):
        attachment_add(actor=head_a, obj=room_b, uploaded_file=upload("a.pdf", PDF))
    auditor = member(school_a, "auditor")
    with pytest.raises(PermissionDenied):
        attachment_add(actor=auditor, obj=RoomFactory(school=school_a), uploaded_file=upload("a.pdf", PDF))
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_database_failure_removes_the_stored_file(media, head_a, room_a, monkeypatch):
    from houqin.core.services import attachments as svc

    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(svc, "changelog_record", fail)
    with pytest.raises(RuntimeError):
        attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("a.pdf", PDF))
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_delete_removes_row_and_file_after_commit(
    media, head_a, room_a, school_a, django_capture_on_commit_callbacks
):
    att = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("a.png", png_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=head_a, attachment=att)
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []
    assert [e.changes for e in room_log(room_a).order_by("id")] == [
        {"attachment": [None, "a.png"]},
        {"attachment": ["a.png", None]},
    ]
    gone = ChangeLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Attachment), action=ChangeAction.DELETE
    )
    assert gone.school == school_a
    assert gone.changes["original_name"] == ["a.png", None]


def test_uploader_removes_own_files_only(media, school_a, teacher_a, head_a, room_a):
    mine = attachment_add(actor=teacher_a, obj=room_a, uploaded_file=upload("mine.pdf", PDF))
    theirs = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("theirs.pdf", PDF))
    with pytest.raises(PermissionDenied):
        attachment_delete(actor=teacher_a, attachment=theirs)
    attachment_delete(actor=teacher_a, attachment=mine)
    assert list(Attachment.objects.all()) == [theirs]


# --- pages --------------------------------------------------------------------------------


def upload_url(room):
    return reverse("core:attachment_upload", args=["core", "room", room.pk])


def test_upload_page_redirects_to_the_attachments_tab(client, media, head_a, room_a):
    client.force_login(head_a)
    response = client.post(
        upload_url(room_a), {"file": upload("门牌.png", png_bytes()), "description": "门牌"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{room_a.get_absolute_url()}?tab=attachments"
    att = Attachment.objects.get()
    assert (att.original_name, att.description, att.uploaded_by) == ("门牌.png", "门牌", head_a)


def test_upload_htmx_returns_the_updated_list(client, media, head_a, room_a):
    client.force_login(head_a)
    response = client.post(
        upload_url(room_a), {"file": upload("门牌.png", png_bytes())}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    att = Attachment.objects.get()
    html = response.content.decode()
    assert "<html" not in html
    assert html.startswith('\n<section class="attachments" id="attachments">')
    assert "Attached 门牌.png." in html
    assert f'<img src="{reverse("core:attachment_thumbnail", args=[att.pk])}"' in html


def test_upload_page_get_shows_the_form_and_the_files(client, media, head_a, room_a):
    attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("报告.pdf", PDF))
    client.force_login(head_a)
    response = client.get(upload_url(room_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="{room_a.get_absolute_url()}">{room_a}</a>' in html
    assert "报告.pdf" in html
    assert 'type="file" name="file"' in html
    assert "At most 10.0\xa0MB." in html


def test_upload_page_bad_file_shows_the_reason_and_saves_nothing(client, media, head_a, room_a):
    client.force_login(head_a)
    response = client.post(upload_url(room_a), {"file": upload("photo.jpg", PDF)})
    assert response.status_code == 400
    assert "The file name ends in .jpg but its content is a PDF document." in response.content.decode()
    htmx = client.post(upload_url(room_a), {"file": upload("photo.jpg", PDF)}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert "The file name ends in .jpg but its content is a PDF document." in htmx.content.decode()
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []
    assert not room_log(room_a).exists()


def test_upload_page_oversized_file(client, settings, media, head_a, room_a):
    settings.HOUQIN_MAX_UPLOAD_BYTES = 50
    client.force_login(head_a)
    response = client.post(upload_url(room_a), {"file": upload("a.pdf", PDF)})
    assert response.status_code == 400
    assert "files may be at most 50\xa0bytes" in response.content.decode()
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_upload_page_access(client, media, school_a, head_a, room_a, room_b):
    url = upload_url(room_a)
    response = client.post(url, {"file": upload("a.pdf", PDF)})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(head_a)
    # Another school's room, an unknown type, a model that takes no files: 404.
    assert client.post(upload_url(room_b), {"file": upload("a.pdf", PDF)}).status_code == 404
    assert client.post(reverse("core:attachment_upload", args=["core", "nothing", 1])).status_code == 404
    assert client.post(reverse("core:attachment_upload", args=["core", "user", head_a.pk])).status_code == 404
    # No right to attach files: 403.
    client.force_login(member(school_a, "auditor"))
    assert client.post(url, {"file": upload("a.pdf", PDF)}).status_code == 403
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_attachments_tab_lists_pictures_and_files(client, media, head_a, room_a):
    pic = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("照片.png", png_bytes()))
    doc = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("报告.pdf", PDF))
    client.force_login(head_a)
    response = client.get(room_a.get_absolute_url(), {"tab": "attachments"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'<img src="{reverse("core:attachment_thumbnail", args=[pic.pk])}" alt="照片.png"' in html
    assert f'<a href="{reverse("core:attachment_download", args=[doc.pk])}" download>报告.pdf</a>' in html
    assert f'action="{upload_url(room_a)}"' in html
    assert html.count(">Remove</button>") == 2
    assert [a.pk for a in response.context["attachments"]] == [doc.pk, pic.pk]


def test_attachments_tab_without_upload_right_has_no_form(client, media, school_a, head_a, room_a):
    attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("报告.pdf", PDF))
    client.force_login(member(school_a, "auditor"))
    html = client.get(room_a.get_absolute_url(), {"tab": "attachments"}).content.decode()
    assert "报告.pdf" in html
    assert upload_url(room_a) not in html
    assert ">Remove</button>" not in html


def test_download_serves_pictures_inline_and_files_as_attachments(client, media, head_a, room_a):
    data = png_bytes()
    pic = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("照片.png", data))
    doc = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("report.pdf", PDF))
    client.force_login(head_a)
    response = client.get(reverse("core:attachment_download", args=[pic.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''%E7%85%A7%E7%89%87.png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    response = client.get(reverse("core:attachment_download", args=[doc.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'


def test_thumbnail_is_a_small_jpeg(client, media, head_a, room_a):
    pic = attachment_add(
        actor=head_a, obj=room_a, uploaded_file=upload("big.png", png_bytes(size=(1000, 500)))
    )
    doc = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("report.pdf", PDF))
    client.force_login(head_a)
    response = client.get(reverse("core:attachment_thumbnail", args=[pic.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as img:
        assert (img.format, img.size) == ("JPEG", (320, 160))
    assert client.get(reverse("core:attachment_thumbnail", args=[doc.pk])).status_code == 404


def test_download_access(client, media, school_a, head_a, head_b, room_a):
    att = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("a.pdf", PDF))
    url = reverse("core:attachment_download", args=[att.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(head_b)
    assert client.get(url).status_code == 404
    assert client.get(reverse("core:attachment_thumbnail", args=[att.pk])).status_code == 404
    # Sees rooms but not their files.
    rooms_only = Role.objects.create(code="rooms_only", name="rooms only", permissions=["core.view_room"])
    user = member(school_a, "teacher")
    user.memberships.update(role=rooms_only)
    client.force_login(user)
    assert client.get(url).status_code == 403


def test_delete_page(
    client, media, school_a, head_a, teacher_a, head_b, room_a, django_capture_on_commit_callbacks
):
    att = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("a.pdf", PDF))
    url = reverse("core:attachment_delete", args=[att.pk])
    client.force_login(head_b)
    assert client.post(url).status_code == 404
    client.force_login(teacher_a)  # may attach, but this file is not theirs
    assert client.post(url).status_code == 403
    assert Attachment.objects.filter(pk=att.pk).exists()
    client.force_login(head_a)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"{room_a.get_absolute_url()}?tab=attachments"
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


# --- API ----------------------------------------------------------------------------------


def test_api_create_list_and_delete(
    client, media, head_a, room_a, school_a, django_capture_on_commit_callbacks
):
    client.force_login(head_a)
    data = png_bytes()
    response = client.post(
        API, {"object_type": "core.room", "object_id": room_a.pk, "file": upload("照片.png", data)}
    )
    assert response.status_code == 201, response.content
    att = Attachment.objects.get()
    assert response.json() == {
        "id": att.pk,
        "school": school_a.pk,
        "object_type": "core.room",
        "object_id": room_a.pk,
        "original_name": "照片.png",
        "mime_type": "image/png",
        "size": len(data),
        "is_image": True,
        "description": "",
        "uploaded_by": head_a.pk,
        "created_at": response.json()["created_at"],
        "download_url": f"http://testserver/core/attachments/{att.pk}/download/",
        "thumbnail_url": f"http://testserver/core/attachments/{att.pk}/thumbnail/",
    }
    other = RoomFactory(school=school_a)
    attachment_add(actor=head_a, obj=other, uploaded_file=upload("b.pdf", PDF))
    listed = client.get(API, {"object_type": "core.room", "object_id": room_a.pk}).json()
    assert [r["id"] for r in listed["results"]] == [att.pk]
    assert client.get(API).json()["count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{API}{att.pk}/").status_code == 204
    assert not Attachment.objects.filter(pk=att.pk).exists()


@pytest.mark.parametrize("name, data", [("photo.png", b"not a picture"), ("report.pdf", EXE)])
def test_api_bad_file_is_400_with_field_error(client, media, head_a, room_a, name, data):
    client.force_login(head_a)
    response = client.post(
        API, {"object_type": "core.room", "object_id": room_a.pk, "file": upload(name, data)}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_api_missing_fields_are_400(client, media, head_a):
    client.force_login(head_a)
    response = client.post(API, {"object_type": "room"})
    assert response.status_code == 400
    assert set(response.json()) == {"object_type", "object_id", "file"}


def test_api_access(client, media, school_a, head_a, head_b, room_a, room_b):
    att = attachment_add(actor=head_a, obj=room_a, uploaded_file=upload("a.pdf", PDF))
    assert client.get(API).status_code in (401, 403)
    client.force_login(head_b)
    assert client.get(API).json()["results"] == []
    assert client.get(f"{API}{att.pk}/").status_code == 404
    assert client.delete(f"{API}{att.pk}/").status_code == 404
    response = client.post(
        API, {"object_type": "core.room", "object_id": room_a.pk, "file": upload("b.pdf", PDF)}
    )
    assert response.status_code == 404
    client.force_login(member(school_a, "auditor"))
    response = client.post(
        API, {"object_type": "core.room", "object_id": room_a.pk, "file": upload("b.pdf", PDF)}
    )
    assert response.status_code == 403
    assert client.delete(f"{API}{att.pk}/").status_code == 403
    assert list(Attachment.objects.all()) == [att]
    assert stored_files(media) == [att.file.name]
