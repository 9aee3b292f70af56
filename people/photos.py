"""Profile photos: what is uploaded is read as an image, made small and written anew as PNG,
so that what is stored and served is always a plain picture of ours (no script, no metadata,
no file that only looks like an image)."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

SIDE = 512  # pixels: a photo is shown small
MAX_PIXELS = 40_000_000  # more than any camera's picture; refuses decompression bombs
FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def photo_clean(upload) -> ContentFile:
    """The PNG of an uploaded picture (at most ``SIDE`` pixels a side), or a ValidationError
    naming why it is refused: too large a file, not a picture, too many pixels."""
    limit = settings.PROFILE_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"photo": _("A photo has at most %(mb)s MB.") % {"mb": round(limit / 1024 / 1024, 1)}}
        )
    try:
        with Image.open(upload) as image:
            if image.format not in FORMATS:
                raise ValidationError({"photo": _("A photo is a JPEG, PNG, GIF or WebP picture.")})
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError({"photo": _("This picture has too many pixels.")})
            image.seek(0)  # the first frame of an animation
            picture = ImageOps.exif_transpose(image).convert("RGBA")
            picture.thumbnail((SIDE, SIDE))
            out = io.BytesIO()
            picture.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise ValidationError(
            {"photo": _("This file is not a picture that can be read.")}
        ) from None
    return ContentFile(out.getvalue(), name="photo.png")
