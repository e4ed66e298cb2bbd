"""Attaching files and photos to school records, and removing them.

A file is accepted only when its content is one of the kinds a school office keeps (photos,
PDF scans, Office documents, plain text/CSV) and its name's extension agrees with that
content: a renamed executable or a PDF called .jpg is refused. The stored name is generated;
the uploader's name is kept, cleaned, for display only. Files are served only through the
scoped download view.
"""

import io
import os
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from .. import access
from ..models import Attachment, ChangeAction, School, SchoolOwned
from ..permissions import model_perm
from ..selectors.changelog import attachment_can_delete
from .changelog import changelog_record, snapshot


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    mime: str
    extensions: tuple
    is_image: bool = False
    pillow_format: str = ""


KINDS = {
    k.code: k
    for k in (
        FileKind("jpeg", gettext_lazy("a JPEG image"), "image/jpeg", ("jpg", "jpeg"), True, "JPEG"),
        FileKind("png", gettext_lazy("a PNG image"), "image/png", ("png",), True, "PNG"),
        FileKind("gif", gettext_lazy("a GIF image"), "image/gif", ("gif",), True, "GIF"),
        FileKind("webp", gettext_lazy("a WebP image"), "image/webp", ("webp",), True, "WEBP"),
        FileKind("pdf", gettext_lazy("a PDF document"), "application/pdf", ("pdf",)),
        FileKind(
            "docx",
            gettext_lazy("a Word document"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        FileKind(
            "xlsx",
            gettext_lazy("an Excel workbook"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
        ),
        FileKind(
            "pptx",
            gettext_lazy("a PowerPoint presentation"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        FileKind("text", gettext_lazy("plain text"), "text/plain", ("txt", "csv")),
    )
}
EXTENSION_KIND = {ext: kind.code for kind in KINDS.values() for ext in kind.extensions}
# A CSV is text by content; its extension decides the type it is served as.
EXTENSION_MIME = {"csv": "text/csv"}
OFFICE_MARKERS = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "xlsx"),
    ("ppt/presentation.xml", "pptx"),
)
NAME_MAX = 200
THUMBNAIL_SIZE = (320, 320)
UNSAFE_NAME_CHARS = set('<>:"|?*/\\')


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    kind: FileKind
    mime: str
    size: int


def accepted_extensions():
    return sorted(EXTENSION_KIND)


def clean_file_name(name):
    """The uploader's file name made safe to show and to put in a header: the last path part
    only, no control or direction-override characters, no leading dots, at most 200 chars."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if ch in UNSAFE_NAME_CHARS else ch for ch in name if unicodedata.category(ch)[0] != "C"
    )
    name = name.strip().lstrip(".").strip()
    if not name:
        name = "file"
    if len(name) > NAME_MAX:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 10 else ""
        name = stem[: NAME_MAX - len(ext)] + ext
    return name


def _read_all(f):
    f.seek(0)
    data = f.read()
    f.seek(0)
    return data


def _is_real_image(f, pillow_format):
    """Pillow must recognise the format and decode the whole picture (not just its header)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            f.seek(0)
            with Image.open(f) as img:
                if img.format != pillow_format:
                    return False
                img.verify()
            f.seek(0)
            with Image.open(f) as img:
                img.load()
    except Exception:  # any decoding failure means "not a usable picture"
        return False
    finally:
        f.seek(0)
    return True


def _office_kind(f):
    try:
        f.seek(0)
        with zipfile.ZipFile(f) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        f.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return None  # macro-enabled documents are not accepted
    for marker, code in OFFICE_MARKERS:
        if marker in names:
            return code
    return None


def _is_text(f):
    data = _read_all(f)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def sniff_kind(f):
    """(kind code, claimed image code) from the file's first bytes and a full check of them.

    The second value names the image format the header claims when Pillow cannot decode it,
    so the message can say "looks like a PNG but cannot be read".
    """
    f.seek(0)
    head = f.read(16)
    f.seek(0)
    image = None
    if head.startswith(b"\xff\xd8\xff"):
        image = "jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        image = "png"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        image = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        image = "webp"
    if image is not None:
        if _is_real_image(f, KINDS[image].pillow_format):
            return image, None
        return None, image
    if head.startswith(b"%PDF-"):
        return "pdf", None
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(f), None
    if _is_text(f):
        return "text", None
    return None, None


def check_upload(uploaded_file):
    """Size, extension and content of an upload; a ValidationError keyed "file" otherwise."""
    if uploaded_file is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    name = clean_file_name(getattr(uploaded_file, "name", ""))
    size = uploaded_file.size
    limit = settings.HOUQIN_MAX_UPLOAD_BYTES
    if size is None or size <= 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > limit:
        raise ValidationError(
            {
                "file": _("The file is %(size)s; files may be at most %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
            }
        )
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if ext not in EXTENSION_KIND:
        raise ValidationError(
            {
                "file": _("Files of this type (%(ext)s) are not accepted. Accepted: %(accepted)s.")
                % {
                    "ext": f".{ext}" if ext else _("no extension"),
                    "accepted": ", ".join(accepted_extensions()),
                }
            }
        )
    code, claimed_image = sniff_kind(uploaded_file)
    if code is None:
        if claimed_image is not None:
            message = _(
                "The file looks like %(kind)s but cannot be read as one; it is damaged or disguised."
            ) % {"kind": KINDS[claimed_image].label}
        else:
            message = _("The content of the file is not a type we accept (%(accepted)s).") % {
                "accepted": ", ".join(accepted_extensions())
            }
        raise ValidationError({"file": message})
    kind = KINDS[code]
    if ext not in kind.extensions:
        raise ValidationError(
            {
                "file": _("The file name ends in .%(ext)s but its content is %(kind)s.")
                % {"ext": ext, "kind": kind.label}
            }
        )
    return CheckedFile(
        name=name, extension=ext, kind=kind, mime=EXTENSION_MIME.get(ext, kind.mime), size=size
    )


def owning_school(obj):
    """The node a record belongs to, or None when it belongs to no school (a role, a user)."""
    if isinstance(obj, School):
        return obj
    if isinstance(obj, SchoolOwned) and not isinstance(obj, Attachment):
        return obj.school
    return None


def check_may_attach(actor, obj, school):
    """The actor sees the record and may attach files at its school (PermissionDenied if not)."""
    if actor is None:
        return  # the system (an import, a command)
    visible = actor.is_superuser or school.pk in access.visible_school_ids(actor)
    if not (
        visible
        and access.has_perm(actor, model_perm(obj.__class__, "view"), school)
        and access.has_perm(actor, "core.add_attachment", school)
    ):
        raise PermissionDenied(_("You may not attach files to this record."))


def attachment_add(*, actor, obj, uploaded_file, description=""):
    """Check `uploaded_file` and keep it with `obj`; logged on the attachment and on `obj`."""
    if obj is None or obj.pk is None:
        raise ValidationError({"object": _("Choose the record to attach the file to.")})
    school = owning_school(obj)
    if school is None:
        raise ValidationError({"object": _("Files can only be attached to a school's records.")})
    check_may_attach(actor, obj, school)
    checked = check_upload(uploaded_file)
    description = (description or "").strip()
    if len(description) > 200:
        raise ValidationError({"description": _("At most 200 characters.")})
    attachment = Attachment(
        school=school,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=obj.pk,
        original_name=checked.name,
        mime_type=checked.mime,
        size=checked.size,
        is_image=checked.kind.is_image,
        description=description,
        uploaded_by=actor,
    )
    stored = None
    uploaded_file.seek(0)
    try:
        with transaction.atomic():
            # The extension is ours (from the detected kind), the rest of the name is generated.
            attachment.file.save(f"upload.{checked.extension}", uploaded_file, save=False)
            stored = attachment.file.name
            attachment.save()
            changelog_record(actor=actor, obj=attachment, action=ChangeAction.CREATE)
            changelog_record(
                actor=actor,
                obj=obj,
                action=ChangeAction.UPDATE,
                before={"attachment": None},
                after={"attachment": attachment.original_name},
                school=school,
            )
    except BaseException:
        if stored:
            attachment.file.storage.delete(stored)
        raise
    return attachment


def thumbnail_name(attachment):
    return f"{os.path.splitext(attachment.file.name)[0]}.thumb.jpg"


def _delete_stored(storage, names):
    for name in names:
        if name and storage.exists(name):
            storage.delete(name)


def attachment_delete(*, actor, attachment):
    """Remove an attachment; the file goes once the transaction has committed."""
    if actor is not None and not attachment_can_delete(actor, attachment):
        raise PermissionDenied(_("You may not remove this file."))
    before = snapshot(attachment)
    target = attachment.target
    storage = attachment.file.storage
    names = [attachment.file.name, thumbnail_name(attachment) if attachment.is_image else None]
    with transaction.atomic():
        pk = attachment.pk
        attachment.delete()
        attachment.pk = pk
        changelog_record(
            actor=actor, obj=attachment, action=ChangeAction.DELETE, before=before, school=attachment.school
        )
        if target is not None:
            changelog_record(
                actor=actor,
                obj=target,
                action=ChangeAction.UPDATE,
                before={"attachment": attachment.original_name},
                after={"attachment": None},
                school=attachment.school,
            )
        transaction.on_commit(lambda: _delete_stored(storage, names))


def attachment_thumbnail(*, attachment):
    """A small JPEG of an image attachment, made once and kept next to the file."""
    if not attachment.is_image:
        raise ValidationError(_("Only pictures have thumbnails."))
    storage = attachment.file.storage
    name = thumbnail_name(attachment)
    if storage.exists(name):
        with storage.open(name, "rb") as fh:
            return fh.read()
    with attachment.file.open("rb") as fh, Image.open(fh) as img:
        img = ImageOps.exif_transpose(img)
        img.thumbnail(THUMBNAIL_SIZE)
        if img.mode not in ("RGB", "L"):
            rgba = img.convert("RGBA")
            img = Image.new("RGB", rgba.size, "white")
            img.paste(rgba, mask=rgba.getchannel("A"))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=80)
    data = buf.getvalue()
    storage.save(name, ContentFile(data))
    return data
