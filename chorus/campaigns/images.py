"""Activity images: what is accepted, checked by reading the file rather than trusting its name."""

import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Pillow's format name → the extension the stored file gets.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}


def check_image(file: File) -> str:  # type: ignore[type-arg]
    """The name to store an acceptable image under; ValidationError otherwise."""
    if file.size is None or file.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is larger than 5 MB. Please upload a smaller one."),
            code="image_too_large",
        )
    image_format = _image_format(file)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Please upload a JPEG, PNG, GIF or WebP image."), code="image_format"
        )
    return f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}"


def _image_format(file: File) -> str | None:  # type: ignore[type-arg]
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format = image.format
                image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):
        return None
    finally:
        file.seek(0)
    return image_format


def content_type_for(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return CONTENT_TYPES.get(extension, "application/octet-stream")
