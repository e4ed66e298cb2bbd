"""Photos of reports and repairs: checked by the core attachment rules, and pictures only."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from houqin.core.models import Attachment
from houqin.core.services.attachments import attachment_add, check_upload

MAX_PHOTOS = 4  # per report or per upload: what a phone form can carry, not a school rule


def photos_check(photos, field="photos"):
    """The uploads that were actually chosen, each a real picture (content checked, not the name);
    a ValidationError keyed by `field` naming the first bad file otherwise."""
    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({field: _("At most %(n)s photos at a time.") % {"n": MAX_PHOTOS}})
    for photo in photos:
        try:
            checked = check_upload(photo)
        except ValidationError as exc:
            messages = exc.message_dict.get("file", exc.messages)
            raise ValidationError({field: [f"{photo.name}: {m}" for m in messages]})
        if not checked.kind.is_image:
            raise ValidationError(
                {
                    field: _("%(name)s is not a photo (it is %(kind)s).")
                    % {"name": checked.name, "kind": checked.kind.label}
                }
            )
    return photos


def photos_attach(*, obj, photos, uploaded_by=None, description=""):
    """Keep already-checked photos with `obj`.

    Attached as the system: the right to report a fault includes its photos, whatever the
    reporter's role may attach elsewhere (and an anonymous reporter has no role at all). The
    reporter is still recorded as the uploader."""
    attachments = []
    for photo in photos:
        attachment = attachment_add(actor=None, obj=obj, uploaded_file=photo, description=description)
        if uploaded_by is not None:
            Attachment.objects.filter(pk=attachment.pk).update(uploaded_by=uploaded_by)
            attachment.uploaded_by = uploaded_by
        attachments.append(attachment)
    return attachments
